// End to end through the route handlers with real PocketSphinx on flite speech: a streamed track and a chunked track with
// repeated, missing, out-of-order and malformed chunks; the saved Markdown is read back from storage.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { composeSpeech } from "@/lib/testing/speech";
import { transcriptDownload } from "@/lib/transcripts/transcript-content";
import * as transcriptionRoute from "@/app/api/v1/transcriptions/[transcriptionId]/route";
import { callRoute, newAccount, newRoom, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
let anaPcm: Buffer;
let benPcm: Buffer;
beforeAll(async () => {
  env = setUpPipelineEnv();
  anaPcm = (await composeSpeech([{ text: "Good morning everyone. Let us start with the budget.", voice: "slt", pauseAfterMs: 1200 }])).pcm;
  benPcm = (await composeSpeech([{ text: "Please send me the report by Friday.", voice: "rms", pauseAfterMs: 1200 }])).pcm;
});
afterAll(() => env.cleanup());

const CHUNK = 8000; // 250 ms

describeEachDatabase("speech end to end through the routes", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("transcribes two participants with distinct voices and attributes each line to its speaker", async () => {
    // PocketSphinx takes no hints (its capability says so); the vocabulary is recorded on the transcription all the same.
    const { name, room } = await newRoom(db(), acct, { startTrigger: "automatic", vocabulary: ["Verbatim", "Ana Lima"] });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben <b>*" } });
    expect(ana.status).toBe(201);
    const transcriptionId = ben.json.transcription.transcriptionId as string;
    const chunkUrl = (seq: number | string) => `/rooms/${name}/participants/ben/audio/chunks/${seq}`;
    const sendChunk = (seq: number | string, body: Uint8Array, contentType = PCM_TYPE) =>
      callRoute("POST", chunkUrl(seq), { token: ben.json.participantToken, body: new Uint8Array(body), contentType });
    const chunks: Buffer[] = [];
    for (let at = 0; at < benPcm.length; at += CHUNK) chunks.push(benPcm.subarray(at, at + CHUNK));

    // Ana: a media server streams her track live with the API key, in odd-sized pieces the server must re-align.
    const anaStream = callRoute("PUT", `/rooms/${name}/participants/ana/audio`, {
      key: acct.key,
      body: pcmStream(anaPcm, 16_001, { realTime: true }),
      contentType: PCM_TYPE,
    });

    // Ben: a browser posts numbered chunks. Chunk 2 (room tone) is lost, 4 and 5 arrive swapped, 1 and 6 twice.
    const answers: Record<string, number> = {};
    const note = async (label: string, p: Promise<{ status: number; json: any }>) => {
      const res = await p;
      answers[label] = res.status;
      return res;
    };
    await note("0", sendChunk(0, chunks[0]));
    await note("1", sendChunk(1, chunks[1]));
    expect((await note("1 again", sendChunk(1, chunks[1]))).json).toEqual({ duplicate: true });
    await note("3", sendChunk(3, chunks[3]));
    await note("5", sendChunk(5, chunks[5]));
    await note("4", sendChunk(4, chunks[4]));
    expect((await note("6", sendChunk(6, chunks[6]))).json).toEqual({ accepted: true, transcribed: true });
    expect((await note("6 again", sendChunk(6, chunks[6]))).json).toEqual({ duplicate: true });
    // Malformed chunks get a clear 4xx and leave the track alone.
    const odd = await sendChunk(7, new Uint8Array(7999));
    expect(odd.status).toBe(400);
    expect(odd.json).toMatchObject({ code: "odd_length" });
    expect(odd.json.error).toMatch(/even number/);
    const big = await sendChunk(7, new Uint8Array(70_000));
    expect(big.status).toBe(413);
    const empty = await sendChunk(7, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect((await sendChunk("x7", chunks[7])).status).toBe(400);
    expect((await sendChunk("-1", chunks[7])).status).toBe(400);
    expect((await sendChunk(7, chunks[7], "audio/wav")).status).toBe(415);
    expect((await sendChunk(7, chunks[7], "audio/L16;rate=48000;channels=1")).status).toBe(415);
    const larger = await sendChunk(7, new Uint8Array(CHUNK + 2));
    expect(larger.status).toBe(413);
    expect(larger.json.code).toBe("chunk_too_large");
    // The wait for chunk 2 runs out: it becomes 250 ms of silence, and a late copy is ignored.
    await new Promise((r) => setTimeout(r, 2300));
    expect((await note("2 late", sendChunk(2, chunks[2]))).json).toEqual({ duplicate: true });
    for (let seq = 7; seq < chunks.length; seq++) await note(String(seq), sendChunk(seq, chunks[seq]));
    for (const [label, status] of Object.entries(answers)) expect([label, status]).toEqual([label, /again|late/.test(label) ? 200 : 202]);

    const streamed = await anaStream;
    expect(streamed.status).toBe(200);
    expect(streamed.json).toEqual({ receivedBytes: anaPcm.length });

    // A stream while a chunked track is open is refused, and does not disturb it.
    const wrongMode = await callRoute("PUT", `/rooms/${name}/participants/ben/audio`, { key: acct.key, body: pcmStream(Buffer.alloc(3200)), contentType: PCM_TYPE });
    expect(wrongMode.status).toBe(409);

    await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken });
    const leftAt = Date.now();
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    let t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    while (t.state === "in_progress") {
      await new Promise((r) => setTimeout(r, 20));
      t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    }
    console.log(`[measure] ready ${Date.now() - leftAt} ms after the last leave (${handle().kind})`);
    await settlePipelineTasks();
    expect(t.state).toBe("ready");

    const segments = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const s of segments) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);

    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    console.log(md);
    expect(md).toMatch(new RegExp(`^# Transcript: ${room.roomName.replace(/[-/]/g, "\\$&")}\\n`));
    expect(md).toContain(`- Session: ${ana.json.roomSessionId}`);
    expect(md).toContain("- Language: en");
    // Names are escaped: no markup or HTML from a display name.
    expect(md).toContain("- Participants: Ana, Ben \\<b\\>\\*");
    const lines = md.split("\n").filter((l) => /^\*\*\[\d\d:\d\d:\d\d\] /.test(l));
    const anaText = lines.filter((l) => l.includes("] Ana:**")).join(" ").toLowerCase();
    const benText = lines.filter((l) => l.includes("] Ben \\<b\\>\\*:**")).join(" ").toLowerCase();
    expect(anaText).toMatch(/budget|morning|start/);
    expect(benText).toMatch(/report|friday|send/);
    expect(anaText).not.toMatch(/report|friday/);
    expect(benText).not.toMatch(/budget|morning/);

    // The engine chosen for English when the transcription started is recorded and told: the REST resource and the JSON download.
    expect(t.engineId).toBe("pocketsphinx");
    expect(t.vocabulary).toEqual(["Verbatim", "Ana Lima"]);
    const resource = await transcriptionRoute.GET(
      new Request(`http://localhost/api/v1/transcriptions/${transcriptionId}`, { headers: { authorization: `Bearer ${acct.key}` } }),
      { params: Promise.resolve({ transcriptionId }) },
    );
    expect(resource.status).toBe(200);
    expect(await resource.json()).toMatchObject({ transcriptionId, language: "en", engine: "pocketsphinx" });
    const download = await transcriptDownload(db(), acct.admin.accountId, transcriptionId, "json");
    expect(JSON.parse(download.body.toString("utf8"))).toMatchObject({ language: "en", engine: "pocketsphinx" });
  });
});
