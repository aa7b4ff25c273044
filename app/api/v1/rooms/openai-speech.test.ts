// End to end through the route handlers with the "openai" engine against a local OpenAI-compatible transcription server
// (recognizing with real PocketSphinx): a German room, two speakers, the right words saved for the right speaker.
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { resetAppEnvForTests } from "@/lib/config/env";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { speechEngineStatus } from "@/lib/speech/status";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { startTranscribeServer, type TranscribeServer } from "@/lib/testing/openai-transcribe-server";
import { composeSpeech } from "@/lib/testing/speech";
import { callRoute, newAccount, newRoom, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const API_KEY = "sk-e2e-transcribe";
let env: ReturnType<typeof setUpPipelineEnv>;
let server: TranscribeServer;
let anaPcm: Buffer;
let benPcm: Buffer;
beforeAll(async () => {
  server = await startTranscribeServer({ apiKey: API_KEY });
  env = setUpPipelineEnv();
  process.env.VERBATIM_SPEECH_ENGINES = "openai";
  process.env.VERBATIM_TRANSCRIBE_BASE_URL = server.baseUrl;
  process.env.VERBATIM_TRANSCRIBE_API_KEY = API_KEY;
  process.env.VERBATIM_TRANSCRIBE_MODEL = "whisper-1";
  resetAppEnvForTests();
  // Transcriptions start only on a healthy engine: the check proves the server, key and model with one request.
  expect(await speechEngineStatus("openai", { refresh: true })).toMatchObject({ engineId: "openai", ok: true });
  anaPcm = (await composeSpeech([{ text: "Good morning everyone. Let us start with the budget.", voice: "slt", pauseAfterMs: 1200 }])).pcm;
  benPcm = (await composeSpeech([{ text: "Please send me the report by Friday.", voice: "rms", pauseAfterMs: 1200 }])).pcm;
});
afterAll(async () => {
  env.cleanup();
  await server.close();
  for (const name of ["VERBATIM_SPEECH_ENGINES", "VERBATIM_TRANSCRIBE_BASE_URL", "VERBATIM_TRANSCRIBE_API_KEY", "VERBATIM_TRANSCRIBE_MODEL"]) delete process.env[name];
});

describeEachDatabase("the openai speech engine through the routes", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("transcribes a German room's two speakers, each line to its speaker, with the room's language on every request", async () => {
    const before = server.requests.length;
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic", language: "de" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben" } });
    expect(ana.status).toBe(201);
    const transcriptionId = ben.json.transcription.transcriptionId as string;

    const [anaSent, benSent] = await Promise.all(
      [
        ["ana", anaPcm],
        ["ben", benPcm],
      ].map(([id, pcm]) =>
        callRoute("PUT", `/rooms/${name}/participants/${id}/audio`, { key: acct.key, body: pcmStream(pcm as Buffer, 16_000), contentType: PCM_TYPE }),
      ),
    );
    expect(anaSent.status).toBe(200);
    expect(benSent.status).toBe(200);
    await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken });
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    let t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    while (t.state === "in_progress") {
      await new Promise((r) => setTimeout(r, 20));
      t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    }
    await settlePipelineTasks();
    expect(t.state).toBe("ready");

    const requests = server.requests.slice(before);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const r of requests) expect(r).toMatchObject({ language: "de", model: "whisper-1", authorization: `Bearer ${API_KEY}` });

    const segments = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    const said = (who: string) => segments.filter((s) => s.participantId === who).map((s) => s.text).join(" ").toLowerCase();
    expect(said("ana")).toMatch(/budget|morning|start/);
    expect(said("ben")).toMatch(/report|friday|send/);
    expect(said("ana")).not.toMatch(/report|friday/);
    expect(said("ben")).not.toMatch(/budget|morning/);
    for (const s of segments) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
  });
});
