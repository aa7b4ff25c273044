// This instance's session runtimes: one per session it owns, built from the database when there is none in memory, refused while shutting down.
import { eq, max } from "drizzle-orm";
import { getDb, type Db } from "@/lib/db/client";
import { offRecordSpans, rooms, transcriptSegments } from "@/lib/db/schema";
import { RetryLaterError } from "@/lib/errors";
import type { Room } from "@/lib/rooms/rooms";
import { enginesForLanguage, getSpeechEngine } from "@/lib/speech/registry";
import { acquireLease } from "@/lib/pipeline/lease";
import { recordEngineError } from "@/lib/pipeline/engine-errors";
import { republishDegraded } from "@/lib/pipeline/live/published-state";
import { lastStoredSeq } from "@/lib/pipeline/live/live-replay";
import { ensureLiveRelay } from "@/lib/pipeline/live/pg-relay";
import { segmentsStored } from "@/lib/pipeline/segment-events";
import { SessionRuntime } from "@/lib/pipeline/session/runtime";
import type { SegmentQueueLimits } from "@/lib/pipeline/session/segment-queue";
import { lastSignOfLife, openOffRecordSpan, ownedElsewhere, presentParticipants, runningTranscription, type SessionRow } from "@/lib/pipeline/session/sessions";
import { trackTask } from "@/lib/pipeline/tasks";

// Kept on globalThis: Next.js may load this module more than once in one server process.
const key = Symbol.for("verbatim.pipeline-runtime");
type State = {
  runtimes: Map<string, SessionRuntime>;
  loading: Map<string, Promise<SessionRuntime>>;
  queueLimits?: SegmentQueueLimits;
  /** Set at SIGTERM: no new session or runtime starts on this instance. */
  shuttingDown?: boolean;
};
type Holder = { [key]?: State };
function state(): State {
  const holder = globalThis as Holder;
  holder[key] ??= { runtimes: new Map(), loading: new Map() };
  return holder[key];
}

/** From now on this instance takes no new session, participant or audio (503 with Retry-After): it is stopping. */
export function beginPipelineShutdown() {
  state().shuttingDown = true;
}

/** Refuses with 503 and Retry-After once this instance is stopping. */
export function assertNotShuttingDown() {
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

/** The runtimes this instance holds, by session id (the lease loop renews them); changed only through this module. */
export function ownedRuntimes(): ReadonlyMap<string, SessionRuntime> {
  return state().runtimes;
}

/**
 * Stops driving sessions here without saving: their lease went to another instance, or this one is stopping. What is
 * stored stays (and, with `keepQueuedSegments`, final segments still waiting for the database are written).
 */
export function abandonRuntimes(sessionIds: Iterable<string>, opts?: { keepQueuedSegments?: boolean }) {
  for (const id of sessionIds) {
    state().runtimes.get(id)?.abandon(opts);
    state().runtimes.delete(id);
    state().loading.delete(id);
  }
}

/** Drops every runtime without flushing, as a crash would: tests use it to simulate a restart. */
export function abandonAllRuntimesForTests() {
  for (const rt of state().runtimes.values()) rt.abandon();
  state().runtimes.clear();
  state().loading.clear();
}

function newRuntime(session: SessionRow, room: Pick<Room, "id" | "accountId" | "roomName">): SessionRuntime {
  return new SessionRuntime(session.id, { id: room.id, accountId: room.accountId, roomName: room.roomName }, {
    db: getDb,
    segmentQueueLimits: state().queueLimits,
    onDegradedChange: (degraded) => republishDegraded(room, degraded),
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

/** Closes a session's runtime when its session ended. */
export function dropRuntime(sessionId: string) {
  const rt = state().runtimes.get(sessionId);
  if (!rt) return;
  rt.close();
  state().runtimes.delete(sessionId);
}
