// What a resuming live client missed, from the stored segments: any instance can answer it, since the final segments'
// live sequence numbers (their SSE ids) are stored with them.
import { and, asc, desc, eq, gt, isNotNull, max, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { invalid } from "@/lib/errors";
import { nameOrPlaceholder } from "@/lib/transcripts/render";
import type { LiveSegmentEvent } from "@/lib/pipeline/live/live-bus";
import type { LiveCursor } from "@/lib/pipeline/live/live-cursor";

/** The stream's room; `transcriptionId` narrows it to one transcription (the dashboard's view of it). */
export type LiveScope = { roomId: string; accountId: string; transcriptionId?: string };

type TranscriptionRef = { id: string; startedAt: Date };

/** A cursor naming a transcription outside the stream's room (or scope) is a 400; the room's own are looked up. */
export async function checkCursor(db: Db, scope: LiveScope, cursor: LiveCursor): Promise<TranscriptionRef | null> {
  if (cursor.transcriptionId === null) return null;
  const [row] = await db
    .select({ id: transcriptions.id, startedAt: transcriptions.startedAt })
    .from(transcriptions)
    .where(and(eq(transcriptions.id, cursor.transcriptionId), eq(transcriptions.accountId, scope.accountId), eq(transcriptions.roomId, scope.roomId)));
  if (!row || (scope.transcriptionId && row.id !== scope.transcriptionId)) {
    throw invalid("Last-Event-ID", "Last-Event-ID names no transcription of this stream; reconnect without it to start from now.");
  }
  return row;
}

/** The room's transcriptions that started after `after` (all of them when null), oldest first; only the scope's one when narrowed. */
async function transcriptionsFrom(db: Db, scope: LiveScope, after: TranscriptionRef | null): Promise<string[]> {
  const rows = await db
    .select({ id: transcriptions.id })
    .from(transcriptions)
    .where(
      and(
        eq(transcriptions.accountId, scope.accountId),
        eq(transcriptions.roomId, scope.roomId),
        scope.transcriptionId ? eq(transcriptions.id, scope.transcriptionId) : undefined,
        after
          ? or(gt(transcriptions.startedAt, after.startedAt), and(eq(transcriptions.startedAt, after.startedAt), gt(transcriptions.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(asc(transcriptions.startedAt), asc(transcriptions.id));
  return rows.map((r) => r.id);
}

async function finalsOf(db: Db, accountId: string, transcriptionId: string, afterSeq: number): Promise<LiveSegmentEvent[]> {
  const rows = await db
    .select({
      participantId: transcriptSegments.participantId,
      displayName: transcriptSegments.displayName,
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      text: transcriptSegments.text,
      seq: transcriptSegments.liveSeq,
    })
    .from(transcriptSegments)
    .where(
      and(
        eq(transcriptSegments.transcriptionId, transcriptionId),
        eq(transcriptSegments.accountId, accountId),
        isNotNull(transcriptSegments.liveSeq),
        gt(transcriptSegments.liveSeq, afterSeq),
      ),
    )
    .orderBy(asc(transcriptSegments.liveSeq), asc(transcriptSegments.id));
  return rows.map(({ seq, ...s }) => ({
    type: "segment",
    transcriptionId,
    seq: seq!,
    data: { ...s, displayName: nameOrPlaceholder(s.displayName), final: true },
  }));
}

/** Every stored final after `cursor`, in the order they were published: the rest of its transcription, then later ones. */
export async function storedFinalsAfter(db: Db, scope: LiveScope, cursor: LiveCursor): Promise<LiveSegmentEvent[]> {
  const from = await checkCursor(db, scope, cursor);
  const out: LiveSegmentEvent[] = [];
  if (from) out.push(...(await finalsOf(db, scope.accountId, from.id, cursor.seq)));
  for (const id of await transcriptionsFrom(db, scope, from)) out.push(...(await finalsOf(db, scope.accountId, id, 0)));
  return out;
}

/** Where the stream stands now: the room's (or scope's) latest transcription and its last stored final. */
export async function currentCursor(db: Db, scope: LiveScope): Promise<LiveCursor> {
  const [latest] = await db
    .select({ id: transcriptions.id })
    .from(transcriptions)
    .where(
      and(
        eq(transcriptions.accountId, scope.accountId),
        eq(transcriptions.roomId, scope.roomId),
        scope.transcriptionId ? eq(transcriptions.id, scope.transcriptionId) : undefined,
      ),
    )
    .orderBy(desc(transcriptions.startedAt), desc(transcriptions.id))
    .limit(1);
  if (!latest) return { transcriptionId: null, seq: 0 };
  return { transcriptionId: latest.id, seq: await lastStoredSeq(db, latest.id) };
}

/** The highest live sequence number stored for a transcription (0: none): a runtime taking it over numbers on from there. */
export async function lastStoredSeq(db: Db, transcriptionId: string): Promise<number> {
  const [{ seq }] = await db
    .select({ seq: max(transcriptSegments.liveSeq) })
    .from(transcriptSegments)
    .where(eq(transcriptSegments.transcriptionId, transcriptionId));
  return Number(seq ?? 0);
}
