// The simulator's client against the real route handlers over HTTP on loopback: finding an existing room (--room) across pages.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { newAccount, newRoom, setUpPipelineEnv } from "@/app/api/v1/rooms/rooms-api-harness";
import * as meetingsRoute from "@/app/api/v1/meetings/route";
import * as meetingRoute from "@/app/api/v1/meetings/[meetingId]/route";
import * as roomRoute from "@/app/api/v1/rooms/[roomName]/route";
import { VerbatimClient } from "./verbatim-client";

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Serves the routes the lookup uses, as Next would, on an ephemeral loopback port. */
function serveRoutes(): Promise<{ url: string; close: () => Promise<void> }> {
  const routes: [RegExp, Record<string, unknown>, string | null][] = [
    [/^\/api\/v1\/meetings$/, meetingsRoute, null],
    [/^\/api\/v1\/meetings\/([^/]+)$/, meetingRoute, "meetingId"],
    [/^\/api\/v1\/rooms\/([^/]+)$/, roomRoute, "roomName"],
  ];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, "http://127.0.0.1");
    for (const [pattern, mod, param] of routes) {
      const match = pattern.exec(url.pathname);
      const handler = mod[req.method!] as Handler | undefined;
      if (!match || !handler) continue;
      const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string> });
      const answer = await handler(request, { params: Promise.resolve(param ? { [param]: decodeURIComponent(match[1]) } : {}) });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

let env: ReturnType<typeof setUpPipelineEnv>;
let server: Awaited<ReturnType<typeof serveRoutes>>;
beforeAll(async () => {
  env = setUpPipelineEnv();
  server = await serveRoutes();
});
afterAll(async () => {
  await server.close();
  env.cleanup();
});

describeEachDatabase("the simulator's --room lookup", (handle) => {
  it("finds a room of the key's account past the first page, with its host link, trigger and language; not another account's", async () => {
    const db = handle().db;
    const mine = await newAccount(db);
    const theirs = await newAccount(db);
    const wanted = await newRoom(db, mine, { startTrigger: "manual", language: "en" });
    // Newer rooms come first: 100 of them push the wanted one onto the second page.
    for (let i = 0; i < 100; i++) await newRoom(db, mine);
    const foreign = await newRoom(db, theirs);
    const client = new VerbatimClient(server.url, mine.key);

    const found = await client.findMeeting(wanted.room.roomName);
    expect(found).toMatchObject({ meetingId: wanted.room.id, roomName: wanted.room.roomName });
    expect(new URL(found!.hostRoomUrl!).searchParams.get("roomKey")).toBe(wanted.roomKey);
    expect((await client.roomState(found!.roomName)).transcription).toMatchObject({ startTrigger: "manual", language: "en" });

    expect(await client.findMeeting(foreign.room.roomName)).toBeNull();
    expect(await client.findMeeting("/no-such-room")).toBeNull();
  });
});
