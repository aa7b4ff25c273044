// Contract tests of the Deepgram engine against a local server speaking Deepgram's live WebSocket protocol, with real
// PocketSphinx recognition of flite speech on the server side; and the replay buffer it reconnects with. The server
// recognizes at the machine's pace, so end() may wait long on a busy machine: the engines here allow for it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { createDeepgramEngine, deepgramListenUrl, deepgramModelFor, type DeepgramOptions, type DeepgramSegment, type DeepgramStream } from "@/lib/speech/deepgram";
import { ReplayBuffer } from "@/lib/speech/replay-buffer";
import { startDeepgramServer, type DeepgramContractServer } from "@/lib/testing/deepgram-server";
import { composeSpeech, normalizeWords, roomTone, type ComposedSpeech } from "@/lib/testing/speech";
import { transcriptionLanguages } from "@/lib/speech/languages";

const KEY = "dg-test-key-0123456789";
const SCRIPT = [
  { text: "The weather today is sunny and warm.", keys: ["weather", "sunny", "warm"] },
  { text: "Please send me the report by Friday.", keys: ["send", "report", "friday"] },
  { text: "We need three more people for the project.", keys: ["three", "people", "project"] },
];

let speech: ComposedSpeech;
let server: DeepgramContractServer;
beforeAll(async () => {
  speech = await composeSpeech(SCRIPT.map((s) => ({ text: s.text, voice: "slt" as const, pauseAfterMs: 1500 })));
});

async function freshServer(opts: { idleCloseMs?: number } = {}) {
  await server?.close();
  server = await startDeepgramServer({ apiKey: KEY, ...opts });
  return server;
}
afterAll(() => server?.close());

function engine(opts: DeepgramOptions = {}) {
  return createDeepgramEngine({ apiKey: KEY, url: server.url, reconnectFirstDelayMs: 20, reconnectMaxDelayMs: 100, endTimeoutMs: 90_000, ...opts });
}

type Run = { segments: DeepgramSegment[]; errors: Error[]; stream: DeepgramStream };
function open(e = engine(), language = "en", vocabulary?: string[]): Run {
  const stream = e.open({ language, vocabulary });
  const run: Run = { segments: [], errors: [], stream };
  stream.onSegment((s) => run.segments.push(s));
  stream.onError((err) => run.errors.push(err));
  return run;
}

/** Writes `pcm` in 100 ms chunks as fast as the stream takes them; `between` runs after each. */
async function feed(stream: DeepgramStream, pcm: Buffer, between?: (writtenBytes: number) => Promise<void>) {
  const chunk = pcmBytesForMs(100);
  for (let at = 0; at < pcm.length; at += chunk) {
    await stream.write(pcm.subarray(at, at + chunk));
    await between?.(Math.min(pcm.length, at + chunk));
  }
}

const finals = (run: Run) => run.segments.filter((s) => s.final);
const until = async (what: () => boolean, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Each sentence heard (`minHits` of its key words) and no key word twice. */
function expectEveryUtteranceOnce(run: Run, minHits = 2) {
  const words = finals(run).flatMap((s) => normalizeWords(s.text));
  for (const [i, s] of SCRIPT.entries()) {
    const hits = s.keys.filter((k) => words.includes(k));
    expect(hits.length, `utterance ${i} in "${words.join(" ")}"`).toBeGreaterThanOrEqual(minHits);
    for (const k of hits) expect(words.filter((w) => w === k).length, `"${k}" once in "${words.join(" ")}"`).toBe(1);
  }
}

describe("Deepgram live engine against a local Deepgram protocol server", () => {
  afterEach(async () => {
    await server?.close();
  });

  it("asks for 16 kHz linear PCM in the room's language with interim results, and turns results into interim then final segments with word times", async () => {
    await freshServer();
    const run = open(engine(), "en", ["Verbatim", "weekly sync"]);
    await feed(run.stream, speech.pcm);
    await run.stream.end();
    expect(run.errors).toEqual([]);

    const q = server.connections[0].query;
    expect(Object.fromEntries([...q].filter(([k]) => k !== "keyterm"))).toEqual({
      encoding: "linear16", sample_rate: "16000", channels: "1", language: "en", model: "nova-3",
      interim_results: "true", punctuate: "true", smart_format: "true", endpointing: "300", utterance_end_ms: "1000", vad_events: "true",
    });
    expect(q.getAll("keyterm")).toEqual(["Verbatim", "weekly sync"]);
    // End of track: Finalize, then CloseStream, and the socket closed normally after the last results.
    expect(server.connections[0].controls.slice(-2)).toEqual(["Finalize", "CloseStream"]);
    expect(server.connections[0].closedBy).toEqual({ code: 1000, reason: "" });

    expectEveryUtteranceOnce(run);
    for (const [i, u] of speech.utterances.entries()) {
      const covering = finals(run).filter((s) => s.endMs > u.startMs && s.startMs < u.endMs);
      expect(covering.length, `a final for utterance ${i}`).toBeGreaterThan(0);
      // Word times are on the stream's timeline and land on the speech.
      expect(Math.abs(covering[0].startMs - u.startMs)).toBeLessThan(400);
      expect(Math.abs(covering.at(-1)!.endMs - u.endMs)).toBeLessThan(400);
      for (const s of covering) {
        expect(s.words.length).toBeGreaterThan(0);
        expect(s.words[0].startMs).toBe(s.startMs);
        expect(s.words.at(-1)!.endMs).toBe(s.endMs);
        for (const w of s.words) expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
      }
      expect(covering.at(-1)!.endsUtterance).toBe(true);
      // Interim text for the utterance came before its final, and the final's text starts with it.
      const firstFinal = run.segments.indexOf(covering[0]);
      const interims = run.segments.slice(0, firstFinal).filter((s) => !s.final && s.text && s.endMs > u.startMs);
      expect(interims.length, `interim text before the final of utterance ${i}`).toBeGreaterThan(0);
      expect(covering[0].text.startsWith(interims.at(-1)!.text.replace(/\.$/, ""))).toBe(true);
    }
  });

  it("UtteranceEnd closes an utterance: interim text that no final replaced is taken back", async () => {
    await freshServer();
    const sent: string[] = [];
    server.onSent(({ message }) => sent.push(String(message.type)));
    const run = open();
    await feed(run.stream, roomTone(500));
    await until(() => server.connections.length === 1);
    const words = [{ word: "hello", punctuated_word: "Hello", start: 0.1, end: 0.4, confidence: 0.9 }];
    server.inject({ type: "Results", channel_index: [0, 1], start: 0, duration: 0.5, is_final: false, speech_final: false, channel: { alternatives: [{ transcript: "Hello", confidence: 0.9, words }] } });
    await until(() => run.segments.length === 1);
    expect(run.segments[0]).toMatchObject({ text: "Hello", final: false, startMs: 100, endMs: 400 });
    server.inject({ type: "UtteranceEnd", channel: [0, 1], last_word_end: 0.4 });
    await until(() => run.segments.length === 2);
    expect(run.segments[1]).toMatchObject({ text: "", final: false });
    await run.stream.end();

    // In a real exchange the server sends UtteranceEnd once utterance_end_ms has passed after the last word.
    const spoken = open();
    await feed(spoken.stream, speech.pcm);
    await spoken.stream.end();
    expect(sent.filter((t) => t === "UtteranceEnd").length).toBeGreaterThanOrEqual(2);
  });

  it("picks nova-3 where it exists and nova-2 otherwise, with keyterm or keywords to match", () => {
    expect(deepgramModelFor("de")).toBe("nova-3");
    expect(deepgramModelFor("zh-TW")).toBe("nova-3");
    expect(deepgramModelFor("th")).toBe("nova-2");
    expect(deepgramModelFor("th", "nova-3-general")).toBe("nova-3-general");
    const th = new URL(deepgramListenUrl("wss://api.deepgram.com/v1/listen", { language: "th", model: "nova-2", vocabulary: ["Acme", " "], endpointingMs: 300, utteranceEndMs: 1000 }));
    expect(th.searchParams.getAll("keywords")).toEqual(["Acme"]);
    expect(th.searchParams.has("keyterm")).toBe(false);
    expect(createDeepgramEngine({ apiKey: KEY }).languages).toEqual(transcriptionLanguages);
  });

  it("check() needs a key and a ws(s) URL, without calling Deepgram", async () => {
    expect(await createDeepgramEngine({ url: "wss://api.deepgram.com/v1/listen" }).check()).toMatchObject({ ok: false, problem: expect.stringContaining("DEEPGRAM_API_KEY") });
    expect(await createDeepgramEngine({ apiKey: KEY, url: "https://api.deepgram.com/v1/listen" }).check()).toMatchObject({ ok: false, problem: expect.stringContaining("wss://") });
    expect(await createDeepgramEngine({ apiKey: KEY, url: "not a url" }).check()).toMatchObject({ ok: false });
    expect(await createDeepgramEngine({ apiKey: KEY, url: "ws://api.deepgram.com/v1/listen" }).check()).toMatchObject({ ok: false, problem: expect.stringContaining("unencrypted") });
    expect(await createDeepgramEngine({ apiKey: KEY, url: "ws://127.0.0.1:9/v1/listen" }).check()).toEqual({ ok: true });
    expect(await createDeepgramEngine({ apiKey: KEY }).check()).toEqual({ ok: true });
  });

  it("sends KeepAlive during silence, so the socket outlives the server's idle close", async () => {
    await freshServer({ idleCloseMs: 600 });
    const run = open(engine({ keepAliveMs: 200 }));
    await feed(run.stream, roomTone(300));
    await new Promise((r) => setTimeout(r, 1500)); // no audio: a muted microphone
    await feed(run.stream, speech.pcm.subarray(0, pcmBytesForMs(300)));
    await run.stream.end();
    expect(run.errors).toEqual([]);
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0].controls.filter((c) => c === "KeepAlive").length).toBeGreaterThanOrEqual(3);
    expect(server.connections[0].closedBy).toEqual({ code: 1000, reason: "" });

    // Without KeepAlive the same silence gets the socket closed (NET-0001); the stream reopens it and goes on.
    const quiet = open(engine({ keepAliveMs: 60_000 }));
    await feed(quiet.stream, roomTone(300));
    await until(() => server.connections.length === 2 && server.connections[1].closedBy !== undefined, 5000);
    expect(server.connections[1].closedBy).toEqual({ code: 1011, reason: "NET-0001" });
    await feed(quiet.stream, roomTone(300));
    await quiet.stream.end();
    expect(quiet.errors).toEqual([]);
    expect(server.connections).toHaveLength(3);
  });

  it("Finalize flushes the last words at end(): the utterance still being spoken when the track ends is not lost", async () => {
    await freshServer();
    const run = open();
    // The track stops right after the last word: no pause for endpointing, only Finalize makes it final.
    const lastEnd = speech.utterances.at(-1)!.endMs;
    await feed(run.stream, speech.pcm.subarray(0, pcmBytesForMs(lastEnd + 50)));
    await run.stream.end();
    expect(run.errors).toEqual([]);
    const words = finals(run).flatMap((s) => normalizeWords(s.text));
    expect(SCRIPT[2].keys.filter((k) => words.includes(k)).length, words.join(" ")).toBeGreaterThanOrEqual(2);
    expect(server.connections[0].controls).toContain("Finalize");
    // No interim text is left standing once the stream has ended.
    const last = run.segments.at(-1)!;
    expect(last.final || last.text === "").toBe(true);
  });

  it("a socket dropped while end() flushes is reopened, the unsettled audio replayed and flushed: the last words once", async () => {
    await freshServer();
    const run = open();
    const lastEnd = speech.utterances.at(-1)!.endMs;
    await feed(run.stream, speech.pcm.subarray(0, pcmBytesForMs(lastEnd + 50)));
    await until(() => finals(run).length >= 2); // the first two sentences are settled before the end
    server.dropOnNextFinalize();
    await run.stream.end();
    expect(run.errors).toEqual([]);
    expect(server.connections).toHaveLength(2);
    expect(server.connections[0].closedBy).toBe("dropped");
    expect(server.connections[1].controls).toEqual(["Finalize", "CloseStream"]);
    // The server's recognizer starts afresh on the replayed sentence (a new noise estimate), so it may hear fewer of
    // its words right; what matters here is that it is heard, and nothing twice.
    expectEveryUtteranceOnce(run, 1);
    expect(normalizeWords(finals(run).at(-1)!.text)).toContain("project");
  });

  it("a refused API key (401 at the handshake) is a clear error, and later audio is refused", async () => {
    await freshServer();
    const run = open(createDeepgramEngine({ apiKey: "wrong-key", url: server.url, reconnectFirstDelayMs: 20 }));
    await run.stream.write(speech.pcm.subarray(0, pcmBytesForMs(100)));
    await until(() => run.errors.length > 0);
    expect(run.errors[0].message).toMatch(/Deepgram refused the API key \(401\)/);
    expect(run.errors[0].message).not.toContain("wrong-key");
    expect(server.refusedHandshakes.map((r) => r.status)).toEqual([401]); // not retried: another try cannot help
    await expect(run.stream.write(speech.pcm.subarray(0, 3200))).rejects.toThrow(/401/);
    await run.stream.end();
  });

  it("429 at the handshake is retried a few times, then a clear error", async () => {
    await freshServer();
    server.refuseNext(429, 3, "Too many requests. Please try again later.");
    const run = open(engine({ reconnectAttempts: 3 }));
    await run.stream.write(speech.pcm.subarray(0, pcmBytesForMs(100)));
    await until(() => run.errors.length > 0);
    expect(run.errors[0].message).toMatch(/Deepgram is rate limiting this project \(429 Too Many Requests\)/);
    expect(run.errors[0].message).toMatch(/gave up after 3 attempts/);
    expect(server.refusedHandshakes.map((r) => r.status)).toEqual([429, 429, 429]);
    await run.stream.end();

    // One 429, then room again: the stream opens on the retry and nothing is lost.
    server.refuseNext(429, 1);
    const retried = open(engine({ reconnectAttempts: 3 }));
    await feed(retried.stream, speech.pcm);
    await retried.stream.end();
    expect(retried.errors).toEqual([]);
    expectEveryUtteranceOnce(retried);
  });

  it("a close with an error reason (1008 DATA-0000) is a clear error", async () => {
    await freshServer();
    server.closeAfterAudio(pcmBytesForMs(500), 1008, "DATA-0000");
    const run = open();
    await feed(run.stream, speech.pcm.subarray(0, pcmBytesForMs(1000))).catch(() => {});
    await until(() => run.errors.length > 0);
    expect(run.errors[0].message).toMatch(/Deepgram could not decode the audio \(1008 DATA-0000/);
    await run.stream.end();
  });

  it("a dropped socket reconnects and replays the audio since the last final: every word once", async () => {
    await freshServer();
    // Cut the socket in the middle of the second sentence (after the first one's final).
    const middle = (speech.utterances[1].startMs + speech.utterances[1].endMs) / 2;
    server.dropAfterAudio(pcmBytesForMs(middle));
    const run = open();
    let waited = false;
    await feed(run.stream, speech.pcm, async (written) => {
      // The first sentence's final is in before the drop (the server recognizes in its own time).
      if (!waited && written > pcmBytesForMs(speech.utterances[0].endMs + 800)) {
        waited = true;
        await until(() => finals(run).length > 0);
      }
    });
    await run.stream.end();
    expect(run.errors).toEqual([]);
    expect(server.connections.length).toBe(2);
    expect(server.connections[0].closedBy).toBe("dropped");
    // The second socket started at the first final's end, not at the beginning: the replay was trimmed.
    expect(server.connections[1].audioBytes).toBeLessThan(speech.pcm.length - pcmBytesForMs(speech.utterances[0].endMs) + pcmBytesForMs(1500));
    expectEveryUtteranceOnce(run);
    // Times after the reconnect are on the stream's timeline (corrected by the replay's offset).
    const third = speech.utterances[2];
    const covering = finals(run).filter((s) => s.endMs > third.startMs && s.startMs < third.endMs);
    expect(Math.abs(covering[0].startMs - third.startMs)).toBeLessThan(400);
  });

  it("write() waits while the socket has a lot unsent (backpressure), and goes on when it drains", async () => {
    await freshServer();
    const run = open(engine({ highWaterBytes: 256 * 1024 }));
    await run.stream.write(roomTone(100)); // opens the socket
    await until(() => server.connections.length === 1 && server.connections[0].audioBytes > 0);
    server.pauseReading();
    const big = Buffer.alloc(16 * 1024 * 1024); // more than loopback TCP buffers hold
    let done = false;
    const written = run.stream.write(big).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 1000));
    expect(done).toBe(false);
    server.resumeReading();
    await written;
    expect(done).toBe(true);
    await run.stream.end();
    expect(run.errors).toEqual([]);
  });
});

describe("replay buffer", () => {
  it("holds the audio since the last final with its place on the timeline, trimmed as finals arrive", () => {
    const b = new ReplayBuffer({ limitMs: 10_000 });
    const a = Buffer.alloc(3200, 1); // 100 ms
    const c = Buffer.alloc(3200, 2);
    b.append(a);
    b.append(c);
    expect(b.startSample).toBe(0);
    expect(b.endSample).toBe(3200);
    b.settleUpTo(800); // 50 ms: part of the first piece
    expect(b.startSample).toBe(800);
    expect(b.startMs).toBe(50);
    expect(Buffer.concat(b.chunks())).toEqual(Buffer.concat([a.subarray(1600), c]));
    b.settleUpTo(2000);
    expect(Buffer.concat(b.chunks())).toEqual(c.subarray(800));
    b.settleUpTo(100); // an older final changes nothing
    expect(b.startSample).toBe(2000);
    b.settleUpTo(99_999); // never past what was written
    expect(b.startSample).toBe(3200);
    expect(b.bytes).toBe(0);
  });

  it("keeps memory bounded: audio older than the limit goes, and is counted", () => {
    const b = new ReplayBuffer({ limitMs: 200 });
    for (let i = 0; i < 10; i++) b.append(Buffer.alloc(3200, i));
    expect(b.bytes).toBe(6400);
    expect(b.startMs).toBe(800);
    expect(b.droppedSamples).toBe(12_800);
    expect(Buffer.concat(b.chunks())).toEqual(Buffer.concat([Buffer.alloc(3200, 8), Buffer.alloc(3200, 9)]));
  });

  it("splits its audio into pieces of a given size, and refuses half samples", () => {
    const b = new ReplayBuffer();
    b.append(Buffer.alloc(10_000));
    expect(b.chunks(4096).map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(() => b.append(Buffer.alloc(3))).toThrow(/even/);
    b.clear();
    expect(b.bytes).toBe(0);
    expect(b.startSample).toBe(5000);
  });
});
