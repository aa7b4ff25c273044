// A transcription's text for the view and downloads: its segments and header from the database, and its stored
// Markdown file read back from hosted storage or the customer's bucket.
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { sessionParticipants, transcriptSegments } from "@/lib/db/schema";
import { StorageError } from "@/lib/storage/storage-error";
import {
  renderTranscript,
  TRANSCRIPT_CONTENT_TYPES,
  transcriptFilename,
  type TranscriptFormat,
  type TranscriptMeta,
  type TranscriptSegment,
} from "./render";
import { describeStoredDestination, storageForTranscription } from "./stored-destination";
import { getTranscription } from "./transcriptions";
import type { TranscriptionRow } from "./transcription-resource";

export type StoredSegment = TranscriptSegment & { id: number };

/** The transcription's final segments in spoken order; with `afterId`, only those stored after that one (live view). */
export async function loadSegments(db: Db, accountId: string, transcriptionId: string, afterId?: number): Promise<StoredSegment[]> {
  return db
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
}

/**
 * The header of the rendered formats: participants are the people present while the transcription ran, in order
 * of joining, followed by any speaker not among them; an unfinished transcription ends "now".
 */
export async function transcriptMeta(db: Db, row: TranscriptionRow, segments: TranscriptSegment[], now = new Date()): Promise<TranscriptMeta> {
  const endedAt = row.endedAt ?? (row.durationSeconds !== null ? new Date(row.startedAt.getTime() + row.durationSeconds * 1000) : now);
  const present = await db
    .select({ displayName: sessionParticipants.displayName, joinedAt: sessionParticipants.joinedAt, leftAt: sessionParticipants.leftAt })
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.roomSessionId, row.roomSessionId), eq(sessionParticipants.accountId, row.accountId)))
    .orderBy(asc(sessionParticipants.joinedAt), asc(sessionParticipants.id));
  const names = present
    .filter((p) => p.joinedAt.getTime() <= endedAt.getTime() && (!p.leftAt || p.leftAt.getTime() >= row.startedAt.getTime()))
    .map((p) => p.displayName);
  for (const s of segments) names.push(s.displayName);
  return {
    roomName: row.roomName,
    roomSessionId: row.roomSessionId,
    startedAt: row.startedAt,
    endedAt,
    language: row.language,
    engine: row.engineId,
    participants: [...new Set(names)],
  };
}

export type StoredTranscriptRead =
  | { status: "ok"; body: Buffer }
  /** No file yet (in progress, or the upload has not succeeded). */
  | { status: "not_stored" }
  /** The file should exist but could not be read: the bucket does not answer, refuses, or lost the file. */
  | { status: "unavailable"; location: string; reason: string };

const READ_TIMEOUT_MS = 10_000;

/** Reads the transcript's stored Markdown file back, byte for byte; never throws for storage trouble. */
export async function readStoredTranscript(row: TranscriptionRow, timeoutMs = READ_TIMEOUT_MS): Promise<StoredTranscriptRead> {
  if (!row.storageKey || row.state === "in_progress") return { status: "not_stored" };
  const location = describeStoredDestination(row.destination);
  let timer: NodeJS.Timeout | undefined;
  try {
    const storage = storageForTranscription(row);
    const body = await Promise.race([
      storage.get(row.storageKey),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StorageError("unreachable", `No answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      }),
    ]);
    return { status: "ok", body };
  } catch (error) {
    const reason =
      error instanceof StorageError
        ? error.code === "not_found"
          ? "the file is no longer there"
          : error.userMessage
        : "its storage settings could not be opened";
    return { status: "unavailable", location, reason };
  } finally {
    clearTimeout(timer);
  }
}

export type TranscriptDownload = {
  body: Buffer;
  contentType: string;
  filename: string;
  /** "stored": the saved file, byte for byte; "segments": rendered from the database. */
  source: "stored" | "segments";
};

/**
 * A download of the account's transcription. `.md` is the stored file byte for byte when it can be read, else it is
 * rendered from the segments (in progress, or the bucket does not answer); `.txt`, `.vtt` and `.json` are always
 * rendered from the segments.
 */
export async function transcriptDownload(db: Db, accountId: string, transcriptionId: string, format: TranscriptFormat): Promise<TranscriptDownload> {
  const row = await getTranscription(db, accountId, transcriptionId);
  const filename = format === "md" ? row.filename : transcriptFilename(row.roomName, row.startedAt, format);
  const contentType = TRANSCRIPT_CONTENT_TYPES[format];
  if (format === "md") {
    const stored = await readStoredTranscript(row);
    if (stored.status === "ok") return { body: stored.body, contentType, filename, source: "stored" };
  }
  const segments = await loadSegments(db, accountId, row.id);
  const meta = await transcriptMeta(db, row, segments);
  return { body: Buffer.from(renderTranscript(format, meta, segments), "utf8"), contentType, filename, source: "segments" };
}
