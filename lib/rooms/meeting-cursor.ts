// The opaque cursor of GET /meetings: the last row's creation time and id, so pages stay stable while rooms come and go.
import { invalid } from "@/lib/errors";
import { uuidPattern } from "@/lib/validation/uuid";

export type MeetingCursor = { createdAt: Date; id: string };

export function encodeMeetingCursor(cursor: MeetingCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id])).toString("base64url");
}

/** Throws a 400 on `cursor` for anything that is not a cursor this API handed out. */
export function decodeMeetingCursor(value: string): MeetingCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === "string" && uuidPattern.test(parsed[1])) {
      return { createdAt: new Date(parsed[0]), id: parsed[1].toLowerCase() };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw invalid("cursor", "The cursor is not valid; use the cursor of the previous page, or leave it out for the first page");
}
