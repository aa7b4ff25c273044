// Rooms (the API's meetings): create, list, read and delete within an account; look-ups the pipeline uses to open sessions.
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { and, desc, eq, ilike, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rooms, type RoomRow } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { appEnv } from "@/lib/config/env";
import { appKeyring } from "@/lib/config/keyring";
import { openSecret, sealSecret } from "@/lib/crypto/seal";
import { getAccountTranscriptionSettings } from "@/lib/settings/account-settings";
import { assertLanguageSupported } from "@/lib/speech/engine-languages";
import { resolveRoomSettings, type ResolvedRoomSettings, type RoomOverrides } from "@/lib/settings/resolve";
import type { TranscriptionLanguage } from "@/lib/speech/languages";
import type { Destination } from "@/lib/settings/types";
import type { CreateMeetingInput } from "./validation";
import { decodeMeetingCursor, encodeMeetingCursor } from "./meeting-cursor";
import { uuidPattern } from "@/lib/validation/uuid";

export type Room = RoomRow;

/** As the hosted anchors do, a room still accepts sessions for one hour after its end date. */
export const ROOM_GRACE_MS = 60 * 60 * 1000;

const roomKeyAad = (roomId: string) => `room-key:${roomId}`;

/** The associated data a room's own S3 secret is sealed with (see storageForDestination). */
export const roomSecretSealedFor = (room: Pick<Room, "id">) => room.id;

/** Creates a room; returns it with its host key in clear, which only the creator's answer may carry. */
export async function createRoom(db: Db, actor: Actor, input: CreateMeetingInput, now = new Date()): Promise<{ room: Room; roomKey: string }> {
  requireAdmin(actor);
  const live = input.liveTranscription ?? null;
  if (live?.language) assertLanguageSupported(live.language, "liveTranscription.language");
  const language = live?.language ?? (await getAccountTranscriptionSettings(db, actor.accountId)).language;

  const id = randomUUID();
  const roomKey = randomBytes(24).toString("base64url");
  // 128 random bits: a room name is its address, and knowing it is enough to join.
  const random = randomBytes(16).toString("hex");
  const roomName = `/${input.roomNamePrefix ? `${input.roomNamePrefix}-` : ""}${random}`;
  const keyring = appKeyring();
  const destination = live?.destination ?? null;
  // Millisecond precision on purpose: the list cursor carries this value and compares it exactly.
  const createdAt = new Date(now.getTime());

  const room = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(rooms)
      .values({
        id,
        accountId: actor.accountId,
        roomName,
        title: input.title ?? null,
        roomKeySealed: sealSecret(roomKey, keyring, roomKeyAad(id)),
        roomMode: input.roomMode,
        isLocked: input.isLocked,
        startDate: createdAt,
        endDate: new Date(input.endDate),
        hasTranscriptionBlock: live !== null,
        language,
        languageFromRoom: Boolean(live?.language),
        overrideStartTrigger: live?.startTrigger ?? null,
        overrideVocabulary: live?.vocabulary ?? null,
        overrideStorage: destination?.provider ?? null,
        overrideS3Bucket: destination?.provider === "s3" ? destination.bucket : null,
        overrideS3Region: destination?.provider === "s3" ? destination.region : null,
        overrideS3AccessKeyId: destination?.provider === "s3" ? destination.accessKeyId : null,
        overrideS3SecretSealed: destination?.provider === "s3" ? sealSecret(destination.accessKeySecret, keyring, id) : null,
        overrideS3Endpoint: destination?.provider === "s3" ? destination.endpoint : null,
        overrideS3ChecksumMode: destination?.provider === "s3" ? (destination.checksumMode ?? null) : null,
        overrideParticipantDownloads: live?.participantDownloads ?? null,
        createdByUserId: actor.userId,
        createdAt,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: "room.created",
      targetType: "room",
      targetId: id,
      details: { roomName, startTrigger: live?.startTrigger ?? null, language, vocabularyEntries: live?.vocabulary?.length ?? null, storage: destination?.provider ?? null },
    });
    return row;
  });
  return { room, roomKey };
}

/** Renames a room (its human title); null clears it. */
export async function renameRoom(db: Db, actor: Actor, roomId: string, title: string | null): Promise<Room> {
  requireAdmin(actor);
  const room = await getRoom(db, actor.accountId, roomId);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(rooms).set({ title }).where(eq(rooms.id, room.id)).returning();
    await recordAudit(tx, actor, { action: "room.renamed", targetType: "room", targetId: room.id, details: { roomName: room.roomName, title } });
    return row;
  });
}

/**
 * One page of the account's live rooms, newest first; `nextCursor` is null on the last page. `search` keeps the
 * rooms whose title or name contains it (case-insensitive, taken literally).
 */
export async function listRooms(
  db: Db,
  accountId: string,
  page: { cursor?: string; limit: number; search?: string },
): Promise<{ rooms: Room[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeMeetingCursor(page.cursor) : undefined;
  const search = page.search?.trim();
  const like = search ? `%${search.replace(/[\\%_]/g, "\\$&")}%` : undefined;
  const rows = await db
    .select()
    .from(rooms)
    .where(
      and(
        eq(rooms.accountId, accountId),
        isNull(rooms.deletedAt),
        like ? or(ilike(rooms.title, like), ilike(rooms.roomName, like)) : undefined,
        after ? or(lt(rooms.createdAt, after.createdAt), and(eq(rooms.createdAt, after.createdAt), lt(rooms.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(rooms.createdAt), desc(rooms.id))
    .limit(page.limit + 1);
  const pageRows = rows.slice(0, page.limit);
  const last = pageRows.at(-1);
  return { rooms: pageRows, nextCursor: rows.length > page.limit && last ? encodeMeetingCursor(last) : null };
}

/** The account's room; a malformed, missing, deleted or other account's id is "not found", all alike. */
export async function getRoom(db: Db, accountId: string, roomId: string): Promise<Room> {
  if (!uuidPattern.test(roomId)) throw notFound();
  const [row] = await db
    .select()
    .from(rooms)
    .where(and(eq(rooms.id, roomId), eq(rooms.accountId, accountId), isNull(rooms.deletedAt)));
  if (!row) throw notFound();
  return row;
}

/** The account's room by id, deleted or not (a transcription's room, which may have been deleted since); null if none. */
export async function findRoom(db: Db, accountId: string, roomId: string): Promise<Room | null> {
  if (!uuidPattern.test(roomId)) return null;
  const [row] = await db.select().from(rooms).where(and(eq(rooms.id, roomId), eq(rooms.accountId, accountId)));
  return row ?? null;
}

/**
 * Deletes a room of the actor's account; deleting it again succeeds too (idempotent). An id that is not a room of
 * this account (malformed, unknown, or another account's) is "not found", so nothing is revealed about other accounts.
 */
export async function deleteRoom(db: Db, actor: Actor, roomId: string, now = new Date()): Promise<void> {
  requireAdmin(actor);
  if (!uuidPattern.test(roomId)) throw notFound();
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(rooms).where(and(eq(rooms.id, roomId), eq(rooms.accountId, actor.accountId)));
    if (!row) throw notFound();
    if (row.deletedAt) return;
    await tx.update(rooms).set({ deletedAt: now }).where(eq(rooms.id, row.id));
    await recordAudit(tx, actor, { action: "room.deleted", targetType: "room", targetId: row.id, details: { roomName: row.roomName } });
  });
}

/** The live room with this name ("/sales-…"), in any account: the room page and the media side know only the name. */
export async function getRoomByName(db: Db, roomName: string): Promise<Room | null> {
  if (roomName.length > 200) return null;
  const [row] = await db
    .select()
    .from(rooms)
    .where(and(eq(rooms.roomName, roomName), isNull(rooms.deletedAt)));
  return row ?? null;
}

/** The room's host key, opened from its sealed form; for building hostRoomUrl. */
export function openRoomKey(room: Pick<Room, "id" | "roomKeySealed">): string {
  return openSecret(room.roomKeySealed, appKeyring(), roomKeyAad(room.id));
}

/** Whether `key` is the room's host key (constant-time comparison). */
export function verifyRoomKey(room: Pick<Room, "id" | "roomKeySealed">, key: string | null | undefined): boolean {
  if (!key || key.length > 200) return false;
  const expected = Buffer.from(openRoomKey(room));
  const given = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `${publicUrl}/r/<name without the slash>`: the room page. */
export function roomUrl(room: Pick<Room, "roomName">, publicUrl = appEnv().publicUrl): string {
  return `${publicUrl}/r/${room.roomName.replace(/^\//, "")}`;
}

/** The room page with the host key, which grants the host role. */
export function hostRoomUrl(room: Pick<Room, "id" | "roomName" | "roomKeySealed">, publicUrl = appEnv().publicUrl): string {
  return `${roomUrl(room, publicUrl)}?roomKey=${encodeURIComponent(openRoomKey(room))}`;
}

/**
 * The links a signed-in user may see for a room: everyone the room link, only admins the host link (its key makes
 * anyone who has it the host, and members cannot otherwise act as hosts).
 */
export function roomLinksFor(room: Pick<Room, "id" | "roomName" | "roomKeySealed">, role: "admin" | "member", publicUrl = appEnv().publicUrl) {
  return { roomUrl: roomUrl(room, publicUrl), hostRoomUrl: role === "admin" ? hostRoomUrl(room, publicUrl) : null };
}

/** The room's own settings as resolveRoomSettings takes them (sealed secret included, never sent out). */
export function roomOverrides(room: Room): RoomOverrides {
  let destination: Destination | null = null;
  if (room.overrideStorage === "hosted") destination = { provider: "hosted" };
  if (room.overrideStorage === "s3") {
    destination = {
      provider: "s3",
      bucket: room.overrideS3Bucket!,
      region: room.overrideS3Region!,
      accessKeyId: room.overrideS3AccessKeyId!,
      secretSealed: room.overrideS3SecretSealed!,
      endpoint: room.overrideS3Endpoint,
      ...(room.overrideS3ChecksumMode === "whenSupported" ? { checksumMode: room.overrideS3ChecksumMode } : {}),
    };
  }
  return {
    language: room.language as TranscriptionLanguage,
    languageFromRoom: room.languageFromRoom,
    startTrigger: room.overrideStartTrigger,
    vocabulary: room.overrideVocabulary,
    destination,
  };
}

export type EffectiveRoomSettings = ResolvedRoomSettings & {
  /** The associated data to open the effective destination's secret with: the room's id or the account's id. */
  destinationSealedFor: string;
};

/** The room's settings right now: the account's current defaults overridden by the room's own. */
export async function getEffectiveRoomSettings(db: Db, room: Room): Promise<EffectiveRoomSettings> {
  const account = await getAccountTranscriptionSettings(db, room.accountId);
  return withSealedFor(room, resolveRoomSettings(account, roomOverrides(room)));
}

/** Same as getEffectiveRoomSettings for many rooms of one account, with the account defaults read once. */
export function effectiveRoomSettingsFrom(room: Room, account: Parameters<typeof resolveRoomSettings>[0]): EffectiveRoomSettings {
  return withSealedFor(room, resolveRoomSettings(account, roomOverrides(room)));
}

function withSealedFor(room: Room, resolved: ResolvedRoomSettings): EffectiveRoomSettings {
  return { ...resolved, destinationSealedFor: resolved.source.destination === "room" ? roomSecretSealedFor(room) : room.accountId };
}

/** Whether the room accepts a new session at `now`: not deleted, and its end date plus one hour not yet passed. */
export function isRoomOpen(room: Pick<Room, "endDate" | "deletedAt">, now = new Date()): boolean {
  return !room.deletedAt && now.getTime() <= room.endDate.getTime() + ROOM_GRACE_MS;
}

/** Throws when the room accepts no new session (deleted, or ended more than an hour ago). */
export function assertRoomOpen(room: Pick<Room, "endDate" | "deletedAt">, now = new Date()): void {
  if (room.deletedAt) throw notFound("This room has been deleted");
  if (!isRoomOpen(room, now)) {
    throw new AppError("conflict", `This room ended at ${room.endDate.toISOString()} and accepts no new sessions`);
  }
}
