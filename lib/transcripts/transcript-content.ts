// A transcription's stored Markdown file read back from hosted storage or the customer's bucket, and its downloads.
import type { Db } from "@/lib/db/client";
import { StorageError } from "@/lib/storage/storage-error";
import { renderTranscript, TRANSCRIPT_CONTENT_TYPES, transcriptFilename, type TranscriptFormat } from "./render";
import { loadSegments, transcriptHeader } from "./segments";
import { describeStoredDestination, storageForTranscription } from "./stored-destination";
import { getTranscription } from "./transcriptions";
import type { TranscriptionRow } from "./transcription-resource";

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
  const meta = await transcriptHeader(db, row, segments);
  return { body: Buffer.from(renderTranscript(format, meta, segments), "utf8"), contentType, filename, source: "segments" };
}
