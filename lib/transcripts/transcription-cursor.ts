// The opaque cursor of transcription lists: the sort order and the last row's (sort key, id), so pages stay
// stable while transcriptions are added or deleted.
import { invalid } from "@/lib/errors";
import type { TranscriptionSort } from "./validation";

export type TranscriptionCursor = { sort: TranscriptionSort; key: string | number; id: string };

// startDate keys keep microseconds, so that a row compares exactly equal to the cursor made from it.
const isoMicros = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeTranscriptionCursor(cursor: TranscriptionCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort.field, cursor.sort.direction, cursor.key, cursor.id])).toString("base64url");
}

/**
 * Reads a cursor handed out for the same sort order; anything else is a 400 on `cursor` (a cursor from another
 * sort order would silently skip or repeat rows).
 */
export function decodeTranscriptionCursor(value: string, sort: TranscriptionSort): TranscriptionCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 4) {
    const [field, direction, key, id] = parsed as unknown[];
    if (field !== sort.field || direction !== sort.direction) {
      throw invalid("cursor", "This cursor belongs to a different sortBy; page with the sortBy it was given with, or start again without a cursor");
    }
    const keyOk =
      field === "roomName"
        ? typeof key === "string" && key.length <= 300
        : field === "startDate"
          ? typeof key === "string" && isoMicros.test(key)
          : Number.isSafeInteger(key);
    if (keyOk && typeof id === "string" && uuidPattern.test(id)) return { sort, key: key as string | number, id };
  }
  throw invalid("cursor", "The cursor is not valid; use the cursor of the previous page, or leave it out for the first page");
}
