// Who may frame a room page: the frame-ancestors of its Content-Security-Policy, from the origins its account allows
// (Configure → Transcription → Embedding). Any other page, and every room of an account that lists none, gets 'none'.
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accountSettings } from "@/lib/db/schema";
import { frameAncestors } from "@/lib/settings/embed-origins";
import { getRoomByName } from "./rooms";

/** The room page paths: /r/<room name without its slash>. */
const roomPagePath = /^\/r\/([a-z0-9-]{1,80})\/?$/;

/** The frame-ancestors source list for a request path: the room's account's origins, or 'none'. */
export async function frameAncestorsForPath(db: Db, pathname: string): Promise<string> {
  const match = roomPagePath.exec(pathname);
  if (!match) return "'none'";
  const room = await getRoomByName(db, `/${match[1]}`);
  if (!room) return "'none'";
  const [row] = await db.select({ origins: accountSettings.embedOrigins }).from(accountSettings).where(eq(accountSettings.accountId, room.accountId));
  return frameAncestors(row?.origins ?? []);
}
