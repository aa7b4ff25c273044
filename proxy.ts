// Runs before the room page (/r/<name>): its Content-Security-Policy lets the pages of the origins the room's account
// lists frame it (<verbatim-room>, public/embed.js), and no one else; every other path keeps next.config.mjs's policy.
import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/lib/db/client";
import { frameAncestorsForPath } from "@/lib/rooms/embed-policy";
// @ts-expect-error next.config.mjs is plain JavaScript without declarations
import { contentSecurityPolicy } from "./next.config.mjs";

const dev = process.env.NODE_ENV === "development";

export async function proxy(request: NextRequest) {
  let ancestors = "'none'";
  try {
    ancestors = await frameAncestorsForPath(await getDb(), request.nextUrl.pathname);
  } catch (error) {
    // The database away: the page itself will say so; meanwhile nobody may frame it.
    console.error("Could not read the room's embed origins:", (error as Error).message);
  }
  const response = NextResponse.next();
  response.headers.set("Content-Security-Policy", (contentSecurityPolicy as (dev: boolean, frameAncestors?: string) => string)(dev, ancestors));
  return response;
}

export const config = { matcher: ["/r/:roomName"] };
