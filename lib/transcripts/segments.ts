// A transcription's text from the database: its final segments (the one loader) and the header of every rendering of it (the one participant rule).
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { offRecordSpans, sessionParticipants, transcriptSegments } from "@/lib/db/schema";
import { nameOrPlaceholder, type TranscriptMeta, type TranscriptSegment } from "./render";
import type { TranscriptionRow } from "./transcription-resource";

export type StoredSegment = TranscriptSegment & { id: number };

/**
 * The transcription's final segments in spoken order (start time, then the order they were stored), speaker names
 * cleaned; with `afterId`, only those stored after that one (the live view). Used by the saved file, the view and
 * downloads, and summaries.
 */
export async function loadSegments(db: Db, accountId: string, transcriptionId: string, afterId?: number): Promise<StoredSegment[]> {
  const rows = await db
    .select({
      id: transcriptSegments.id,
      participantId: transcriptSegments.participantId,
      displayName: transcriptSegments.displayName,
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      text: transcriptSegments.text,
    })
    .from(transcriptSegments)
    .where(
      and(
        eq(transcriptSegments.transcriptionId, transcriptionId),
        eq(transcriptSegments.accountId, accountId),
        afterId !== undefined ? gt(transcriptSegments.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.id));
  // Names stored before display names were cleaned pass the renderer's sanitizer: no bidi overrides or other invisible
  // controls to spoof who said what, in any rendering or summary.
  return rows.map((row) => ({ ...row, displayName: nameOrPlaceholder(row.displayName) }));
}

type HeaderRow = Pick<TranscriptionRow, "id" | "accountId" | "roomName" | "roomSessionId" | "startedAt" | "endedAt" | "durationSeconds" | "language" | "engineId">;

/**
 * The header of the saved `.md` and of every download and view: the participants are everyone present at some point
 * while the transcription ran, and anyone who spoke in it, once each, in order of joining (ties by participant id),
 * then any speaker name not among them (a name changed mid-session), in order of first words. Those of them who joined
 * not transcribed are named again under "Not transcribed at their request"; the off-the-record spans are the gaps. An
 * unfinished transcription ends "now" (and a span still open ends there too).
 */
export async function transcriptHeader(db: Db, row: HeaderRow, segments: TranscriptSegment[], now = new Date()): Promise<TranscriptMeta> {
  const endedAt = row.endedAt ?? (row.durationSeconds !== null ? new Date(row.startedAt.getTime() + row.durationSeconds * 1000) : now);
  const people = await db
    .select({
      participantId: sessionParticipants.participantId,
      displayName: sessionParticipants.displayName,
      joinedAt: sessionParticipants.joinedAt,
      leftAt: sessionParticipants.leftAt,
      notTranscribed: sessionParticipants.notTranscribed,
    })
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.roomSessionId, row.roomSessionId), eq(sessionParticipants.accountId, row.accountId)))
    .orderBy(asc(sessionParticipants.joinedAt), asc(sessionParticipants.participantId));
  const spoke = new Set(segments.map((s) => s.participantId));
  const names = new Set<string>();
  const notTranscribed = new Set<string>();
  for (const p of people) {
    const overlaps = p.joinedAt.getTime() <= endedAt.getTime() && (!p.leftAt || p.leftAt.getTime() >= row.startedAt.getTime());
    if (overlaps || spoke.has(p.participantId)) names.add(p.displayName);
    if (overlaps && p.notTranscribed) notTranscribed.add(p.displayName);
  }
  for (const s of segments) names.add(s.displayName);
  const spans = await db
    .select({ startedAt: offRecordSpans.startedAt, endedAt: offRecordSpans.endedAt })
    .from(offRecordSpans)
    .where(and(eq(offRecordSpans.transcriptionId, row.id), eq(offRecordSpans.accountId, row.accountId)))
    .orderBy(asc(offRecordSpans.startedAt));
  const sinceStart = (at: Date) => Math.max(0, Math.min(at.getTime(), endedAt.getTime()) - row.startedAt.getTime());
  return {
    roomName: row.roomName,
    roomSessionId: row.roomSessionId,
    startedAt: row.startedAt,
    endedAt,
    language: row.language,
    engine: row.engineId,
    participants: [...names],
    notTranscribed: [...notTranscribed],
    offRecord: spans.map((span) => ({ startMs: sinceStart(span.startedAt), endMs: sinceStart(span.endedAt ?? endedAt) })),
  };
}
