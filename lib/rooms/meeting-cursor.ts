// The opaque cursor of GET /meetings, in the one keyset codec (lib/db/keyset-cursor.ts): newest first by creation
// time (ms), then id, so pages stay stable while rooms come and go.
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetSort } from "@/lib/db/keyset-cursor";

export type MeetingCursor = { createdAt: Date; id: string };

const MEETING_ORDER: KeysetSort = { field: "createdAt", direction: "desc" };

export function encodeMeetingCursor(cursor: MeetingCursor): string {
  return encodeKeysetCursor(MEETING_ORDER, { key: cursor.createdAt.getTime(), id: cursor.id });
}

/** Throws a 400 on `cursor` for anything that is not a cursor this API handed out. */
export function decodeMeetingCursor(value: string): MeetingCursor {
  const position = decodeKeysetCursor(value, MEETING_ORDER, (key) => Number.isSafeInteger(key));
  return { createdAt: new Date(position.key as number), id: position.id };
}
