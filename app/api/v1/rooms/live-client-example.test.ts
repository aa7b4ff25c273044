// Runs the exact Node.js client of docs/live-transcript.md (and the README) as its own process: against the real live
// route over HTTP with an API key, through a dropped connection; and against a scripted stream, for Last-Event-ID.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import * as liveRoute from "./[roomName]/live/route";
import { callRoute, newAccount, newRoom, PCM_TYPE, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const doc = fs.readFileSync(path.join(process.cwd(), "docs/live-transcript.md"), "utf8");
const blocks = [...doc.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

let env: ReturnType<typeof setUpPipelineEnv>;
let dir: string;
beforeAll(() => {
  env = setUpPipelineEnv({ engine: createFakeEngine() });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-live-client-"));
  fs.writeFileSync(path.join(dir, "live-client.mjs"), blocks[0]);
});
afterAll(() => {
  env.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Client = { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp, count?: number) => Promise<void> };
const clients: Client[] = [];
const servers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) {
    if (c.child.exitCode === null) {
      const exited = new Promise((r) => c.child.once("exit", r));
      c.child.kill();
      await exited;
    }
  }
  for (const s of servers.splice(0)) {
    for (const socket of s.sockets) socket.destroy();
    await new Promise((r) => s.server.close(r));
  }
});

/** Starts the documented client with its three settings. */
function startClient(baseUrl: string, apiKey: string, roomName: string): Client {
  let out = "";
  const child = spawn(process.execPath, [path.join(dir, "live-client.mjs")], {
    env: { NODE_ENV: "test", PATH: process.env.PATH, VERBATIM_URL: baseUrl, VERBATIM_API_KEY: apiKey, ROOM_NAME: roomName },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (t: string) => (out += t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => (out += t));
  const client: Client = {
    child,
    output: () => out,
    async waitFor(pattern, count = 1) {
      const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
      for (let i = 0; i < 600; i++) {
        if ((out.match(global)?.length ?? 0) >= count) return;
        if (child.exitCode !== null && i > 0 && (out.match(global)?.length ?? 0) < count) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`the client never printed ${pattern} (${count}×); output so far:\n${out}`);
    },
  };
  clients.push(client);
  return client;
}

/** A loopback HTTP server; `handler` answers, and every request's headers are kept. */
async function httpServer(handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const requests: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    handler(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push({ server, sockets });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, dropConnections: () => sockets.forEach((s) => s.destroy()) };
}

it("the README carries the tested client word for word", () => {
  expect(blocks).toHaveLength(1);
  const readme = fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  expect(readme).toContain("```js\n" + blocks[0] + "```");
});

it("sends Last-Event-ID after a drop, honours retry:, and reads events split across packets", async () => {
  let connection = 0;
  const segment = (text: string) => JSON.stringify({ participantId: "p1", displayName: "Ana", startMs: 3200, endMs: 5100, text, final: true });
  const server = await httpServer((_req, res) => {
    connection++;
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (connection === 1) {
      // An event in two pieces, CRLF line ends, then the server closes the stream.
      res.write(`retry: 100\r\n: heartbeat\r\nid: 41\r\nevent: seg`);
      setTimeout(() => res.end(`ment\r\ndata: ${segment("Good morning everyone.")}\r\n\r\n`), 50);
    } else {
      res.write(`id: 42\nevent: segment\ndata: ${segment("Welcome back.")}\n\n`);
    }
  });
  const client = startClient(server.url, "vbk_test", "/sales-abc");
  await client.waitFor(/\[00:00:03\] Ana: Welcome back\./);
  expect(client.output()).toContain("[00:00:03] Ana: Good morning everyone.\n");
  expect(server.requests[0]["last-event-id"]).toBeUndefined();
  expect(server.requests[1]["last-event-id"]).toBe("41");
  expect(server.requests[0].authorization).toBe("Bearer vbk_test");
  expect(server.requests[0].accept).toBe("text/event-stream");
});

describeEachDatabase("the documented live client against the live route", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  let other: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
    other = await newAccount(db());
  });

  /** The live route over real HTTP, as Next.js would serve it. */
  async function verbatim() {
    return httpServer((req, res) => {
      const match = /^\/api\/v1\/rooms\/([^/]+)\/live$/.exec(req.url ?? "");
      if (!match) return void res.writeHead(404).end();
      const abort = new AbortController();
      res.on("close", () => abort.abort());
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      headers.set("x-forwarded-for", "198.51.100.7");
      void liveRoute
        .GET(new Request(`http://localhost${req.url}`, { headers, signal: abort.signal }), { params: Promise.resolve({ roomName: decodeURIComponent(match[1]) }) })
        .then(async (answer) => {
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          if (!answer.body) return void res.end();
          Readable.fromWeb(answer.body as import("node:stream/web").ReadableStream).on("error", () => res.destroy()).pipe(res);
        });
    });
  }

  async function speak(name: string, who: { participantId: string; participantToken: string }, sentence: string, firstSeq: number) {
    const pcm = toneSpeech([sentence]).pcm;
    let seq = firstSeq;
    for (let at = 0; at < pcm.length; at += 8000, seq++) {
      const res = await callRoute("POST", `/rooms/${name}/participants/${who.participantId}/audio/chunks/${seq}`, { token: who.participantToken, body: new Uint8Array(pcm.subarray(at, at + 8000)), contentType: PCM_TYPE });
      expect(res.status).toBe(202);
    }
    return seq;
  }

  it("prints the final lines of a real session with an API key, and resumes after the connection drops without missing one", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const server = await verbatim();
    const client = startClient(server.url, acct.key, `/${name}`);
    await client.waitFor(/Transcription idle/);
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    await client.waitFor(/Transcription in_progress/);
    const next = await speak(name, ana.json, "good morning everyone", 0);
    await client.waitFor(/\[\d\d:\d\d:\d\d\] Ana: good morning everyone\n/);

    // The connection drops, and Ana speaks while the client is away: it resumes with Last-Event-ID and misses nothing.
    server.dropConnections();
    await speak(name, ana.json, "thanks bye", next);
    await client.waitFor(/Connected/, 2);
    await client.waitFor(/\[\d\d:\d\d:\d\d\] Ana: thanks bye\n/);
    expect(server.requests[0]["last-event-id"]).toBeUndefined();
    expect(server.requests[1]["last-event-id"]).toMatch(new RegExp(`^${ana.json.transcription.transcriptionId}:\\d+$`));
    expect(client.output().match(/Ana: thanks bye/g)).toHaveLength(1);
    expect(server.requests.every((h) => h.authorization === `Bearer ${acct.key}`)).toBe(true);
    // Interim text is not printed: each line once.
    expect(client.output().match(/Ana: good morning everyone/g)).toHaveLength(1);

    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    await client.waitFor(/Transcription idle/, 2);
    await settlePipelineTasks();
  });

  it("gives up with the reason on a wrong key or another account's room, rather than retrying forever", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const server = await verbatim();
    const wrongKey = startClient(server.url, "vbk_not-a-key", name);
    await wrongKey.waitFor(/Giving up: the server answered 401/);
    const otherAccount = startClient(server.url, other.key, name);
    await otherAccount.waitFor(/Giving up: the server answered 404/);
    await new Promise((r) => wrongKey.child.exitCode !== null ? r(null) : wrongKey.child.once("exit", r));
    expect(wrongKey.child.exitCode).toBe(1);
  });
});
