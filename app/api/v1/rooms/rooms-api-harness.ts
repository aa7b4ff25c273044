// Test harness: calls the live-session route handlers in-process, with real requests, an account, an API key and rooms.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { outboxEvents, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import type { Actor } from "@/lib/actor";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { createRoom } from "@/lib/rooms/rooms";
import { createMeetingSchema, type CreateMeetingInput } from "@/lib/rooms/validation";
import { configuredSpeechEngineStatuses } from "@/lib/speech/status";
import { addSpeechEngineForTests } from "@/lib/speech/registry";
import type { SpeechEngine } from "@/lib/speech/types";
import * as roomRoute from "./[roomName]/route";
import * as participantsRoute from "./[roomName]/participants/route";
import * as participantRoute from "./[roomName]/participants/[participantId]/route";
import * as audioRoute from "./[roomName]/participants/[participantId]/audio/route";
import * as heartbeatRoute from "./[roomName]/participants/[participantId]/heartbeat/route";
import * as chunkRoute from "./[roomName]/participants/[participantId]/audio/chunks/[seq]/route";
import * as startRoute from "./[roomName]/transcription/start/route";
import * as stopRoute from "./[roomName]/transcription/stop/route";
import * as pauseRoute from "./[roomName]/transcription/pause/route";
import * as resumeRoute from "./[roomName]/transcription/resume/route";
import * as liveRoute from "./[roomName]/live/route";
import * as downloadLinksRoute from "./[roomName]/transcriptions/[transcriptionId]/download-links/route";

export type Answer = { status: number; json: any; text: string; headers: Headers };
export type CallOptions = {
  key?: string;
  token?: string;
  json?: unknown;
  body?: BodyInit | ReadableStream<Uint8Array>;
  contentType?: string;
  signal?: AbortSignal;
  /** The caller's address (X-Forwarded-For); by default each call comes from its own, as participants on their own machines. */
  clientAddress?: string;
  /** More request headers (Last-Event-ID, forwarding headers), as given. */
  headers?: Record<string, string>;
};

let callCount = 0;

type Handler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Routes `METHOD /rooms/...` to its handler with Next-style params. */
function resolve(method: string, urlPath: string): { handler: Handler; params: Record<string, string> } {
  const parts = urlPath.replace(/^\/rooms\//, "").replace(/\?.*$/, "").split("/").map(decodeURIComponent);
  const [roomName, ...rest] = parts;
  const table: [RegExp, Record<string, unknown>, string[]][] = [
    [/^$/, roomRoute, []],
    [/^participants$/, participantsRoute, []],
    [/^participants\/[^/]+$/, participantRoute, ["participantId"]],
    [/^participants\/[^/]+\/audio$/, audioRoute, ["participantId"]],
    [/^participants\/[^/]+\/heartbeat$/, heartbeatRoute, ["participantId"]],
    [/^participants\/[^/]+\/audio\/chunks\/[^/]+$/, chunkRoute, ["participantId", "seq"]],
    [/^transcription\/start$/, startRoute, []],
    [/^transcription\/stop$/, stopRoute, []],
    [/^transcription\/pause$/, pauseRoute, []],
    [/^transcription\/resume$/, resumeRoute, []],
    [/^live$/, liveRoute, []],
    [/^transcriptions\/[^/]+\/download-links$/, downloadLinksRoute, ["transcriptionId"]],
  ];
  const tail = rest.join("/");
  for (const [pattern, mod, names] of table) {
    if (!pattern.test(tail)) continue;
    const handler = mod[method] as Handler | undefined;
    if (!handler) throw new Error(`No ${method} handler for ${urlPath}`);
    const params: Record<string, string> = { roomName };
    if (names[0]) params[names[0]] = rest[1];
    if (names[1]) params[names[1]] = rest[4];
    return { handler, params };
  }
  throw new Error(`No route for ${urlPath}`);
}

/** Calls a route; `urlPath` is under /api/v1, e.g. `/rooms/sales-abc/participants`. */
export async function callRoute(method: string, urlPath: string, opts: CallOptions = {}): Promise<Answer> {
  const res = await openRoute(method, urlPath, opts);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Calls a route and returns the raw Response (for streams such as SSE). */
export async function openRoute(method: string, urlPath: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.token) headers["x-participant-token"] = opts.token;
  callCount += 1;
  headers["x-forwarded-for"] = opts.clientAddress ?? `198.18.${(callCount >> 8) & 255}.${callCount & 255}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["content-type"] = "application/json";
  }
  if (opts.contentType) headers["content-type"] = opts.contentType;
  const init: RequestInit & { duplex?: "half" } = { method, headers, body: body as BodyInit | undefined, signal: opts.signal };
  if (body instanceof ReadableStream) init.duplex = "half";
  const request = new Request(`http://localhost/api/v1${urlPath}`, init);
  const { handler, params } = resolve(method, urlPath);
  return handler(request, { params: Promise.resolve(params) });
}

export const PCM_TYPE = "audio/L16;rate=16000;channels=1";

/**
 * A ReadableStream of `pcm` in pieces of `pieceBytes` (odd sizes on purpose are allowed: the server re-aligns samples);
 * with `realTime`, each piece waits for its duration, as a live track would.
 */
export function pcmStream(pcm: Buffer, pieceBytes = 16_000, opts: { realTime?: boolean } = {}): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (opts.realTime && at > 0) await new Promise((r) => setTimeout(r, (pieceBytes / 32_000) * 1000));
      if (at >= pcm.length) {
        controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(pcm.subarray(at, at + pieceBytes)));
      at += pieceBytes;
    },
  });
}

/** Environment for a test file: a temp data dir (hosted transcripts land there), fresh keys, a known engine. */
export function setUpPipelineEnv(opts: { engine?: SpeechEngine } = {}): { dataDir: string; cleanup: () => void } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-pipeline-"));
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_PUBLIC_URL = "https://verbatim.test";
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  process.env.VERBATIM_RATE_LIMIT_POINTS = "1000000";
  process.env.VERBATIM_SPEECH_ENGINE = "pocketsphinx";
  // The fast lane brings its own engine (lib/testing/fake-engine.ts) instead of PocketSphinx.
  if (opts.engine) addSpeechEngineForTests(opts.engine);
  if (opts.engine) process.env.VERBATIM_SPEECH_ENGINES = opts.engine.id;
  resetAppEnvForTests();
  resetAppKeyringForTests();
  void configuredSpeechEngineStatuses({ refresh: true });
  return { dataDir, cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

export type TestAccount = { admin: Actor; key: string };

export async function newAccount(db: Db): Promise<TestAccount> {
  const tag = randomBytes(4).toString("hex");
  const { account, user } = await createAccountWithAdmin(
    db,
    { accountName: `Acct ${tag}`, name: `Admin ${tag}`, email: `admin-${tag}@example.com`, password: "correct horse battery" },
    { onlyIfEmpty: false, via: "cli" },
  );
  const admin: Actor = { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
  return { admin, key: (await createApiKey(db, admin, "tests")).key };
}

/** A room with the given liveTranscription block; returns its path name (no slash) and host key. */
export async function newRoom(db: Db, account: TestAccount, live: Record<string, unknown> | null = null) {
  const input: CreateMeetingInput = createMeetingSchema.parse({
    endDate: new Date(Date.now() + 24 * 3600_000).toISOString(),
    roomNamePrefix: "t",
    liveTranscription: live,
  });
  const { room, roomKey } = await createRoom(db, account.admin, input);
  return { room, roomKey, name: room.roomName.slice(1) };
}

/** The outbox events of an account, oldest first, as `{type, data}`. */
export async function outboxOf(db: Db, accountId: string): Promise<{ type: string; data: any }[]> {
  const rows = await db.select().from(outboxEvents).where(eq(outboxEvents.accountId, accountId)).orderBy(asc(outboxEvents.createdAt));
  return rows.map((r) => ({ type: r.type, data: r.data }));
}

/**
 * A final line in the session's running transcription, as the engine stores one when someone speaks: for tests of
 * session logic that need a transcript with speech (one without speech is not saved) but not a speech engine.
 */
export async function someoneSpoke(db: Db, roomSessionId: string, participantId = "ana", displayName = "Ana", text = "Hello everyone.") {
  const [t] = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.roomSessionId, roomSessionId), eq(transcriptions.state, "in_progress"), isNull(transcriptions.endedAt)));
  if (!t) throw new Error(`No running transcription in session ${roomSessionId}`);
  await db.insert(transcriptSegments).values({ accountId: t.accountId, transcriptionId: t.id, participantId, displayName, startMs: 0, endMs: 1000, text });
}
