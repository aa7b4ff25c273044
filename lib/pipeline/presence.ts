// Participants gone without saying so leave on their behalf: those idle too long, and those who did not come back within a recovered session's grace.
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rooms } from "@/lib/db/schema";
import { leaveParticipant } from "@/lib/pipeline/participants";
import { ownedRuntimes } from "@/lib/pipeline/runtime-registry";

/** After a recovered session's grace window: everyone who did not come back leaves (with the usual events and triggers). */
export async function expireAbsent(db: Db, sessionId: string, roomId: string) {
  const rt = ownedRuntimes().get(sessionId);
  if (!rt || rt.isClosed) return;
  const absent = rt.absentSinceRestore();
  await leaveGone(db, sessionId, roomId, absent);
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
