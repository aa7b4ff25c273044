// The opt-in transcription.segment webhook: a session's new final segments, batched into at most one event a second, none lost.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { roomSessions, transcriptions, transcriptSegments, webhookEndpoints } from "@/lib/db/schema";
import { enqueueEvent } from "@/lib/webhooks/outbox";

/** At most one transcription.segment event per session in this time. */
export const SEGMENT_EVENT_INTERVAL_MS = 1000;
/** Segments in one event at most; more wait for the next one (a second later). */
export const MAX_SEGMENTS_PER_EVENT = 200;

/*
 * How it works: a session's final segments are written in order by one writer (the session's segment queue), so
 * their ids only grow within a session. The session row keeps the newest id sent and when. Each stored segment asks
 * for a batch; a batch waits until a second has passed since the last one, then, under the session row's lock, puts
 * every segment after the cursor (of one transcription) into one outbox event and moves the cursor, in one
 * transaction. Nothing is sent twice and nothing skipped, across instances too; the outbox delivers it like any event.
 */

type Scheduler = { pending: Map<string, true> };
const key = Symbol.for("verbatim.segment-events");
function scheduler(): Scheduler {
  const holder = globalThis as { [key]?: Scheduler };
  holder[key] ??= { pending: new Map() };
  return holder[key];
}

export type SegmentEventDeps = {
  db: () => Promise<Db>;
  /** Background work that tests and shutdown wait for. */
  track: (work: Promise<unknown>) => void;
};

/**
 * New final segments were stored in `sessionId`: a batch goes out as soon as the last one is a second old. Calls while
 * one is waiting join it.
 */
export function segmentsStored(sessionId: string, deps: SegmentEventDeps): void {
  const { pending } = scheduler();
  if (pending.has(sessionId)) return;
  pending.set(sessionId, true);
  deps.track(
    (async () => {
      const db = await deps.db();
      for (;;) {
        const wait = await msUntilNextBatch(db, sessionId);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // From here on, a new segment asks for another batch (which waits its second after this one).
        pending.delete(sessionId);
        const { more } = await emitSegmentBatch(db, sessionId);
        if (!more || pending.has(sessionId)) return;
        pending.set(sessionId, true);
      }
    })().finally(() => pending.delete(sessionId)),
  );
}

async function msUntilNextBatch(db: Db, sessionId: string, now = Date.now()): Promise<number> {
  const [row] = await db.select({ at: roomSessions.segmentsSentAt }).from(roomSessions).where(eq(roomSessions.id, sessionId));
  return row?.at ? Math.max(0, row.at.getTime() + SEGMENT_EVENT_INTERVAL_MS - now) : 0;
}

/**
 * Sends the session's unsent final segments as one transcription.segment event, if a second has passed since the
 * last (else nothing, and `more`). Only when an enabled endpoint of the account subscribes; otherwise the cursor just
 * moves on. `more`: segments are left for another batch.
 */
export async function emitSegmentBatch(db: Db, sessionId: string, now = new Date()): Promise<{ sent: number; more: boolean }> {
  return db.transaction(async (tx) => {
    const [session] = await tx.select().from(roomSessions).where(eq(roomSessions.id, sessionId)).for("update");
    if (!session) return { sent: 0, more: false };
    if (session.segmentsSentAt && now.getTime() - session.segmentsSentAt.getTime() < SEGMENT_EVENT_INTERVAL_MS) {
      return { sent: 0, more: true };
    }
    const rows = await tx
      .select({
        id: transcriptSegments.id,
        transcriptionId: transcriptSegments.transcriptionId,
        participantId: transcriptSegments.participantId,
        displayName: transcriptSegments.displayName,
        startMs: transcriptSegments.startMs,
        endMs: transcriptSegments.endMs,
        text: transcriptSegments.text,
        roomName: transcriptions.roomName,
      })
      .from(transcriptSegments)
      .innerJoin(transcriptions, eq(transcriptions.id, transcriptSegments.transcriptionId))
      .where(and(eq(transcriptions.roomSessionId, sessionId), gt(transcriptSegments.id, session.segmentsSentThrough)))
      .orderBy(asc(transcriptSegments.id))
      .limit(MAX_SEGMENTS_PER_EVENT + 1);
    if (rows.length === 0) return { sent: 0, more: false };
    // One event is about one transcription; a next one's segments (a stop and a start within a second) go in the next.
    const batch = rows.slice(0, MAX_SEGMENTS_PER_EVENT).filter((r, _, all) => r.transcriptionId === all[0].transcriptionId);
    const more = rows.length > batch.length;
    const [first] = batch;
    const [subscribed] = await tx
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(
        and(
          eq(webhookEndpoints.accountId, session.accountId),
          eq(webhookEndpoints.enabled, true),
          sql`'transcription.segment' = any(${webhookEndpoints.events})`,
        ),
      )
      .limit(1);
    if (subscribed) {
      await enqueueEvent(tx, {
        accountId: session.accountId,
        type: "transcription.segment",
        data: {
          roomName: first.roomName,
          roomSessionId: sessionId,
          transcriptionId: first.transcriptionId,
          type: "LIVE_TRANSCRIPTION",
          segments: batch.map((r) => ({
            participantId: r.participantId,
            displayName: r.displayName,
            startMs: r.startMs,
            endMs: r.endMs,
            text: r.text,
          })),
        },
      });
    }
    // Taken after the event's own createdAt, so the next event is at least a second younger than this one.
    const sentAt = subscribed ? new Date(Math.max(Date.now(), now.getTime())) : session.segmentsSentAt;
    await tx
      .update(roomSessions)
      .set({ segmentsSentThrough: batch[batch.length - 1].id, segmentsSentAt: sentAt })
      .where(eq(roomSessions.id, sessionId));
    return { sent: subscribed ? batch.length : 0, more };
  });
}
