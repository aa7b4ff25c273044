// The live pipeline as the route handlers use it: join, leave, host commands, audio ingest and room state, tying the database to the owning instance's runtime.
import { randomBytes } from "node:crypto";
import { and, eq, max } from "drizzle-orm";
import { appEnv } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { offRecordSpans, rooms, transcriptSegments } from "@/lib/db/schema";
import { AppError, RetryLaterError } from "@/lib/errors";
import { getEffectiveRoomSettings, verifyRoomKey, type Room } from "@/lib/rooms/rooms";
import { acquireLease } from "@/lib/pipeline/lease";
import { chooseSpeechEngine, configuredSpeechEngineStatuses } from "@/lib/speech/status";
import { enginesForLanguage, getSpeechEngine } from "@/lib/speech/registry";
import { OVER_CAPACITY_RETRY_AFTER_SECONDS, overCapacity } from "@/lib/speech/recognizer-pool";
import { recordEngineError } from "@/lib/pipeline/engine-errors";
import { finalizeTranscription, holdFinalizeClaim } from "@/lib/pipeline/finalize";
import { publishLive, type LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { lastStoredSeq } from "@/lib/pipeline/live/live-replay";
import { ensureLiveRelay } from "@/lib/pipeline/live/pg-relay";
import { signParticipantToken } from "@/lib/pipeline/session/participant-token";
import { toSingleLine } from "@/lib/transcripts/render";
import { segmentsStored } from "@/lib/pipeline/segment-events";
import { SessionRuntime, type ChunkOutcome } from "@/lib/pipeline/session/runtime";
import type { SegmentQueueLimits } from "@/lib/pipeline/session/segment-queue";
import {
  commandOffRecord,
  commandTranscription,
  getOpenSession,
  openOffRecordSpan,
  joinSession,
  lastSignOfLife,
  leaveSession,
  ownedElsewhere,
  presentParticipants,
  runningTranscription,
  type EngineReadiness,
  type ParticipantProof,
  type SessionRow,
  type TranscriptionChange,
} from "@/lib/pipeline/session/sessions";

// Kept on globalThis: Next.js may load this module more than once in one server process.
const key = Symbol.for("verbatim.pipeline-runtime");
type State = {
  runtimes: Map<string, SessionRuntime>;
  tasks: Set<Promise<unknown>>;
  loading: Map<string, Promise<SessionRuntime>>;
  /** The last transcription state published per room id, so a runtime can republish it with a new `degraded` without the database. */
  published: Map<string, LiveTranscriptionState>;
  queueLimits?: SegmentQueueLimits;
  /** Set at SIGTERM: no new session or runtime starts on this instance. */
  shuttingDown?: boolean;
};
type Holder = { [key]?: State };
function state(): State {
  const holder = globalThis as Holder;
  holder[key] ??= { runtimes: new Map(), tasks: new Set(), loading: new Map(), published: new Map() };
  return holder[key];
}

/** From now on this instance takes no new session, participant or audio (503 with Retry-After): it is stopping. */
export function beginPipelineShutdown() {
  state().shuttingDown = true;
}

function assertNotShuttingDown() {
  if (state().shuttingDown) {
    throw new RetryLaterError("unavailable", "This server is restarting; send the request again shortly.", SHUTDOWN_RETRY_AFTER_SECONDS, "shutting_down");
  }
}

/** How soon a client refused during shutdown should try again: another instance takes the session as soon as the leases are handed back (or a restart does). */
const SHUTDOWN_RETRY_AFTER_SECONDS = 1;

/** Smaller segment-queue bounds for runtimes created from now on (tests of a full queue). */
export function setSegmentQueueLimitsForTests(limits: SegmentQueueLimits | undefined) {
  state().queueLimits = limits;
}

/** Runs background work (flushing tracks, saving transcripts) and keeps it visible to settlePipelineTasks. */
export function trackTask(work: Promise<unknown>) {
  const tasks = state().tasks;
  const settled = work.catch((error) => console.error("Pipeline background task failed:", error));
  tasks.add(settled);
  void settled.finally(() => tasks.delete(settled));
}

/** Resolves when every background task (including ones they start) has finished: for tests, the simulator and shutdown. */
export async function settlePipelineTasks(): Promise<void> {
  const tasks = state().tasks;
  while (tasks.size > 0) await Promise.all([...tasks]);
}

/** The runtimes this instance holds, by session id (the lease loop renews them). */
export function ownedRuntimes(): Map<string, SessionRuntime> {
  return state().runtimes;
}

/** Drops every runtime without flushing, as a crash would: tests use it to simulate a restart. */
export function abandonAllRuntimesForTests() {
  for (const rt of state().runtimes.values()) rt.abandon();
  state().runtimes.clear();
  state().loading.clear();
}

/** The engine that takes a transcription in `language` now (the first configured one that supports it and can run); the reason when none can. */
export async function engineReadiness(language: string): Promise<EngineReadiness> {
  const choice = await chooseSpeechEngine(language);
  return choice.ok ? { ok: true, engineId: choice.engine.id } : choice;
}

function newRuntime(session: SessionRow, room: Pick<Room, "id" | "accountId" | "roomName">): SessionRuntime {
  return new SessionRuntime(session.id, { id: room.id, accountId: room.accountId, roomName: room.roomName }, {
    db: getDb,
    segmentQueueLimits: state().queueLimits,
    onDegradedChange: (degraded) => {
      const last = state().published.get(room.id);
      if (last) publishState(room, { ...last, degraded });
    },
    engine: (engineId, language) => {
      if (engineId) return getSpeechEngine(engineId);
      const [first] = enginesForLanguage(language);
      if (!first) throw new Error(`No configured speech engine can transcribe "${language}".`);
      return first;
    },
    onSegmentStored: () => segmentsStored(session.id, { db: getDb, track: trackTask }),
    onEngineError: (transcriptionId, error) => trackTask(getDb().then((db) => recordEngineError(db, transcriptionId, error.message))),
    track: trackTask,
  });
}

/**
 * This instance's runtime for an open session, built from the database when there is none in memory (a restart, or a
 * lease taken over from a dead instance). Refuses when another live instance holds the lease.
 */
export async function runtimeFor(db: Db, session: SessionRow): Promise<SessionRuntime> {
  assertNotShuttingDown();
  const s = state();
  const existing = s.runtimes.get(session.id);
  if (existing && !existing.isClosed) return existing;
  let loading = s.loading.get(session.id);
  if (!loading) {
    loading = (async () => {
      // Its live events reach the other instances (PostgreSQL NOTIFY); the server starts the relay, this is in case it did not.
      void ensureLiveRelay().catch((error) => console.error("Live relay could not start:", (error as Error).message));
      if (!(await acquireLease(db, session.id))) throw ownedElsewhere(session);
      const [room] = await db.select().from(rooms).where(eq(rooms.id, session.roomId));
      const rt = newRuntime(session, room);
      const lastAlive = (await lastSignOfLife(db, session)).getTime();
      for (const p of await presentParticipants(db, session.id)) rt.restoreParticipant(p, lastAlive);
      const running = await runningTranscription(db, session.id);
      if (running) {
        // Their next track starts after what the previous owner stored of them, not before it. Audio sent again is
        // asked for only in a transcription never taken off the record: what was said during a pause must not come back.
        const paused = (await db.select({ id: offRecordSpans.id }).from(offRecordSpans).where(eq(offRecordSpans.transcriptionId, running.id)).limit(1)).length > 0;
        for (const [participantId, last] of await lastSegmentEnds(db, running.id)) {
          rt.continueAfter(participantId, { lastEndMs: last.endMs, resendFrom: last.endSeq !== null && !paused ? last.endSeq + 1 : undefined });
        }
        rt.startRunning({ ...running, lastLiveSeq: await lastStoredSeq(db, running.id), offRecord: !!(await openOffRecordSpan(db, running.id)) });
      }
      s.runtimes.set(session.id, rt);
      // Segments stored before a restart but not yet sent as transcription.segment go out now.
      segmentsStored(session.id, { db: getDb, track: trackTask });
      return rt;
    })().finally(() => s.loading.delete(session.id));
    s.loading.set(session.id, loading);
  }
  return loading;
}

/** Where each participant's last stored final segment of a transcription ends (ms, and chunk for a browser's), by participant id. */
async function lastSegmentEnds(db: Db, transcriptionId: string): Promise<Map<string, { endMs: number; endSeq: number | null }>> {
  const rows = await db
    .select({ participantId: transcriptSegments.participantId, endMs: max(transcriptSegments.endMs), endSeq: max(transcriptSegments.endSeq) })
    .from(transcriptSegments)
    .where(eq(transcriptSegments.transcriptionId, transcriptionId))
    .groupBy(transcriptSegments.participantId);
  return new Map(rows.map((r) => [r.participantId, { endMs: Number(r.endMs ?? 0), endSeq: r.endSeq === null ? null : Number(r.endSeq) }]));
}

function dropRuntime(sessionId: string) {
  const rt = state().runtimes.get(sessionId);
  if (!rt) return;
  rt.close();
  state().runtimes.delete(sessionId);
}

/** What a change means for the live side: start tracks, or stop them and save the transcript in the background. */
function applyChange(rt: SessionRuntime | undefined, db: Db, change: TranscriptionChange | undefined) {
  if (!change) return;
  const t = change.transcription;
  if (change.kind === "started") rt?.startRunning(t);
  if (change.kind === "stopped") {
    trackTask(
      (async () => {
        await holdFinalizeClaim(db, t.id, rt?.stopRunning(t.id) ?? Promise.resolve());
        await finalizeTranscription(db, t.id, { force: true });
      })(),
    );
  }
}

/** The room's transcription state as the room page and GET /rooms/{roomName} show it. */
export async function roomTranscriptionState(db: Db, room: Room, session?: SessionRow | null): Promise<LiveTranscriptionState> {
  const settings = await getEffectiveRoomSettings(db, room);
  const open = session === undefined ? await getOpenSession(db, room.id) : session;
  const running = open ? await runningTranscription(db, open.id) : undefined;
  const rt = open ? state().runtimes.get(open.id) : undefined;
  const offRecord = running ? await openOffRecordSpan(db, running.id) : undefined;
  return {
    state: running ? "in_progress" : "idle",
    transcriptionId: running?.id ?? null,
    offTheRecordSince: offRecord?.startedAt.toISOString() ?? null,
    startTrigger: settings.effective.enabled ? settings.effective.startTrigger : "none",
    language: settings.effective.language,
    degraded: rt?.degraded() ?? null,
  };
}

function publishState(room: Pick<Room, "id">, transcription: LiveTranscriptionState) {
  state().published.set(room.id, transcription);
  publishLive(room.id, { type: "state", data: { transcription } });
}

/**
 * GET /rooms/{roomName}: no secrets. Participant ids only for the account's API key (a media server acting for its
 * participants): for anyone with the room link they are none of their business.
 */
export async function roomSnapshot(db: Db, room: Room, opts: { withParticipantIds: boolean }) {
  const session = (await getOpenSession(db, room.id)) ?? null;
  const participants = session ? await presentParticipants(db, session.id) : [];
  return {
    roomName: room.roomName,
    roomSessionId: session?.id ?? null,
    transcription: await roomTranscriptionState(db, room, session),
    participants: participants.map((p) => ({
      ...(opts.withParticipantIds ? { participantId: p.participantId } : {}),
      displayName: p.displayName,
      role: p.role,
      transcribed: !p.notTranscribed,
    })),
  };
}

export type JoinParticipantInput = {
  participantId?: string;
  displayName: string;
  roomKey?: string;
  breakoutGroup?: string | null;
  /** False: join with one's own audio not transcribed (never sent to an engine). Absent: true at a first join, the earlier choice at a later one. */
  transcribe?: boolean;
};

/** A participant joins the room: opens the session with the first join and applies the trigger. */
export async function joinParticipant(db: Db, room: Room, input: JoinParticipantInput, proof: ParticipantProof) {
  assertNotShuttingDown();
  const participantId = input.participantId ?? `p-${randomBytes(9).toString("base64url")}`;
  const role = verifyRoomKey(room, input.roomKey) ? "host" : "guest";
  await refuseNewSessionOverCapacity(db, room);
  await configuredSpeechEngineStatuses(); // warm the cached checks here, not inside the transaction that holds the room's lock
  const result = await joinSession(db, {
    room,
    participantId,
    // The renderer's sanitizer, once at the door: live text, webhooks and summaries all get the clean name.
    displayName: toSingleLine(input.displayName),
    role,
    breakoutGroup: input.breakoutGroup ?? null,
    notTranscribed: input.transcribe === undefined ? undefined : !input.transcribe,
    proof,
    maxParticipants: appEnv().VERBATIM_ROOM_MAX_PARTICIPANTS,
    engine: engineReadiness,
  });
  const rt = await runtimeFor(db, result.session);
  rt.upsertParticipant(result.participant, { rejoin: true });
  applyChange(rt, db, result.change);
  const transcription = await roomTranscriptionState(db, room, result.session);
  if (result.change || result.sessionStarted) publishState(room, transcription);
  return {
    participantId,
    participantToken: signParticipantToken({ roomId: room.id, roomSessionId: result.session.id, participantId }),
    roomSessionId: result.session.id,
    role: result.participant.role,
    transcribed: !result.participant.notTranscribed,
    transcription,
  };
}

/**
 * Admission: while utterances wait past the pool's bound for a recognizer, a room with no open session gets 503 and
 * Retry-After rather than a session that would fall behind with everyone else's. Rooms already running still admit.
 */
async function refuseNewSessionOverCapacity(db: Db, room: Room) {
  if (!overCapacity() || (await getOpenSession(db, room.id))) return;
  throw new RetryLaterError(
    "unavailable",
    "This server is transcribing as many people as it can right now; try again shortly.",
    OVER_CAPACITY_RETRY_AFTER_SECONDS,
    "over_capacity",
  );
}

/**
 * A participant leaves (idempotent); the last leave ends the session and saves its transcript. `at`: when they were
 * last heard from, for a leave made on their behalf; `ignoreLease`: the room is being deleted, whoever holds it.
 */
export async function leaveParticipant(db: Db, room: Room, participantId: string, opts: { sessionId?: string; at?: Date; ignoreLease?: boolean } = {}) {
  const result = await leaveSession(db, { room, participantId, sessionId: opts.sessionId, at: opts.at, ignoreLease: opts.ignoreLease });
  if (!result.session) return result;
  const rt = state().runtimes.get(result.session.id);
  if (result.left) rt?.participantLeft(participantId);
  applyChange(rt, db, result.change);
  if (result.sessionEnded) {
    dropRuntime(result.session.id);
    state().published.delete(room.id);
  }
  if (result.change) publishState(room, await roomTranscriptionState(db, room));
  return result;
}

/** The host starts or stops a manual transcription. */
export async function commandRoomTranscription(db: Db, room: Room, input: { isHost: boolean; action: "start" | "stop" }) {
  const result = await commandTranscription(db, {
    room,
    ...input,
    engine: engineReadiness,
  });
  const rt = await runtimeFor(db, result.session);
  applyChange(rt, db, result.change);
  const transcription = await roomTranscriptionState(db, room, result.session);
  publishState(room, transcription);
  if (result.change?.kind === "failed") {
    throw new AppError("unavailable", result.change.transcription.error ?? "The transcription could not start.");
  }
  return { transcription };
}

/**
 * The host takes the transcription off the record ("pause") or back on it ("resume"). A pause ends the engine streams
 * first, so what was said before it is kept; audio in between is dropped before any engine; a resume opens new
 * streams at their true time. Resolves after the words before a pause are stored.
 */
export async function commandRoomOffRecord(db: Db, room: Room, input: { isHost: boolean; action: "pause" | "resume" }) {
  const open = input.action === "pause" && input.isHost ? await getOpenSession(db, room.id) : undefined;
  const undo = (open && state().runtimes.get(open.id)?.holdForPause()) || (() => {});
  let result: Awaited<ReturnType<typeof commandOffRecord>>;
  try {
    result = await commandOffRecord(db, { room, ...input });
  } catch (error) {
    undo();
    throw error;
  }
  const { session, change } = result;
  const rt = await runtimeFor(db, session);
  if (change.kind === "paused") await rt.pauseRunning(change.transcription.id);
  else rt.resumeRunning(change.transcription.id);
  const transcription = await roomTranscriptionState(db, room, session);
  publishState(room, transcription);
  return { transcription };
}

/** The open session a participant call acts on; a token for an ended session must join again. */
export async function openSessionFor(db: Db, room: Room, tokenSessionId?: string): Promise<SessionRow> {
  const session = await getOpenSession(db, room.id);
  if (!session || (tokenSessionId && session.id !== tokenSessionId)) {
    throw new AppError("conflict", "This participant's session has ended; join the room again.");
  }
  return session;
}

/** One numbered chunk of a participant's audio. */
export async function acceptAudioChunk(db: Db, session: SessionRow, participantId: string, seq: number, pcm: Buffer): Promise<ChunkOutcome> {
  const rt = await runtimeFor(db, session);
  return rt.acceptChunk(participantId, seq, pcm);
}

/** A sign of life from a participant who sends no audio right now; keeps the idle timeout from counting them gone. */
export async function participantHeartbeat(db: Db, session: SessionRow, participantId: string): Promise<void> {
  const rt = await runtimeFor(db, session);
  rt.heartbeat(participantId);
}

/** A participant's long audio stream; resolves when the body ends. */
export async function acceptAudioStream(db: Db, session: SessionRow, participantId: string, body: ReadableStream<Uint8Array>) {
  const rt = await runtimeFor(db, session);
  return rt.acceptStream(participantId, body);
}

/** Whether a participant of the open session joined as host. */
export async function participantIsHost(db: Db, room: Room, participantId: string, sessionId: string): Promise<boolean> {
  const session = await getOpenSession(db, room.id);
  if (!session || session.id !== sessionId) return false;
  return (await presentParticipants(db, session.id)).some((p) => p.participantId === participantId && p.role === "host");
}

/**
 * Ends the open session of a room that is being deleted, at once: everyone present leaves (with the usual events),
 * which stops its transcription and saves the transcript. Without this the session would go on until the idle timeout,
 * its participants answered 404.
 */
export async function endSessionOfDeletedRoom(db: Db, accountId: string, roomId: string): Promise<void> {
  const [room] = await db.select().from(rooms).where(and(eq(rooms.id, roomId), eq(rooms.accountId, accountId)));
  if (!room) return;
  const session = await getOpenSession(db, room.id);
  if (!session) return;
  for (const p of await presentParticipants(db, session.id)) {
    await leaveParticipant(db, room, p.participantId, { sessionId: session.id, ignoreLease: true });
  }
}
