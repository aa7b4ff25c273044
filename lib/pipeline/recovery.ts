// Start-up recovery and the periodic sweep: take over sessions left open by a crash (resume if participants come back, else close and save), renew leases, cut at 12 h.
import { and, eq, isNull, lte } from "drizzle-orm";
import { appEnv } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { rooms, roomSessions, transcriptions } from "@/lib/db/schema";
import { mayOwn, renewLeases } from "@/lib/pipeline/lease";
import { heartbeatInstance } from "@/lib/pipeline/instances";
import { MAX_TRANSCRIPTION_MS, cutTranscription } from "@/lib/pipeline/session/sessions";
import { leaveParticipant, ownedRuntimes, runtimeFor, trackTask } from "@/lib/pipeline/service";
import { finalizeTranscription } from "@/lib/pipeline/finalize";

/** How long participants of a recovered session have to come back (any join or audio) before they count as gone. */
export const RECOVERY_GRACE_MS = 60_000;

export type RecoveryReport = { recovered: string[]; skipped: string[] };

/**
 * Takes over every open session no live instance holds (this instance's own from before a restart, or a dead
 * instance's whose lease ran out). Each gets a runtime built from the database; participants who show up within
 * `graceMs` resume where they were (their in-progress transcription goes on), the others are marked gone, which
 * ends the session with the last one and saves the transcript from the stored segments.
 */
export async function recoverOpenSessions(db: Db, opts: { graceMs?: number; now?: Date } = {}): Promise<RecoveryReport> {
  const now = opts.now ?? new Date();
  const graceMs = opts.graceMs ?? RECOVERY_GRACE_MS;
  const open = await db.select().from(roomSessions).where(isNull(roomSessions.endedAt));
  const report: RecoveryReport = { recovered: [], skipped: [] };
  const owned = ownedRuntimes();
  for (const session of open) {
    if (owned.has(session.id) || !mayOwn(session, now)) {
      report.skipped.push(session.id);
      continue;
    }
    try {
      const rt = await runtimeFor(db, session);
      report.recovered.push(session.id);
      rt.expireAbsentAfter(graceMs, () => trackTask(expireAbsent(db, session.id, session.roomId)));
    } catch {
      report.skipped.push(session.id); // another instance took it first
    }
  }
  return report;
}

/** After the grace window: everyone who did not come back leaves (with the usual events and triggers). */
async function expireAbsent(db: Db, sessionId: string, roomId: string) {
  const rt = ownedRuntimes().get(sessionId);
  if (!rt || rt.isClosed) return;
  const absent = rt.absentSinceRestore();
  await leaveGone(db, sessionId, roomId, absent);
}

/**
 * Participants who are gone without saying so leave as of when they were last heard from (so the transcript ends at
 * the last sign of life, not when the absence was noticed), earliest first.
 */
async function leaveGone(db: Db, sessionId: string, roomId: string, participantIds: string[]) {
  if (participantIds.length === 0) return;
  const [room] = await db.select().from(rooms).where(eq(rooms.id, roomId));
  if (!room) return;
  const rt = ownedRuntimes().get(sessionId);
  const gone = participantIds
    .map((participantId) => ({ participantId, at: rt?.lastSignOfLifeMs(participantId) }))
    .sort((a, b) => (a.at ?? Infinity) - (b.at ?? Infinity));
  for (const { participantId, at } of gone) {
    await leaveParticipant(db, room, participantId, { sessionId, at: at === undefined ? undefined : new Date(at) });
  }
}

/**
 * Participants of this instance's sessions not heard from for `idleMs` leave, as if their client had said so: a
 * browser that crashed or lost its network cannot send the leave, and would otherwise hold the session open (and its
 * transcription running) until the 12-hour cut. Returns the participant ids that were made to leave, by session.
 */
export async function expireIdleParticipants(db: Db, idleMs: number, now = Date.now()): Promise<Map<string, string[]>> {
  const expired = new Map<string, string[]>();
  if (idleMs <= 0) return expired;
  for (const [sessionId, rt] of ownedRuntimes()) {
    if (rt.isClosed) continue;
    const idle = rt.idleParticipants(idleMs, now);
    if (idle.length === 0) continue;
    expired.set(sessionId, idle);
    await leaveGone(db, sessionId, rt.room.id, idle);
  }
  return expired;
}

/** Cuts this instance's transcriptions that reached 12 hours; each is saved like any stopped one. */
export async function cutOverdueTranscriptions(db: Db, now = new Date()): Promise<string[]> {
  const cut: string[] = [];
  const overdue = await db
    .select()
    .from(transcriptions)
    .where(
      and(eq(transcriptions.phase, "running"), lte(transcriptions.startedAt, new Date(now.getTime() - MAX_TRANSCRIPTION_MS))),
    );
  for (const t of overdue) {
    const [session] = await db.select().from(roomSessions).where(eq(roomSessions.id, t.roomSessionId));
    if (!session || !mayOwn(session, now)) continue; // the owner's own sweep cuts it
    const change = await cutTranscription(db, t.id, now);
    if (!change) continue;
    cut.push(t.id);
    const rt = ownedRuntimes().get(session.id);
    trackTask(
      (async () => {
        await rt?.stopRunning(t.id);
        await finalizeTranscription(db, t.id, { force: true });
      })(),
    );
  }
  return cut;
}

/** One sweep: renew this instance's leases (and its app_instances row), let idle participants go, cut 12-hour transcriptions, take over orphaned sessions. */
export async function pipelineSweep(db: Db, opts: { graceMs?: number; now?: Date; idleMs?: number } = {}) {
  const now = opts.now ?? new Date();
  const owned = ownedRuntimes();
  // Only the sessions asked about: one opened while the renewal ran has a fresh lease of its own.
  const ids = [...owned.keys()];
  const held = new Set(await renewLeases(db, ids, now));
  await heartbeatInstance(db, now);
  for (const id of ids) {
    const rt = owned.get(id);
    // Lost the lease (a long pause let another instance take over): stop driving that session here.
    if (rt && !held.has(id)) {
      rt.abandon({ keepQueuedSegments: true });
      owned.delete(id);
    }
  }
  await expireIdleParticipants(db, opts.idleMs ?? appEnv().VERBATIM_PARTICIPANT_IDLE_SECONDS * 1000);
  await cutOverdueTranscriptions(db, now);
  return recoverOpenSessions(db, opts);
}
