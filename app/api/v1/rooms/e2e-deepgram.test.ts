// End to end through the route handlers with the Deepgram engine, against a local server speaking Deepgram's live
// protocol (recognizing with PocketSphinx): a German room with two speakers; and a refused key shown on the transcription.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { resetAppEnvForTests } from "@/lib/config/env";
import { speechEngineStatus } from "@/lib/speech/status";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { startDeepgramServer, type DeepgramContractServer } from "@/lib/testing/deepgram-server";
import { composeSpeech } from "@/lib/testing/speech";
import { callRoute, newAccount, newRoom, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
let server: DeepgramContractServer;
let anaPcm: Buffer;
let benPcm: Buffer;
beforeAll(async () => {
  env = setUpPipelineEnv();
  server = await startDeepgramServer({ apiKey: "dg-e2e-key" });
  process.env.VERBATIM_SPEECH_ENGINE = "deepgram";
  process.env.DEEPGRAM_API_KEY = "dg-e2e-key";
  process.env.VERBATIM_DEEPGRAM_URL = server.url;
  // The local server recognizes at this machine's pace; on a busy machine its last results take a while.
  process.env.VERBATIM_DEEPGRAM_FINISH_SECONDS = "120";
  resetAppEnvForTests();
  expect(await speechEngineStatus("deepgram", { refresh: true })).toMatchObject({ engineId: "deepgram", ok: true });
  anaPcm = (await composeSpeech([{ text: "Good morning everyone. Let us start with the budget.", voice: "slt", pauseAfterMs: 1200 }])).pcm;
  benPcm = (await composeSpeech([{ text: "Please send me the report by Friday.", voice: "rms", pauseAfterMs: 1200 }])).pcm;
});
afterAll(async () => {
  await server?.close();
  env.cleanup();
});

async function waitUntilSettled(db: () => any, transcriptionId: string) {
  let t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
  while (t.state === "in_progress") {
    await new Promise((r) => setTimeout(r, 20));
    t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
  }
  await settlePipelineTasks();
  return t as typeof transcriptions.$inferSelect;
}

describeEachDatabase("Deepgram end to end through the routes", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("transcribes two speakers in a German room: each one's words under their name, Deepgram asked for German", async () => {
    const connectionsBefore = server.connections.length;
    const created = await newRoom(db(), acct, { startTrigger: "automatic", language: "de" });
    const { name } = created;
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben" } });
    expect(ana.status).toBe(201);
    const transcriptionId = ben.json.transcription.transcriptionId as string;

    // Both tracks at once, as a media server streams them.
    const [a, b] = await Promise.all([
      callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(anaPcm, 16_000, { realTime: true }), contentType: PCM_TYPE }),
      callRoute("PUT", `/rooms/${name}/participants/ben/audio`, { key: acct.key, body: pcmStream(benPcm, 16_000, { realTime: true }), contentType: PCM_TYPE }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken });
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    const t = await waitUntilSettled(db, transcriptionId);
    expect(t.state).toBe("ready");
    expect(t.error).toBeNull();

    // One socket per track, each asking for German with the newest model that has it.
    const sockets = server.connections.slice(connectionsBefore);
    expect(sockets).toHaveLength(2);
    for (const s of sockets) {
      expect(s.query.get("language")).toBe("de");
      expect(s.query.get("model")).toBe("nova-3");
      expect(s.controls.slice(-2)).toEqual(["Finalize", "CloseStream"]);
    }

    const segments = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    expect(md).toContain("- Language: de");
    const lines = md.split("\n").filter((l) => /^\*\*\[\d\d:\d\d:\d\d\] /.test(l));
    const anaText = lines.filter((l) => l.includes("] Ana:**")).join(" ").toLowerCase();
    const benText = lines.filter((l) => l.includes("] Ben:**")).join(" ").toLowerCase();
    expect(anaText).toMatch(/budget|morning|start/);
    expect(benText).toMatch(/report|friday|send/);
    expect(anaText).not.toMatch(/report|friday/);
    expect(benText).not.toMatch(/budget|morning/);
  });

  it("a key Deepgram refuses (401) is a clear error on the transcription, and the reason it fails with nothing said", async () => {
    server.refuseNext(401, 1000, "Invalid credentials.");
    try {
      const { name } = await newRoom(db(), acct, { startTrigger: "automatic", language: "de" });
      const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
      const transcriptionId = ana.json.transcription.transcriptionId as string;
      await callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(anaPcm.subarray(0, 64_000), 16_000, { realTime: true }), contentType: PCM_TYPE });
      await settlePipelineTasks();
      const during = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
      expect(during.state).toBe("in_progress");
      expect(during.error).toMatch(/^Speech engine: Deepgram refused the API key \(401\): Invalid credentials\. Check DEEPGRAM_API_KEY\.$/);
      await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
      // Nothing could be transcribed: it fails (no empty file), and the reason given is the engine's.
      const t = await waitUntilSettled(db, transcriptionId);
      expect(t.state).toBe("failed");
      expect(t.error).toBe(during.error);
    } finally {
      server.clearRefusals();
    }
  });
});
