// Test factory: rooms, sessions, participants, transcriptions, segments and stored files, written directly, as the
// live pipeline would leave them. For tests and the benchmark only.
import { randomBytes, randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rooms, roomSessions, sessionParticipants, transcriptions, transcriptSegments, type TranscriptionState } from "@/lib/db/schema";
import type { Destination } from "@/lib/settings/types";
import { renderMarkdown, transcriptFilename } from "./render";
import { encodeStoredDestination, storageForTranscription } from "./stored-destination";
import type { TranscriptionRow } from "./transcription-resource";

export type FactorySegment = { speaker: string; atSeconds: number; text: string; durationSeconds?: number };

export type FactoryTranscript = {
  roomName?: string;
  /** An existing room of the account to hold the session; a new one is made otherwise. */
  roomId?: string;
  startedAt?: Date;
  durationSeconds?: number;
  state?: TranscriptionState;
  error?: string;
  language?: string;
  /** Display names of those present; speakers of `segments` are added. */
  participants?: string[];
  segments?: FactorySegment[];
  /** The speech engine recorded as having produced it; default pocketsphinx. */
  engineId?: string | null;
  /** Where the file goes; default hosted. For s3 the secret must be sealed for `sealedFor` (room or account id). */
  destination?: Destination;
  sealedFor?: string;
  /** Write the rendered Markdown file to the destination (default: true for ready transcripts). */
  store?: boolean;
};

export async function createTestRoom(db: Db, accountId: string, roomName = `/test-${randomBytes(8).toString("hex")}`): Promise<{ id: string; roomName: string }> {
  const id = randomUUID();
  const now = new Date();
  await db.insert(rooms).values({
    id,
    accountId,
    roomName,
    // Never opened by these tests.
    roomKeySealed: "test-only",
    startDate: now,
    endDate: new Date(now.getTime() + 24 * 3600_000),
    language: "en",
    createdAt: now,
  });
  return { id, roomName };
}

/** Creates one transcription the way the pipeline leaves it, and returns its row. */
export async function createTestTranscript(db: Db, accountId: string, input: FactoryTranscript = {}): Promise<TranscriptionRow> {
  // A named room is reused when the account already has it (room names are unique).
  const [existing] = input.roomId
    ? await db.select({ id: rooms.id, roomName: rooms.roomName }).from(rooms).where(eq(rooms.id, input.roomId))
    : input.roomName
      ? await db.select({ id: rooms.id, roomName: rooms.roomName }).from(rooms).where(and(eq(rooms.accountId, accountId), eq(rooms.roomName, input.roomName)))
      : [];
  const room = existing ?? (await createTestRoom(db, accountId, input.roomName));
  const roomName = input.roomName ?? room.roomName;
  const state = input.state ?? "ready";
  const startedAt = input.startedAt ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
  const durationSeconds = state === "in_progress" ? null : (input.durationSeconds ?? 600);
  const endedAt = durationSeconds === null ? null : new Date(startedAt.getTime() + durationSeconds * 1000);
  const segments = input.segments ?? [];
  const destination = input.destination ?? { provider: "hosted" as const };

  const [session] = await db.insert(roomSessions).values({ accountId, roomId: room.id, startedAt, endedAt }).returning();
  const names = [...new Set([...(input.participants ?? []), ...segments.map((s) => s.speaker)])];
  if (names.length) {
    await db.insert(sessionParticipants).values(
      names.map((displayName, i) => ({
        accountId,
        roomSessionId: session.id,
        participantId: `p${i + 1}`,
        displayName,
        role: i === 0 ? ("host" as const) : ("guest" as const),
        joinedAt: new Date(startedAt.getTime() + i * 1000),
        leftAt: endedAt,
      })),
    );
  }
  const [row] = await db
    .insert(transcriptions)
    .values({
      accountId,
      roomId: room.id,
      roomSessionId: session.id,
      roomName,
      language: input.language ?? "en",
      engineId: input.engineId === undefined ? "pocketsphinx" : input.engineId,
      phase: FIXTURE_PHASE[state],
      startedAt,
      endedAt,
      durationSeconds,
      filename: transcriptFilename(roomName, startedAt),
      storageType: destination.provider === "hosted" ? "HOSTED" : "SELF_HOSTED",
      destination: encodeStoredDestination(destination, input.sealedFor ?? accountId),
      error: input.error ?? null,
    })
    .returning();
  if (segments.length) {
    await db.insert(transcriptSegments).values(
      segments.map((s) => ({
        accountId,
        transcriptionId: row.id,
        participantId: `p${names.indexOf(s.speaker) + 1}`,
        displayName: s.speaker,
        startMs: Math.round(s.atSeconds * 1000),
        endMs: Math.round((s.atSeconds + (s.durationSeconds ?? 2)) * 1000),
        text: s.text,
      })),
    );
  }
  if (input.store ?? state === "ready") {
    const key = `${accountId}/${row.id}/${row.filename}`;
    const markdown = renderMarkdown(
      { roomName, roomSessionId: session.id, startedAt, endedAt: endedAt ?? new Date(), language: row.language, engine: row.engineId, participants: names },
      segments.map((s) => ({
        participantId: `p${names.indexOf(s.speaker) + 1}`,
        displayName: s.speaker,
        startMs: Math.round(s.atSeconds * 1000),
        endMs: Math.round((s.atSeconds + (s.durationSeconds ?? 2)) * 1000),
        text: s.text,
      })),
    );
    await storageForTranscription(row).put(key, markdown, "text/markdown; charset=utf-8");
    const [stored] = await db.update(transcriptions).set({ storageKey: key }).where(eq(transcriptions.id, row.id)).returning();
    return stored;
  }
  return row;
}

/** The phase a fixture's bare state stands for: running, saved, or a save that failed for good. */
export const FIXTURE_PHASE = { in_progress: "running", ready: "ready", failed: "upload_failed" } as const;
