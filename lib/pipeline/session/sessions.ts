// Room sessions in the database: join and leave, the triggers, and transcription records, each change with its webhook events in one transaction.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { offRecordSpans, rooms, roomSessions, sessionParticipants, transcriptions, transcriptSegments, type ParticipantRole } from "@/lib/db/schema";
import { AppError, conflict, forbidden, RetryLaterError } from "@/lib/errors";
import { assertRoomOpen, getEffectiveRoomSettings, type EffectiveRoomSettings, type Room } from "@/lib/rooms/rooms";
import { decideTrigger, REFUSAL_KIND, REFUSALS, type TranscriptionRunState, type TriggerEvent, type TriggerRefusal } from "@/lib/pipeline/triggers";
import { instanceId, internalUrl, leaseExpiry, leaseMs, mayOwn } from "@/lib/pipeline/lease";
import { mayMove, moveTo } from "@/lib/transcripts/lifecycle-store";
import { transcriptFilename } from "@/lib/transcripts/render";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import type { Destination } from "@/lib/settings/types";
import type { OffRecordAction } from "./validation";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type SessionRow = typeof roomSessions.$inferSelect;
export type ParticipantRow = typeof sessionParticipants.$inferSelect;
export type TranscriptionRow = typeof transcriptions.$inferSelect;

/** A session is transcribed for at most this long, then cut and saved (product.md). */
export const MAX_TRANSCRIPTION_MS = 12 * 3600_000;
/** After a stop, the owner has this long to flush the engines and save before the retry loop takes over. */
export const FINALIZE_CLAIM_MS = 60_000;

/** What the sealed destination column holds: the effective destination at start, and what its secret was sealed with. */
export type StoredDestination = { destination: Destination; sealedFor: string };

/**
 * The speech engine chosen for this transcription's language (recorded on it), or the problem that makes a started
 * transcription fail at once, with the reason.
 */
export type EngineReadiness = { ok: true; engineId: string } | { ok: false; problem: string };

export type TranscriptionChange =
  | { kind: "started"; transcription: TranscriptionRow }
  | { kind: "failed"; transcription: TranscriptionRow }
  | { kind: "stopped"; transcription: TranscriptionRow };

/** Where the room's transcription is for a session: running, stopped, or cut at the 12-hour limit. */
async function runState(tx: Tx, sessionId: string): Promise<{ state: TranscriptionRunState; running?: TranscriptionRow }> {
  const rows = await tx.select().from(transcriptions).where(eq(transcriptions.roomSessionId, sessionId)).orderBy(asc(transcriptions.startedAt));
  const running = rows.find((t) => t.phase === "running");
  if (running) return { state: "running", running };
  const cut = rows.some((t) => t.endedAt && t.endedAt.getTime() - t.startedAt.getTime() >= MAX_TRANSCRIPTION_MS);
  return { state: cut ? "cut" : "stopped" };
}

async function lockRoom(tx: Tx, roomId: string) {
  // Serializes every session change of one room, on PostgreSQL as on PGlite.
  await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
}

async function openSessionOf(tx: Tx, roomId: string): Promise<SessionRow | undefined> {
  const [row] = await tx.select().from(roomSessions).where(and(eq(roomSessions.roomId, roomId), isNull(roomSessions.endedAt)));
  return row;
}

/** Another live instance holds this session: the room route forwards the request there (lib/pipeline/forward.ts). */
export class OwnedElsewhereError extends AppError {
  constructor(readonly session: SessionRow) {
    super("conflict", `This room's session is live on another server instance (${session.ownerInstance}).`);
  }
}

/** The misrouting answer: another live instance holds this session. */
export function ownedElsewhere(session: SessionRow): AppError {
  return new OwnedElsewhereError(session);
}

function assertMayDrive(session: SessionRow, now: Date) {
  if (!mayOwn(session, now)) throw ownedElsewhere(session);
}

async function presentCount(tx: Tx, sessionId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.roomSessionId, sessionId), isNull(sessionParticipants.leftAt)));
  return Number(row?.n ?? 0);
}

/** Present participants whose words are transcribed (not opted out): what an automatic start waits for. */
async function transcribedCount(tx: Tx, sessionId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.roomSessionId, sessionId), isNull(sessionParticipants.leftAt), eq(sessionParticipants.notTranscribed, false)));
  return Number(row?.n ?? 0);
}

function clientEventData(room: Room, session: SessionRow, p: ParticipantRow, numClients: number) {
  return {
    meetingId: room.id,
    roomName: room.roomName,
    roomSessionId: session.id,
    participantId: p.participantId,
    displayName: p.displayName,
    roleName: p.role,
    numClients,
  };
}

function transcriptionEventBase(t: TranscriptionRow) {
  return { roomName: t.roomName, roomSessionId: t.roomSessionId, transcriptionId: t.id, type: "LIVE_TRANSCRIPTION" as const };
}

/** Creates the transcription record (in_progress, with its started event); fails it at once when the engine cannot run. */
async function startTranscriptionRecord(
  tx: Tx,
  room: Room,
  session: SessionRow,
  settings: EffectiveRoomSettings,
  engine: EngineReadiness,
  now: Date,
): Promise<TranscriptionChange> {
  const destination = settings.effective.destination;
  const stored: StoredDestination = { destination, sealedFor: settings.destinationSealedFor };
  const [created] = await tx
    .insert(transcriptions)
    .values({
      accountId: room.accountId,
      roomId: room.id,
      roomSessionId: session.id,
      roomName: room.roomName,
      language: settings.effective.language,
      engineId: engine.ok ? engine.engineId : null,
      vocabulary: settings.effective.vocabulary,
      phase: "running",
      startedAt: now,
      filename: transcriptFilename(room.roomName, now),
      storageType: destination.provider === "hosted" ? "HOSTED" : "SELF_HOSTED",
      destination: JSON.stringify(stored),
    })
    .returning();
  await enqueueEvent(tx, { accountId: room.accountId, type: "transcription.started", data: { ...transcriptionEventBase(created), status: "in_progress" } });
  if (engine.ok) return { kind: "started", transcription: created };
  const [failed] = await tx
    .update(transcriptions)
    .set({ ...moveTo("engine_unavailable"), endedAt: now, durationSeconds: 0, error: engine.problem, updatedAt: now })
    .where(and(eq(transcriptions.id, created.id), mayMove("engine_unavailable")))
    .returning();
  await enqueueEvent(tx, {
    accountId: room.accountId,
    type: "transcription.failed",
    data: { ...transcriptionEventBase(failed), status: "failed", error: engine.problem },
  });
  return { kind: "failed", transcription: failed };
}

/** Stops a running transcription at `endedAt` (saving, still in_progress for the API) and gives the owner the claim to save it. */
export async function stopTranscriptionRecord(tx: Tx, t: TranscriptionRow, endedAt: Date, now = endedAt): Promise<TranscriptionChange> {
  const [stopped] = await tx
    .update(transcriptions)
    .set({ ...moveTo("stop"), endedAt, claimedUntil: new Date(now.getTime() + FINALIZE_CLAIM_MS), updatedAt: now })
    .where(and(eq(transcriptions.id, t.id), mayMove("stop")))
    .returning();
  // Off the record until the end: the gap ends where the transcription does.
  if (stopped) await tx.update(offRecordSpans).set({ endedAt }).where(and(eq(offRecordSpans.transcriptionId, t.id), isNull(offRecordSpans.endedAt)));
  return { kind: "stopped", transcription: stopped ?? t };
}

async function applyTrigger(
  tx: Tx,
  room: Room,
  session: SessionRow,
  settings: EffectiveRoomSettings,
  engine: (language: string) => Promise<EngineReadiness>,
  event: TriggerEvent,
  now: Date,
  /** When the event happened, if earlier than now (a leave counted from the participant's last sign of life). */
  at = now,
): Promise<{ change?: TranscriptionChange; refused?: TriggerRefusal }> {
  const { state, running } = await runState(tx, session.id);
  const decision = decideTrigger({ enabled: settings.effective.enabled, trigger: settings.effective.startTrigger }, state, event);
  if (decision.refused) return { refused: decision.refused };
  if (decision.action === "start") return { change: await startTranscriptionRecord(tx, room, session, settings, await engine(settings.effective.language), now) };
  if (decision.action === "stop" && running) {
    const endedAt = new Date(Math.max(at.getTime(), running.startedAt.getTime()));
    return { change: await stopTranscriptionRecord(tx, running, endedAt, now) };
  }
  return {};
}

export type JoinInput = {
  room: Room;
  participantId: string;
  displayName: string;
  role: ParticipantRole;
  breakoutGroup: string | null;
  /** Joins with their own audio not transcribed (their choice); undefined on a later join keeps the earlier choice. */
  notTranscribed?: boolean;
  /**
   * What the caller proves about an existing participant id: an API key acts for any participant, a participant token
   * for its own id in its own session; a caller with the room key (role host) may take back a host's id. Nobody else
   * gets a participant id that is already taken in the open session (it would hand them that participant's identity).
   */
  proof: ParticipantProof;
  /** Participants present at once; a new one beyond it is refused (503, Retry-After). */
  maxParticipants: number;
  /** Checked only when a transcription is about to start; must not use the database (it runs inside the transaction). */
  engine: (language: string) => Promise<EngineReadiness>;
  now?: Date;
};

export type ParticipantProof = { apiKey: boolean; token?: { participantId: string; roomSessionId: string } };

export const PARTICIPANT_ID_TAKEN =
  "This participantId is already taken in the room's session. Join without a participantId to get a new one, or send that participant's own token (X-Participant-Token).";

export const ROOM_LOCKED = "This room is locked: only the host can join it, with the host link. Ask the organizer to unlock it.";

/** Whether the caller may act as an existing participant of the session again (a retry, a reload, a media server). */
function mayReclaim(existing: ParticipantRow, session: SessionRow, input: JoinInput): boolean {
  const { proof } = input;
  if (proof.apiKey) return true;
  if (proof.token && proof.token.participantId === existing.participantId && proof.token.roomSessionId === session.id) return true;
  return existing.role === "host" && input.role === "host";
}

export type JoinResult = {
  session: SessionRow;
  participant: ParticipantRow;
  /** False when the participant was already present (a repeated join): no event, same session. */
  joined: boolean;
  sessionStarted: boolean;
  numClients: number;
  change?: TranscriptionChange;
};

/** A participant joins: opens the session at the first join, records the events, applies the trigger. */
export async function joinSession(db: Db, input: JoinInput): Promise<JoinResult> {
  const now = input.now ?? new Date();
  const { room } = input;
  const settings = await getEffectiveRoomSettings(db, room);
  return db.transaction(async (tx) => {
    await lockRoom(tx, room.id);
    let session = await openSessionOf(tx, room.id);
    let sessionStarted = false;
    if (session) {
      assertMayDrive(session, now);
    } else {
      assertRoomOpen(room, now);
      [session] = await tx
        .insert(roomSessions)
        .values({ accountId: room.accountId, roomId: room.id, startedAt: now, ownerInstance: instanceId(), ownerAddress: internalUrl(), leaseExpiresAt: leaseExpiry(now) })
        .returning();
      sessionStarted = true;
      await enqueueEvent(tx, {
        accountId: room.accountId,
        type: "room.session.started",
        data: { meetingId: room.id, roomName: room.roomName, roomSessionId: session.id },
      });
    }
    const [existing] = await tx
      .select()
      .from(sessionParticipants)
      .where(and(eq(sessionParticipants.roomSessionId, session.id), eq(sessionParticipants.participantId, input.participantId)));
    if (existing && !mayReclaim(existing, session, input)) throw conflict(PARTICIPANT_ID_TAKEN);
    // A locked room lets in the host (room key) and the account's media server; a guest admitted before may come back.
    if (room.isLocked && !existing && input.role !== "host" && !input.proof.apiKey) throw forbidden(ROOM_LOCKED);
    if (existing && existing.leftAt === null) {
      // A repeated join (a retry, a reloaded page): same session, no event; a new name or breakout group is taken.
      const [participant] = await tx
        .update(sessionParticipants)
        .set({
          displayName: input.displayName,
          breakoutGroup: input.breakoutGroup,
          notTranscribed: input.notTranscribed ?? existing.notTranscribed,
          role: existing.role === "host" ? "host" : input.role,
        })
        .where(eq(sessionParticipants.id, existing.id))
        .returning();
      const numClients = await presentCount(tx, session.id);
      // Someone who had opted out and now asks to be transcribed may be what an automatic start waited for.
      if (existing.notTranscribed && !participant.notTranscribed) {
        const event = { type: "join" as const, participants: numClients, transcribed: await transcribedCount(tx, session.id) };
        const { change } = await applyTrigger(tx, room, session, settings, input.engine, event, now);
        return { session, participant, joined: false, sessionStarted, numClients, change };
      }
      return { session, participant, joined: false, sessionStarted, numClients };
    }
    if ((await presentCount(tx, session.id)) >= input.maxParticipants) {
      throw new RetryLaterError("unavailable", `This room is full: at most ${input.maxParticipants} participants at once. Try again when someone leaves.`, 30, "room_full");
    }
    const [participant] = existing
      ? await tx
          .update(sessionParticipants)
          .set({ displayName: input.displayName, role: input.role, breakoutGroup: input.breakoutGroup, notTranscribed: input.notTranscribed ?? existing.notTranscribed, leftAt: null })
          .where(eq(sessionParticipants.id, existing.id))
          .returning()
      : await tx
          .insert(sessionParticipants)
          .values({
            accountId: room.accountId,
            roomSessionId: session.id,
            participantId: input.participantId,
            displayName: input.displayName,
            role: input.role,
            breakoutGroup: input.breakoutGroup,
            notTranscribed: input.notTranscribed ?? false,
            joinedAt: now,
          })
          .returning();
    const numClients = await presentCount(tx, session.id);
    await enqueueEvent(tx, { accountId: room.accountId, type: "room.client.joined", data: clientEventData(room, session, participant, numClients) });
    const { change } = await applyTrigger(tx, room, session, settings, input.engine, { type: "join", participants: numClients, transcribed: await transcribedCount(tx, session.id) }, now);
    return { session, participant, joined: true, sessionStarted, numClients, change };
  });
}

export type LeaveResult = {
  session?: SessionRow;
  participant?: ParticipantRow;
  /** False when the participant was not present (a repeated leave). */
  left: boolean;
  sessionEnded: boolean;
  numClients: number;
  change?: TranscriptionChange;
};

/** A participant leaves: records the event, applies the trigger, and closes the session with the last leave. */
export async function leaveSession(
  db: Db,
  input: {
    room: Room;
    participantId: string;
    now?: Date;
    /** When the participant was last heard from, if earlier than now (idle, or gone in a crash): the leave counts from then. */
    at?: Date;
    sessionId?: string;
    ignoreLease?: boolean;
  },
): Promise<LeaveResult> {
  const now = input.now ?? new Date();
  const { room } = input;
  const settings = await getEffectiveRoomSettings(db, room);
  return db.transaction(async (tx) => {
    await lockRoom(tx, room.id);
    const session = await openSessionOf(tx, room.id);
    if (!session || (input.sessionId && session.id !== input.sessionId)) return { left: false, sessionEnded: false, numClients: 0 };
    if (!input.ignoreLease) assertMayDrive(session, now);
    const [present] = await tx
      .select()
      .from(sessionParticipants)
      .where(
        and(
          eq(sessionParticipants.roomSessionId, session.id),
          eq(sessionParticipants.participantId, input.participantId),
          isNull(sessionParticipants.leftAt),
        ),
      );
    if (!present) return { session, left: false, sessionEnded: false, numClients: await presentCount(tx, session.id) };
    const at = new Date(Math.min(now.getTime(), Math.max(input.at?.getTime() ?? now.getTime(), present.joinedAt.getTime())));
    const [participant] = await tx.update(sessionParticipants).set({ leftAt: at }).where(eq(sessionParticipants.id, present.id)).returning();
    const numClients = await presentCount(tx, session.id);
    await enqueueEvent(tx, { accountId: room.accountId, type: "room.client.left", data: clientEventData(room, session, participant, numClients) });
    const { change } = await applyTrigger(tx, room, session, settings, async () => ({ ok: false, problem: "A leave never starts a transcription." }), { type: "leave", participants: numClients }, now, at);
    let sessionEnded = false;
    if (numClients === 0) {
      // Ends when the last one was last heard from; never before someone else left.
      const [lastLeft] = await tx
        .select({ at: sql<Date>`max(${sessionParticipants.leftAt})` })
        .from(sessionParticipants)
        .where(eq(sessionParticipants.roomSessionId, session.id));
      const endedAt = new Date(Math.max(at.getTime(), lastLeft?.at ? new Date(lastLeft.at).getTime() : 0));
      await tx.update(roomSessions).set({ endedAt, ownerInstance: null, leaseExpiresAt: null }).where(eq(roomSessions.id, session.id));
      await enqueueEvent(tx, {
        accountId: room.accountId,
        type: "room.session.ended",
        data: { meetingId: room.id, roomName: room.roomName, roomSessionId: session.id },
      });
      sessionEnded = true;
    }
    return { session, participant, left: true, sessionEnded, numClients, change };
  });
}

/** The host's start or stop. Refusals: 403 for a non-host or an automatic trigger, 409 when unavailable or already so. */
export async function commandTranscription(
  db: Db,
  input: { room: Room; isHost: boolean; action: "start" | "stop"; engine: (language: string) => Promise<EngineReadiness>; now?: Date },
): Promise<{ session: SessionRow; change?: TranscriptionChange }> {
  const now = input.now ?? new Date();
  const { room } = input;
  const settings = await getEffectiveRoomSettings(db, room);
  return db.transaction(async (tx) => {
    await lockRoom(tx, room.id);
    const session = await openSessionOf(tx, room.id);
    // Checked before "no session": a guest learns nothing from the refusal, and a room without transcription says so.
    const event: TriggerEvent = { type: `${input.isHost ? "host" : "non-host"}-${input.action}` } as TriggerEvent;
    if (!session) {
      const dry = decideTrigger({ enabled: settings.effective.enabled, trigger: settings.effective.startTrigger }, "stopped", event);
      if (dry.refused && dry.refused !== "notRunning") throw refusal(dry.refused);
      throw conflict("No session is open in this room: join it first.");
    }
    assertMayDrive(session, now);
    const { change, refused } = await applyTrigger(tx, room, session, settings, input.engine, event, now);
    if (refused) throw refusal(refused);
    return { session, change };
  });
}

export type OffRecordChange = { kind: "paused" | "resumed"; transcription: TranscriptionRow; at: Date };

/**
 * The host takes the running transcription off the record ("pause") or back on it ("resume"). 403 for a non-host;
 * 409 when no session is open, nothing is being transcribed, or it is already so.
 */
export async function commandOffRecord(
  db: Db,
  input: { room: Room; isHost: boolean; action: OffRecordAction; now?: Date },
): Promise<{ session: SessionRow; change: OffRecordChange }> {
  const now = input.now ?? new Date();
  const { room } = input;
  if (!input.isHost) throw forbidden("Only the host can take the transcription off the record and back.");
  return db.transaction(async (tx) => {
    await lockRoom(tx, room.id);
    const session = await openSessionOf(tx, room.id);
    if (!session) throw conflict("No session is open in this room: join it first.");
    assertMayDrive(session, now);
    const { running } = await runState(tx, session.id);
    if (!running) throw conflict("Nothing is being transcribed in this room right now.");
    const open = await openOffRecordSpan(tx, running.id);
    if (input.action === "pause") {
      if (open) throw conflict("The transcription is already off the record.");
      await tx.insert(offRecordSpans).values({ accountId: room.accountId, transcriptionId: running.id, startedAt: now });
    } else {
      if (!open) throw conflict("The transcription is not off the record.");
      await tx.update(offRecordSpans).set({ endedAt: new Date(Math.max(now.getTime(), open.startedAt.getTime())) }).where(eq(offRecordSpans.id, open.id));
    }
    return { session, change: { kind: input.action === "pause" ? "paused" : "resumed", transcription: running, at: now } };
  });
}

/** The transcription's off-the-record span that has not ended, if it is off the record now. */
export async function openOffRecordSpan(db: Pick<Db, "select">, transcriptionId: string) {
  const [span] = await db
    .select()
    .from(offRecordSpans)
    .where(and(eq(offRecordSpans.transcriptionId, transcriptionId), isNull(offRecordSpans.endedAt)));
  return span;
}

function refusal(code: TriggerRefusal): AppError {
  return new AppError(REFUSAL_KIND[code], REFUSALS[code]);
}

/** Stops a transcription that reached the 12-hour limit, at exactly its limit. */
export async function cutTranscription(db: Db, transcriptionId: string, now = new Date()): Promise<TranscriptionChange | undefined> {
  return db.transaction(async (tx) => {
    const [t] = await tx.select().from(transcriptions).where(eq(transcriptions.id, transcriptionId));
    if (!t || t.phase !== "running") return undefined;
    const limit = new Date(t.startedAt.getTime() + MAX_TRANSCRIPTION_MS);
    if (limit > now) return undefined;
    return stopTranscriptionRecord(tx, t, limit, now);
  });
}

/** The open session of a room, if any. */
export async function getOpenSession(db: Db, roomId: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(roomSessions).where(and(eq(roomSessions.roomId, roomId), isNull(roomSessions.endedAt)));
  return row;
}

/** Who is present in a session, in join order. */
export async function presentParticipants(db: Db, sessionId: string): Promise<ParticipantRow[]> {
  return db
    .select()
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.roomSessionId, sessionId), isNull(sessionParticipants.leftAt)))
    .orderBy(asc(sessionParticipants.joinedAt), asc(sessionParticipants.participantId));
}

/** The session's running transcription (in_progress, not stopped), if any. */
export async function runningTranscription(db: Db, sessionId: string): Promise<TranscriptionRow | undefined> {
  const [row] = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.roomSessionId, sessionId), eq(transcriptions.phase, "running")));
  return row;
}

/**
 * The last moment a session is known to have been alive, from what the database keeps (audio and heartbeats are
 * not stored): when its newest segment was stored, its latest join, and its owner's last lease renewal. After a crash, the
 * participants who do not come back leave as of then, so the transcript does not count the time the server was down.
 */
export async function lastSignOfLife(db: Db, session: SessionRow): Promise<Date> {
  const [segment] = await db
    // When it was stored, not where it sits in the audio: audio sent faster than real time would run ahead of the clock.
    .select({ at: sql<string | null>`max(${transcriptSegments.createdAt})` })
    .from(transcriptSegments)
    .innerJoin(transcriptions, eq(transcriptions.id, transcriptSegments.transcriptionId))
    .where(eq(transcriptions.roomSessionId, session.id));
  const [joined] = await db
    .select({ at: sql<string | null>`max(${sessionParticipants.joinedAt})` })
    .from(sessionParticipants)
    .where(eq(sessionParticipants.roomSessionId, session.id));
  const times = [session.startedAt.getTime()];
  if (segment?.at) times.push(new Date(segment.at).getTime());
  if (joined?.at) times.push(new Date(joined.at).getTime());
  if (session.leaseExpiresAt) times.push(session.leaseExpiresAt.getTime() - leaseMs());
  return new Date(Math.min(Date.now(), Math.max(...times)));
}
