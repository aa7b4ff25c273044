// A restart in the middle of a session, on both databases: live state is dropped as a crash would, recovery finalizes
// from the stored segments when nobody comes back, and resumes the transcription when participants do.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { roomSessions, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { abandonAllRuntimesForTests } from "@/lib/pipeline/runtime-registry";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { recoverOpenSessions } from "@/lib/pipeline/session-recovery";
import { composeSpeech } from "@/lib/testing/speech";
import { callRoute, newAccount, newRoom, outboxOf, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
let first: Buffer;
let second: Buffer;
beforeAll(async () => {
  env = setUpPipelineEnv();
  first = (await composeSpeech([{ text: "Good morning everyone. Let us start with the budget.", voice: "slt", pauseAfterMs: 1000 }])).pcm;
  second = (await composeSpeech([{ text: "Please send me the report by Friday.", voice: "rms", pauseAfterMs: 1000 }])).pcm;
});
afterAll(() => env.cleanup());

describeEachDatabase("restart in the middle of a session", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  async function sessionWithOneUtterance() {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben" } });
    const streamed = await callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(first), contentType: PCM_TYPE });
    expect(streamed.status).toBe(200);
    await settlePipelineTasks(); // the stream's end flushed Ana's track: her utterance is stored
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    const stored = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(stored.map((s) => s.text).join(" ")).toMatch(/budget|morning/);
    return { name, ana, ben, transcriptionId, sessionId: ana.json.roomSessionId as string };
  }

  const transcription = async (id: string) => (await db().select().from(transcriptions).where(eq(transcriptions.id, id)))[0];

  it("finalizes from the stored segments when nobody comes back within the grace window", async () => {
    const s = await sessionWithOneUtterance();
    abandonAllRuntimesForTests(); // the crash: engines, tracks and timers gone
    expect((await transcription(s.transcriptionId)).state).toBe("in_progress");

    const report = await recoverOpenSessions(db(), { graceMs: 200 });
    expect(report.recovered).toContain(s.sessionId);
    await new Promise((r) => setTimeout(r, 400));
    await settlePipelineTasks();

    const t = await transcription(s.transcriptionId);
    expect(t.state).toBe("ready");
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    expect(md).toMatch(/\] Ana:\*\* .*(budget|morning)/);
    const [session] = await db().select().from(roomSessions).where(eq(roomSessions.id, s.sessionId));
    expect(session.endedAt).not.toBeNull();
    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.roomSessionId === s.sessionId);
    expect(events.filter((e) => e.type === "room.client.left").map((e) => e.data.numClients).sort()).toEqual([0, 1]);
    expect(events.filter((e) => e.type === "transcription.finished")).toHaveLength(1);
    expect(events.filter((e) => e.type === "room.session.ended")).toHaveLength(1);
  });

  it("after a restart, takes a browser's chunks in its own numbering (not from 0 again), without silence put in", async () => {
    const s = await sessionWithOneUtterance();
    abandonAllRuntimesForTests();
    await recoverOpenSessions(db(), { graceMs: 60_000 });
    // Ben's page had sent 300 chunks before the crash; it goes on from there.
    for (let seq = 300, at = 0; at < second.length; seq++, at += 8000) {
      const res = await callRoute("POST", `/rooms/${s.name}/participants/ben/audio/chunks/${seq}`, {
        token: s.ben.json.participantToken,
        body: new Uint8Array(second.subarray(at, at + 8000)),
        contentType: PCM_TYPE,
      });
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ accepted: true, transcribed: true });
    }
    await callRoute("DELETE", `/rooms/${s.name}/participants/ben`, { key: acct.key });
    await callRoute("DELETE", `/rooms/${s.name}/participants/ana`, { key: acct.key });
    await settlePipelineTasks();
    const t = await transcription(s.transcriptionId);
    expect(t.state).toBe("ready");
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    // Recognized, and placed when it was said: not 300 × 250 ms of made-up silence later.
    const line = /\*\*\[(\d\d):(\d\d):(\d\d)\] Ben:\*\* .*(report|friday)/.exec(md);
    expect(line, md).not.toBeNull();
    expect(Number(line![1]) * 3600 + Number(line![2]) * 60 + Number(line![3])).toBeLessThan(30);
  });

  it("resumes when participants come back: the transcript holds speech from before and after the restart", async () => {
    const s = await sessionWithOneUtterance();
    abandonAllRuntimesForTests();
    const report = await recoverOpenSessions(db(), { graceMs: 60_000 });
    expect(report.recovered).toContain(s.sessionId);
    // Ben's browser goes on sending chunks with its old token; Ana's media server re-joins.
    for (let seq = 0, at = 0; at < second.length; seq++, at += 8000) {
      const res = await callRoute("POST", `/rooms/${s.name}/participants/ben/audio/chunks/${seq}`, {
        token: s.ben.json.participantToken,
        body: new Uint8Array(second.subarray(at, at + 8000)),
        contentType: PCM_TYPE,
      });
      expect(res.status).toBe(202);
    }
    const again = await callRoute("POST", `/rooms/${s.name}/participants`, { json: { participantId: "ana", displayName: "Ana" }, key: acct.key });
    expect(again.json.roomSessionId).toBe(s.sessionId);
    expect(again.json.transcription.transcriptionId).toBe(s.transcriptionId);
    await callRoute("DELETE", `/rooms/${s.name}/participants/ben`, { key: acct.key });
    await callRoute("DELETE", `/rooms/${s.name}/participants/ana`, { key: acct.key });
    await settlePipelineTasks();
    const t = await transcription(s.transcriptionId);
    expect(t.state).toBe("ready");
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    expect(md).toMatch(/\] Ana:\*\* .*(budget|morning)/);
    expect(md).toMatch(/\] Ben:\*\* .*(report|friday)/);
  });
});
