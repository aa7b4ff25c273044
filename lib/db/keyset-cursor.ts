// The opaque cursors of keyset-paged lists: the sort order and the last row's (sort key, id), so pages stay stable
// while rows are added or deleted. Each list says which keys its sort fields take.
import { invalid } from "@/lib/errors";
import { uuidPattern } from "@/lib/validation/uuid";

export type KeysetSort = { field: string; direction: "asc" | "desc" };
export type KeysetPosition = { key: string | number; id: string };

export function encodeKeysetCursor(sort: KeysetSort, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([sort.field, sort.direction, position.key, position.id])).toString("base64url");
}

/**
 * Reads a cursor handed out for the same sort order; anything else is a 400 on `cursor` (a cursor from another sort
 * order would silently skip or repeat rows). `keyIsValid` checks the sort key for the field; ids come back lower case.
 */
export function decodeKeysetCursor(value: string, sort: KeysetSort, keyIsValid: (key: unknown) => boolean): KeysetPosition {
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
    if (keyIsValid(key) && typeof id === "string" && uuidPattern.test(id)) return { key: key as string | number, id: id.toLowerCase() };
  }
  throw invalid("cursor", "The cursor is not valid; use the cursor of the previous page, or leave it out for the first page");
}
