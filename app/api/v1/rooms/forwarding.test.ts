// A room request reaching an instance that does not own the room's session goes to the owner over real HTTP: signed, once, bounded; forged or looping requests are refused; a take-over asks the browser for what the dead owner never finished.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { offRecordSpans, roomSessions, transcriptSegments } from "@/lib/db/schema";
import { setInstanceIdForTests, setInternalUrlForTests } from "@/lib/pipeline/lease";
import { FORWARD_SIGNATURE_HEADER, FORWARDED_BY_HEADER, forwardHeaders, isForwarded } from "@/lib/pipeline/forward";
import { abandonAllRuntimesForTests } from "@/lib/pipeline/runtime-registry";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { MAX_CHUNK_BYTES } from "@/lib/pipeline/session/runtime";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import { callRoute, newAccount, newRoom, PCM_TYPE, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer; verified: boolean | string };

/** The owner instance as the network sees it: a real HTTP server that checks the forwarding signature and answers. */
let owner: http.Server;
let ownerUrl: string;
const seen: Seen[] = [];

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(async () => {
  env = setUpPipelineEnv({ engine: createFakeEngine() });
  owner = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      let verified: boolean | string;
      try {
        verified = isForwarded(new Request(`${ownerUrl}${req.url}`, { method: req.method, headers }));
      } catch (error) {
        verified = (error as Error).message;
      }
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(parts), verified });
      res.writeHead(202, { "content-type": "application/json", "x-owner": "yes" });
      res.end(JSON.stringify({ accepted: true, transcribed: true, by: "owner" }));
    });
  });
  await new Promise<void>((r) => owner.listen(0, "127.0.0.1", () => r()));
  ownerUrl = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
});
afterAll(async () => {
  env.cleanup();
  await new Promise((r) => owner.close(r));
});
afterEach(() => {
  setInstanceIdForTests(undefined);
  setInternalUrlForTests(undefined);
  seen.length = 0;
});

describeEachDatabase("forwarding room requests to the session's owner", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  /** A session opened by "instance A" (whose address is the owner server above); the test then acts as instance B. */
  async function sessionOwnedByA() {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    setInstanceIdForTests("instance-a:1");
    setInternalUrlForTests(ownerUrl);
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    expect(ana.status).toBe(201);
    // A's runtime is gone from this process (it lives "over there"); from now on this process is instance B.
    abandonAllRuntimesForTests();
    setInstanceIdForTests("instance-b:1");
    setInternalUrlForTests("http://127.0.0.1:9");
    return { name, token: ana.json.participantToken as string, sessionId: ana.json.roomSessionId as string };
  }

  const chunk = (name: string, token: string, seq: number, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    callRoute("POST", `/rooms/${name}/participants/ana/audio/chunks/${seq}`, { token, body, contentType: PCM_TYPE, ...headers });

  it("audio reaching a non-owner goes to the owner (signed, the body and the token intact) and the owner's answer comes back", async () => {
    const { name, token, sessionId } = await sessionOwnedByA();
    const [row] = await db().select().from(roomSessions).where(eq(roomSessions.id, sessionId));
    expect(row).toMatchObject({ ownerInstance: "instance-a:1", ownerAddress: ownerUrl });
    const pcm = new Uint8Array(3200).fill(7);
    const res = await chunk(name, token, 0, pcm);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ accepted: true, transcribed: true, by: "owner" });
    expect(res.headers.get("x-owner")).toBe("yes");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", url: `/api/v1/rooms/${name}/participants/ana/audio/chunks/0`, verified: true });
    expect(seen[0].headers["x-participant-token"]).toBe(token);
    expect(seen[0].headers[FORWARDED_BY_HEADER]).toBe("instance-b:1");
    expect(Buffer.compare(seen[0].body, Buffer.from(pcm))).toBe(0);
    // A join and a leave go there too.
    expect((await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben" } })).json.by).toBe("owner");
    expect(seen.map((s) => s.url)).toContain(`/api/v1/rooms/${name}/participants`);
    // So do the host's commands: off the record is held by the owner's runtime, so pause and resume must reach it.
    for (const action of ["pause", "resume"]) {
      const answer = await callRoute("POST", `/rooms/${name}/transcription/${action}`, { key: acct.key });
      expect(answer.json.by, answer.text).toBe("owner");
      expect(seen.map((s) => s.url)).toContain(`/api/v1/rooms/${name}/transcription/${action}`);
    }
  });

  it("forged forwarding headers are refused with 401, and nothing is forwarded or accepted", async () => {
    const { name, token } = await sessionOwnedByA();
    const path = `/api/v1/rooms/${name}/participants/ana/audio/chunks/0`;
    const good = forwardHeaders("POST", path);
    const forgeries: Record<string, string>[] = [
      { ...good, [FORWARD_SIGNATURE_HEADER]: "A".repeat(good[FORWARD_SIGNATURE_HEADER].length) },
      { [FORWARDED_BY_HEADER]: "instance-x:1" },
      // Signed for another path: a captured signature cannot be reused elsewhere.
      forwardHeaders("POST", `/api/v1/rooms/${name}/participants/ana/audio/chunks/1`),
      // Stale: signed two minutes ago.
      forwardHeaders("POST", path, Date.now() - 120_000),
    ];
    for (const headers of forgeries) {
      const res = await callRoute("POST", `/rooms/${name}/participants/ana/audio/chunks/0`, { token, body: new Uint8Array(3200), contentType: PCM_TYPE, headers });
      expect(res.status).toBe(401);
      expect(res.json.error).toMatch(/forwarding signature/);
    }
    expect(seen).toHaveLength(0);
  });

  it("a forwarded request is never forwarded again: a non-owner answers 503 with Retry-After (one hop at most)", async () => {
    const { name, token } = await sessionOwnedByA();
    const path = `/api/v1/rooms/${name}/participants/ana/audio/chunks/0`;
    const res = await callRoute("POST", `/rooms/${name}/participants/ana/audio/chunks/0`, {
      token,
      body: new Uint8Array(3200),
      contentType: PCM_TYPE,
      headers: forwardHeaders("POST", path),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.json.code).toBe("owner_changing");
    expect(seen).toHaveLength(0);
  });

  it("an owner that does not answer: 503 with Retry-After; once its lease ran out, this instance takes the session over and accepts the audio", async () => {
    const { name, token, sessionId } = await sessionOwnedByA();
    await db().update(roomSessions).set({ ownerAddress: "http://127.0.0.1:9" }).where(eq(roomSessions.id, sessionId));
    const refused = await chunk(name, token, 0, new Uint8Array(3200));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(refused.json.code).toBe("owner_unreachable");
    await db().update(roomSessions).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(roomSessions.id, sessionId));
    const taken = await chunk(name, token, 0, new Uint8Array(3200));
    expect(taken.status).toBe(202);
    expect(taken.json).toEqual({ accepted: true, transcribed: true });
    const [row] = await db().select().from(roomSessions).where(eq(roomSessions.id, sessionId));
    expect(row).toMatchObject({ ownerInstance: "instance-b:1", ownerAddress: "http://127.0.0.1:9" });
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token })).status).toBe(204);
    await settlePipelineTasks();
  });

  it("a forwarded chunk larger than a chunk may be is not passed on whole", async () => {
    const { name, token } = await sessionOwnedByA();
    const res = await chunk(name, token, 0, new Uint8Array(MAX_CHUNK_BYTES + 2));
    expect(res.status).toBe(413);
    expect(seen.every((s) => s.body.length <= MAX_CHUNK_BYTES)).toBe(true);
  });

  it("after a take-over, the browser is asked once to send again from the chunk after the last stored final, and the utterance the dead owner was hearing is transcribed whole", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    setInstanceIdForTests("instance-a:1");
    setInternalUrlForTests("http://127.0.0.1:9");
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const token = ana.json.participantToken as string;
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    const speech = toneSpeech(["good morning everyone", "let us start with the budget please"], { leadMs: 300, pauseMs: 900 });
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < speech.pcm.length; at += 8000) chunks.push(new Uint8Array(speech.pcm.subarray(at, at + 8000)));
    // Instance A hears the first sentence and half of the second, then dies (its runtime gone, its lease run out).
    const cut = Math.floor((speech.utterances[1].startMs + speech.utterances[1].endMs) / 2 / 250);
    for (let seq = 0; seq < cut; seq++) expect((await chunk(name, token, seq, chunks[seq])).status).toBe(202);
    for (let i = 0; i < 50; i++) {
      const stored = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
      if (stored.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    abandonAllRuntimesForTests();
    await db().update(roomSessions).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(roomSessions.id, ana.json.roomSessionId));
    setInstanceIdForTests("instance-b:1");

    const asked = await chunk(name, token, cut, chunks[cut]);
    expect(asked.status).toBe(503);
    expect(asked.headers.get("retry-after")).toBe("0");
    expect(asked.json.code).toBe("resend_from");
    const from = asked.json.resendFrom as number;
    // After the first sentence's end, before the second began.
    expect(from * 250).toBeGreaterThan(speech.utterances[0].endMs - 250);
    expect(from * 250).toBeLessThanOrEqual(speech.utterances[1].startMs + 250);
    for (let seq = from; seq < chunks.length; seq++) expect((await chunk(name, token, seq, chunks[seq])).status).toBe(202);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token })).status).toBe(204);
    await settlePipelineTasks();
    const stored = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(stored.map((x) => x.text).join(" | ")).toBe("good morning everyone | let us start with the budget please");
  });

  it("a transcription that was taken off the record never asks for audio again (what was said during a pause must not come back)", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    setInstanceIdForTests("instance-a:1");
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const token = ana.json.participantToken as string;
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    const speech = toneSpeech(["good morning everyone"], { leadMs: 300 });
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < speech.pcm.length; at += 8000) chunks.push(new Uint8Array(speech.pcm.subarray(at, at + 8000)));
    for (let seq = 0; seq < chunks.length; seq++) expect((await chunk(name, token, seq, chunks[seq])).status).toBe(202);
    for (let i = 0; i < 50; i++) {
      if ((await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId))).length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // A pause and its end, recorded by instance A; then A dies.
    await db().insert(offRecordSpans).values({ accountId: acct.admin.accountId, transcriptionId, startedAt: new Date(), endedAt: new Date() });
    abandonAllRuntimesForTests();
    await db().update(roomSessions).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(roomSessions.id, ana.json.roomSessionId));
    setInstanceIdForTests("instance-b:1");
    expect((await chunk(name, token, chunks.length + 8, new Uint8Array(8000))).status).toBe(202);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token })).status).toBe(204);
    await settlePipelineTasks();
  });

  it("a client that does not send again (an older page) is asked once, then goes on from its next chunk", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    setInstanceIdForTests("instance-a:1");
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const token = ana.json.participantToken as string;
    const speech = toneSpeech(["good morning everyone"], { leadMs: 300 });
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < speech.pcm.length; at += 8000) chunks.push(new Uint8Array(speech.pcm.subarray(at, at + 8000)));
    for (let seq = 0; seq < chunks.length; seq++) expect((await chunk(name, token, seq, chunks[seq])).status).toBe(202);
    for (let seq = chunks.length; seq < chunks.length + 4; seq++) expect((await chunk(name, token, seq, new Uint8Array(8000))).status).toBe(202);
    for (let i = 0; i < 50; i++) {
      if ((await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, ana.json.transcription.transcriptionId))).length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    abandonAllRuntimesForTests();
    await db().update(roomSessions).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(roomSessions.id, ana.json.roomSessionId));
    setInstanceIdForTests("instance-b:1");
    const next = chunks.length + 4;
    expect((await chunk(name, token, next, new Uint8Array(8000))).status).toBe(503);
    expect((await chunk(name, token, next, new Uint8Array(8000))).status).toBe(202);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token })).status).toBe(204);
    await settlePipelineTasks();
  });
});
