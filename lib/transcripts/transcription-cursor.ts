// The opaque cursor of transcription lists (lib/db/keyset-cursor.ts), with the sort keys transcriptions take.
import { decodeKeysetCursor, encodeKeysetCursor } from "@/lib/db/keyset-cursor";
import type { TranscriptionSort } from "./validation";

export type TranscriptionCursor = { sort: TranscriptionSort; key: string | number; id: string };

// startDate keys keep microseconds, so that a row compares exactly equal to the cursor made from it.
const isoMicros = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeTranscriptionCursor(cursor: TranscriptionCursor): string {
  return encodeKeysetCursor(cursor.sort, cursor);
}

/** Reads a cursor handed out for the same sort order; anything else is a 400 on `cursor`. */
export function decodeTranscriptionCursor(value: string, sort: TranscriptionSort): TranscriptionCursor {
  const position = decodeKeysetCursor(value, sort, (key) =>
    sort.field === "roomName"
      ? typeof key === "string" && key.length <= 300
      : sort.field === "startDate"
        ? typeof key === "string" && isoMicros.test(key)
        : Number.isSafeInteger(key),
  );
  return { sort, ...position };
}
