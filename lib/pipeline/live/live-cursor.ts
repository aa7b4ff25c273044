// The live stream's event ids: "<transcription id>:<live seq>" names the last final a client has, or "0" before any.
import { invalid } from "@/lib/errors";
import { uuidPattern } from "@/lib/validation/uuid";

/** Where a client is in a room's live stream: every final up to `seq` of `transcriptionId` (and of those before it). */
export type LiveCursor = { transcriptionId: string; seq: number } | { transcriptionId: null; seq: 0 };

export const START_CURSOR: LiveCursor = { transcriptionId: null, seq: 0 };

export function formatCursor(cursor: LiveCursor): string {
  return cursor.transcriptionId === null ? "0" : `${cursor.transcriptionId}:${cursor.seq}`;
}

/** Parses a Last-Event-ID; a value this server never sends is a 400 that says what it expects. */
export function parseCursor(value: string): LiveCursor {
  const text = value.trim();
  if (text === "0") return START_CURSOR;
  const at = text.lastIndexOf(":");
  const transcriptionId = text.slice(0, at);
  const seqText = text.slice(at + 1);
  if (at < 0 || !uuidPattern.test(transcriptionId) || !/^\d{1,16}$/.test(seqText)) {
    throw invalid(
      "Last-Event-ID",
      `Last-Event-ID "${text.slice(0, 80)}" is not an id of this stream: send back the last "id:" you received ("<transcriptionId>:<n>" or "0"), or none to start from now.`,
    );
  }
  return { transcriptionId: transcriptionId.toLowerCase(), seq: Number(seqText) };
}

/**
 * The resume point a request asks for: the Last-Event-ID header (EventSource sends it when it reconnects), else the
 * `lastEventId` query parameter (for clients that cannot set headers); null when neither is there (start from now).
 */
export function requestedCursor(request: Request): LiveCursor | null {
  const header = request.headers.get("last-event-id");
  const query = new URL(request.url).searchParams.get("lastEventId");
  const value = header ?? query;
  return value === null || value.trim() === "" ? null : parseCursor(value);
}
