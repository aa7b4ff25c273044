// Participants decide about their own words: joining not transcribed (chunks and a media server's stream), and the
// host's off-the-record span, through the route handlers on the tone-word engine, counting every engine stream opened
// and every byte an engine was given.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { offRecordSpans, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import type { SpeechEngine } from "@/lib/speech/types";
import { transcriptDownload } from "@/lib/transcripts/transcript-content";
import { callRoute, newAccount, newRoom, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const CHUNK = 8000; // 250 ms

/** Every stream an engine opened, and every byte of audio it was given. */
const engineLog = { streams: 0, bytes: 0 };
function countingEngine(inner: SpeechEngine): SpeechEngine {
  return {
    ...inner,
    open(opts) {
      const stream = inner.open(opts);
      engineLog.streams++;
      const write = stream.write.bind(stream);
      stream.write = async (pcm: Buffer) => {
        engineLog.bytes += pcm.length;
        return write(pcm);
      };
      return stream;
    },
  };
}

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv({ engine: countingEngine(createFakeEngine()) });
});
afterAll(() => env.cleanup());

/** Tone speech padded to whole chunks, so a track may stop and start again between any two of them. */
function speech(sentences: string[], opts: { pauseMs?: number } = {}): Buffer[] {
  const pcm = toneSpeech(sentences, opts).pcm;
  const padded = Buffer.concat([pcm, Buffer.alloc((CHUNK - (pcm.length % CHUNK)) % CHUNK)]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < padded.length; at += CHUNK) chunks.push(padded.subarray(at, at + CHUNK));
  return chunks;
}

describeEachDatabase("privacy: not transcribed at one's request, and off the record", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  let other: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
    other = await newAccount(db());
  });

  /** Posts chunks in order; `realTime`: chunk i no earlier than i × 250 ms after the first, as a browser sends them. */
  async function sendChunks(name: string, who: { participantId: string; participantToken: string }, chunks: Buffer[], firstSeq: number, opts: { realTime?: boolean } = {}) {
    const answers = [];
    const start = Date.now();
    for (let i = 0; i < chunks.length; i++) {
      if (opts.realTime) await new Promise((r) => setTimeout(r, Math.max(0, start + i * 250 - Date.now())));
      const res = await callRoute("POST", `/rooms/${name}/participants/${who.participantId}/audio/chunks/${firstSeq + i}`, {
        token: who.participantToken,
        body: new Uint8Array(chunks[i]),
        contentType: PCM_TYPE,
      });
      expect(res.status, res.text).toBe(202);
      answers.push(res.json.transcribed as boolean);
    }
    return answers;
  }

  async function savedTranscript(transcriptionId: string) {
    let t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    for (let i = 0; i < 500 && t.state === "in_progress"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    }
    await settlePipelineTasks();
    expect(t.state).toBe("ready");
    return { row: t, md: fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8") };
  }

  it("never sends an opted-out participant's audio to an engine, and names them in the header", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben", transcribe: false } });
    // A media server joins Cara, who asked not to be transcribed, and streams her track anyway.
    const cara = await callRoute("POST", `/rooms/${name}/participants`, { key: acct.key, json: { participantId: "cara", displayName: "Cara", transcribe: false } });
    expect([ana.status, ben.status, cara.status]).toEqual([201, 201, 201]);
    expect([ana.json.transcribed, ben.json.transcribed, cara.json.transcribed]).toEqual([true, false, false]);
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    expect(transcriptionId).toBeTruthy();

    const state = await callRoute("GET", `/rooms/${name}`);
    expect(state.json.participants.map((p: { displayName: string; transcribed: boolean }) => [p.displayName, p.transcribed])).toEqual([
      ["Ana", true],
      ["Ben", false],
      ["Cara", false],
    ]);

    const before = { ...engineLog };
    const anaChunks = speech(["good morning everyone"]);
    const benChunks = speech(["send me the report by friday"]);
    expect(await sendChunks(name, ben.json, benChunks, 0)).toEqual(benChunks.map(() => false));
    const caraPcm = toneSpeech(["we need three more people"]).pcm;
    const streamed = await callRoute("PUT", `/rooms/${name}/participants/cara/audio`, { key: acct.key, body: pcmStream(caraPcm, 4000), contentType: PCM_TYPE });
    expect(streamed.json).toEqual({ receivedBytes: caraPcm.length });
    expect(await sendChunks(name, ana.json, anaChunks, 0)).toEqual(anaChunks.map(() => true));

    for (const p of [ben, cara, ana]) {
      expect((await callRoute("DELETE", `/rooms/${name}/participants/${p.json.participantId}`, { token: p.json.participantToken })).status).toBe(204);
    }
    const { md } = await savedTranscript(transcriptionId);
    // One engine stream (Ana's), given exactly her audio and nothing else.
    expect(engineLog.streams - before.streams).toBe(1);
    expect(engineLog.bytes - before.bytes).toBe(anaChunks.reduce((n, c) => n + c.length, 0));
    const stored = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(stored.map((s) => [s.participantId, s.text])).toEqual([["ana", "good morning everyone"]]);
    expect(md).toContain("- Participants: Ana, Ben, Cara\n- Not transcribed at their request: Ben, Cara\n- Audio: not kept (only the text below was stored)\n");
    expect(md).not.toMatch(/report|friday|three|people/);
    // Every download says the same.
    const json = JSON.parse((await transcriptDownload(db(), acct.admin.accountId, transcriptionId, "json")).body.toString());
    expect(json).toMatchObject({ participants: ["Ana", "Ben", "Cara"], notTranscribed: ["Ben", "Cara"], offTheRecord: [], audioKept: false });
    const txt = (await transcriptDownload(db(), acct.admin.accountId, transcriptionId, "txt")).body.toString();
    expect(txt).toContain("Not transcribed at their request: Ben, Cara\nAudio: not kept (only the text below was stored)\n");
  });

  it("an automatic room does not start for people who all opted out; it starts with the first person to be transcribed", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben", transcribe: false } });
    expect(ben.status).toBe(201);
    expect(ben.json.transcription?.transcriptionId ?? null).toBeNull();
    expect((await callRoute("GET", `/rooms/${name}`)).json.transcription.state).toBe("idle");
    // Ben changes his mind (a rejoin with transcribe: true): that is a person to transcribe, so it starts.
    const again = await callRoute("POST", `/rooms/${name}/participants`, { token: ben.json.participantToken, json: { participantId: "ben", displayName: "Ben", transcribe: true } });
    expect(again.status, again.text).toBeLessThan(300);
    expect(again.json.transcribed).toBe(true);
    expect((await callRoute("GET", `/rooms/${name}`)).json.transcription.state).toBe("in_progress");
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken })).status).toBe(204);

    const second = await newRoom(db(), acct, { startTrigger: "automatic" });
    const cara = await callRoute("POST", `/rooms/${second.name}/participants`, { json: { participantId: "cara", displayName: "Cara", transcribe: false } });
    expect((await callRoute("GET", `/rooms/${second.name}`)).json.transcription.state).toBe("idle");
    const dan = await callRoute("POST", `/rooms/${second.name}/participants`, { json: { participantId: "dan", displayName: "Dan" } });
    expect(dan.json.transcription.transcriptionId).toBeTruthy();
    expect((await callRoute("GET", `/rooms/${second.name}`)).json.transcription.state).toBe("in_progress");
    for (const p of [cara, dan]) await callRoute("DELETE", `/rooms/${second.name}/participants/${p.json.participantId}`, { token: p.json.participantToken });
  });

  it("an off-the-record span leaves a marked gap: words before it are kept, nothing from inside it reaches an engine", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const host = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "host", displayName: "Hana", roomKey } });
    expect(host.json.role).toBe("host");
    const transcriptionId = host.json.transcription.transcriptionId as string;
    const before = { ...engineLog };

    // Sent at a live pace, so the audio's time is the clock's, as in a real room. No quiet after the first sentence: its final segment only comes when the pause flushes the engine.
    const first = speech(["good morning everyone"], { pauseMs: 0 });
    const secret = speech(["send me the report by friday"]);
    const third = speech(["thanks bye"]);
    expect(await sendChunks(name, host.json, first, 0, { realTime: true })).toEqual(first.map(() => true));

    const paused = await callRoute("POST", `/rooms/${name}/transcription/pause`, { token: host.json.participantToken });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json.transcription.offTheRecordSince).toEqual(expect.any(String));
    expect((await callRoute("GET", `/rooms/${name}`)).json.transcription.offTheRecordSince).toBe(paused.json.transcription.offTheRecordSince);
    const keptBeforePause = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId));
    expect(keptBeforePause.map((s) => s.text)).toEqual(["good morning everyone"]);
    const bytesAtPause = engineLog.bytes;

    expect(await sendChunks(name, host.json, secret, first.length)).toEqual(secret.map(() => false));
    await new Promise((r) => setTimeout(r, 1100)); // a gap of at least a second, so it shows in whole seconds
    // The API key resumes it (a media server's integration, say).
    const resumed = await callRoute("POST", `/rooms/${name}/transcription/resume`, { key: acct.key });
    expect(resumed.status, resumed.text).toBe(200);
    expect(resumed.json.transcription.offTheRecordSince).toBeNull();
    expect(engineLog.bytes).toBe(bytesAtPause);
    expect(await sendChunks(name, host.json, third, first.length + secret.length, { realTime: true })).toEqual(third.map(() => true));

    expect((await callRoute("DELETE", `/rooms/${name}/participants/host`, { token: host.json.participantToken })).status).toBe(204);
    const { md } = await savedTranscript(transcriptionId);
    // Two streams (before and after the gap), given the first and third sentences' audio, not one byte of the second.
    expect(engineLog.streams - before.streams).toBe(2);
    expect(engineLog.bytes - before.bytes).toBe([...first, ...third].reduce((n, c) => n + c.length, 0));

    const [span] = await db().select().from(offRecordSpans).where(eq(offRecordSpans.transcriptionId, transcriptionId));
    const [t] = await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId));
    const gapStart = span.startedAt.getTime() - t.startedAt.getTime();
    const gapEnd = span.endedAt!.getTime() - t.startedAt.getTime();
    const segments = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId)).orderBy(asc(transcriptSegments.startMs));
    expect(segments.map((s) => s.text)).toEqual(["good morning everyone", "thanks bye"]);
    // The timeline stays true: what was said after the resume sits after the gap.
    expect(segments[1].startMs).toBeGreaterThanOrEqual(gapEnd);
    const clock = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(11, 19);
    const lines = md.split("\n").filter((l) => l.startsWith("**[") || l.startsWith("*Off"));
    expect(lines).toEqual([
      expect.stringMatching(/^\*\*\[00:00:0\d\] Hana:\*\* good morning everyone$/),
      `*Off the record ${clock(gapStart)}–${clock(gapEnd)}*`,
      expect.stringMatching(/^\*\*\[\d\d:\d\d:\d\d\] Hana:\*\* thanks bye$/),
    ]);
    expect(gapEnd - gapStart).toBeGreaterThanOrEqual(1000);
    expect(md).not.toMatch(/report|friday/);
    const json = JSON.parse((await transcriptDownload(db(), acct.admin.accountId, transcriptionId, "json")).body.toString());
    expect(json.offTheRecord).toEqual([{ startMs: gapStart, endMs: gapEnd }]);
    const vtt = (await transcriptDownload(db(), acct.admin.accountId, transcriptionId, "vtt")).body.toString();
    expect(vtt).toContain(`\n\nNOTE Off the record ${clock(gapStart)}–${clock(gapEnd)}\n\n`);
  });

  it("a media server's stream that goes on through an off-the-record span: what is read meanwhile never reaches an engine", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const dan = await callRoute("POST", `/rooms/${name}/participants`, { key: acct.key, json: { participantId: "dan", displayName: "Dan" } });
    const transcriptionId = dan.json.transcription.transcriptionId as string;
    const before = { ...engineLog };
    // A body the test feeds piece by piece: each read by the server asks for the next piece, so we know when one was taken.
    let give: ((piece: Buffer | null) => void) | undefined;
    let asked: (() => void) | undefined;
    const nextAsk = () => new Promise<void>((r) => (asked = r));
    let ask = nextAsk();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const piece = await new Promise<Buffer | null>((r) => {
            give = r;
            asked?.();
          });
          if (piece) controller.enqueue(new Uint8Array(piece));
          else controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const feed = async (piece: Buffer | null) => {
      await ask;
      ask = nextAsk();
      give!(piece);
    };
    const first = toneSpeech(["good morning everyone"]).pcm;
    const secret = toneSpeech(["send me the report by friday"]).pcm;
    const third = toneSpeech(["thanks bye"]).pcm;
    const streamed = callRoute("PUT", `/rooms/${name}/participants/dan/audio`, { key: acct.key, body, contentType: PCM_TYPE });
    await feed(first);
    await ask; // the server took the first sentence to the engine and reads on
    expect((await callRoute("POST", `/rooms/${name}/transcription/pause`, { key: acct.key })).status).toBe(200);
    await feed(secret);
    await ask; // read, and dropped
    expect((await callRoute("POST", `/rooms/${name}/transcription/resume`, { key: acct.key })).status).toBe(200);
    await feed(third);
    await feed(null);
    expect((await streamed).json).toEqual({ receivedBytes: first.length + secret.length + third.length });
    expect((await callRoute("DELETE", `/rooms/${name}/participants/dan`, { key: acct.key })).status).toBe(204);
    const { md } = await savedTranscript(transcriptionId);
    expect(engineLog.streams - before.streams).toBe(2);
    expect(engineLog.bytes - before.bytes).toBe(first.length + third.length);
    // (This body runs far ahead of real time, so only the chunk test above checks where the gap sits among the lines.)
    expect(md.split("\n").filter((l) => l.includes("Dan:**")).map((l) => l.replace(/^.*:\*\* /, ""))).toEqual(["good morning everyone", "thanks bye"]);
    expect(md).toMatch(/^\*Off the record \d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*$/m);
    expect(md).not.toMatch(/report|friday/);
  });

  it("only the host pauses and resumes: 403 for a guest, 404 for another account's room, 409 when there is nothing to do, 400 for bad input", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const pause = (opts: Parameters<typeof callRoute>[2] = {}) => callRoute("POST", `/rooms/${name}/transcription/pause`, opts);
    const resume = (opts: Parameters<typeof callRoute>[2] = {}) => callRoute("POST", `/rooms/${name}/transcription/resume`, opts);

    const host = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Hana", roomKey } });
    const guest = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Gus" } });
    // Nothing is being transcribed yet (manual, not started).
    const idle = await pause({ token: host.json.participantToken });
    expect(idle.status).toBe(409);
    expect(idle.json.error).toMatch(/Nothing is being transcribed/);
    expect((await callRoute("POST", `/rooms/${name}/transcription/start`, { token: host.json.participantToken })).status).toBe(200);

    const byGuest = await pause({ token: guest.json.participantToken });
    expect(byGuest.status).toBe(403);
    expect(byGuest.json.error).toMatch(/Only the host/);
    expect((await pause()).status).toBe(403);
    expect((await pause({ json: { roomKey: "not-the-key" } })).status).toBe(403);
    expect((await pause({ key: other.key })).status).toBe(404);
    expect((await callRoute("POST", `/rooms/t-${"0".repeat(32)}/transcription/pause`, { key: acct.key })).status).toBe(404);
    const bad = await pause({ token: host.json.participantToken, json: { roomKey: 42 } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/roomKey/);
    const notJson = await callRoute("POST", `/rooms/${name}/transcription/pause`, { token: host.json.participantToken, body: "{", contentType: "application/json" });
    expect(notJson.status).toBe(400);

    const notPaused = await resume({ token: host.json.participantToken });
    expect(notPaused.status).toBe(409);
    expect(notPaused.json.error).toMatch(/not off the record/);
    expect((await pause({ json: { roomKey } })).status).toBe(200);
    const again = await pause({ key: acct.key });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/already off the record/);
    expect((await resume({ token: guest.json.participantToken })).status).toBe(403);
    expect((await resume({ token: host.json.participantToken })).status).toBe(200);

    // A participant's choice holds across a reload (a join without the field), until they say otherwise.
    const zoe = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Zoe", transcribe: false } });
    expect(zoe.json.transcribed).toBe(false);
    const reload = await callRoute("POST", `/rooms/${name}/participants`, { token: zoe.json.participantToken, json: { participantId: zoe.json.participantId, displayName: "Zoe" } });
    expect(reload.json.transcribed).toBe(false);
    const optIn = await callRoute("POST", `/rooms/${name}/participants`, { token: zoe.json.participantToken, json: { participantId: zoe.json.participantId, displayName: "Zoe", transcribe: true } });
    expect(optIn.json.transcribed).toBe(true);
    await callRoute("DELETE", `/rooms/${name}/participants/${zoe.json.participantId}`, { token: zoe.json.participantToken });

    // And the join field takes only a boolean.
    const badJoin = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Zed", transcribe: "no" } });
    expect(badJoin.status).toBe(400);
    expect(badJoin.text).toMatch(/transcribe must be true or false/);

    for (const p of [guest, host]) await callRoute("DELETE", `/rooms/${name}/participants/${p.json.participantId}`, { token: p.json.participantToken });
    await settlePipelineTasks();
  });

  it("a transcription stopped while off the record ends its gap with it", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const host = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Hana", roomKey } });
    const started = await callRoute("POST", `/rooms/${name}/transcription/start`, { token: host.json.participantToken });
    const transcriptionId = started.json.transcription.transcriptionId as string;
    const said = speech(["yes please"]);
    expect(await sendChunks(name, host.json, said, 0, { realTime: true })).toEqual(said.map(() => true));
    expect((await callRoute("POST", `/rooms/${name}/transcription/pause`, { token: host.json.participantToken })).status).toBe(200);
    expect((await callRoute("POST", `/rooms/${name}/transcription/stop`, { token: host.json.participantToken })).status).toBe(200);
    const { row, md } = await savedTranscript(transcriptionId);
    const [span] = await db().select().from(offRecordSpans).where(eq(offRecordSpans.transcriptionId, transcriptionId));
    expect(span.endedAt?.getTime()).toBe(row.endedAt!.getTime());
    expect(md).toMatch(/\*\*\[\d\d:\d\d:\d\d\] Hana:\*\* yes please\n\n\*Off the record \d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*\n$/);
    await callRoute("DELETE", `/rooms/${name}/participants/${host.json.participantId}`, { token: host.json.participantToken });
    await settlePipelineTasks();
  });
});
