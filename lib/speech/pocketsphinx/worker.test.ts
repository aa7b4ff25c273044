import { spawn } from "node:child_process";
import { describe, expect, it, vi } from "vitest";
import { engineMetrics } from "@/lib/speech/engine-metrics";
import { gateSpeechEngine } from "@/lib/speech/gated-stream";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine, pocketSphinxDecoderArgs, pocketSphinxWorker, type PocketSphinxWorker } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { SphinxWorkerHost } from "@/lib/speech/pocketsphinx/worker";
import { ensureSphinxWorker } from "@/lib/speech/pocketsphinx/worker-build";
import { WorkerEngineStream, type TrackVoice } from "@/lib/speech/pocketsphinx/worker-stream";
import { RecognizerPool } from "@/lib/speech/recognizer-pool";
import type { EngineSegment, EngineStream } from "@/lib/speech/types";
import { composeSpeech, roomTone, type ComposedSpeech } from "@/lib/testing/speech";

// The real worker (lib/speech/pocketsphinx/sphinx-worker.c, built with gcc against libpocketsphinx-dev) on flite speech.
const SENTENCES = [
  { text: "The weather today is sunny and warm.", keys: ["weather", "sunny", "warm"] },
  { text: "Please send me the report by Friday.", keys: ["send", "report", "friday"] },
];

function worker(opts: { warm?: number; decodeThreads?: number } = {}): PocketSphinxWorker {
  const w = pocketSphinxWorker({ warm: opts.warm ?? 1, decodeThreads: opts.decodeThreads });
  if ("problem" in w) throw new Error(w.problem);
  return w;
}

/** 100 ms chunks at up to 4x real time. */
async function feed(stream: EngineStream, pcm: Buffer, onChunk?: (sentMs: number) => void) {
  const chunk = pcmBytesForMs(100);
  for (let at = 0; at < pcm.length; at += chunk) {
    await stream.write(pcm.subarray(at, at + chunk));
    onChunk?.(((at + chunk) / pcmBytesForMs(1000)) * 1000);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function heard(segments: EngineSegment[], speech: ComposedSpeech, index: number, keys: string[]) {
  const u = speech.utterances[index];
  const found = segments.filter((s) => s.final && s.endMs > u.startMs && s.startMs < u.endMs);
  const words = found.flatMap((s) => s.text.split(" "));
  expect(keys.filter((k) => words.includes(k)).length, `"${u.text}" heard as "${found.map((s) => s.text).join(" / ")}"`).toBeGreaterThanOrEqual(2);
  expect(Math.abs(found[0].startMs - u.startMs)).toBeLessThan(400);
  expect(Math.abs(found[found.length - 1].endMs - u.endMs)).toBeLessThan(400);
}

describe("PocketSphinx worker", () => {
  it("is built from its source by gcc, and refuses to run with a clear reason when the model is not there", async () => {
    const built = ensureSphinxWorker();
    expect(built).toMatchObject({ ok: true });
    if (!built.ok) return;
    const broken = new SphinxWorkerHost({ binary: built.binary, decoderArgs: ["-hmm", "/nonexistent/model", "-samprate", "16000"] });
    const check = await broken.check();
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(/stopped before it was ready/);
  }, 60_000);

  it("refuses a malformed frame (unknown type, oversized) with a clear reason on its error output and exit code 3", async () => {
    const built = ensureSphinxWorker();
    if (!built.ok) throw new Error(built.problem);
    const run = (frame: Buffer) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(built.binary, ["--warm", "1", "--", ...pocketSphinxDecoderArgs()], { stdio: ["pipe", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ code, stderr }));
        child.stdin.end(frame);
      });
    const head = (type: number, len: number) => Buffer.from([type, 1, 0, 0, 0, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >>> 24]);
    const unknown = await run(head("Z".charCodeAt(0), 0));
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/unknown frame type 90/);
    const huge = await run(head("A".charCodeAt(0), 0x7fffffff));
    expect(huge.code).toBe(3);
    expect(huge.stderr).toMatch(/frame of 2147483647 bytes refused/);
  }, 120_000);

  it("recognizes speech gated and pooled, with interim text from the same decoder before each final", async () => {
    const w = worker();
    expect(await w.check()).toEqual({ ok: true });
    const pool = new RecognizerPool({ max: 2, waitMs: 60_000 });
    const engine = gateSpeechEngine(createPocketSphinxEngine(), w.openUtterance, { pool, lingerMs: 1000 });
    const speech = await composeSpeech(SENTENCES.map((s) => ({ text: s.text, voice: "slt" as const, pauseAfterMs: 3000 })), { leadMs: 4000 });
    const stream = engine.open({ language: "en" });
    const segments: EngineSegment[] = [];
    stream.onSegment((s) => segments.push(s));
    await feed(stream, speech.pcm);
    await stream.end();
    heard(segments, speech, 0, SENTENCES[0].keys);
    heard(segments, speech, 1, SENTENCES[1].keys);
    // For each sentence, interim text with some of its words came before its final segment.
    for (const u of speech.utterances) {
      const finalAt = segments.findIndex((s) => s.final && s.endMs > u.startMs && s.startMs < u.endMs);
      const interims = segments.slice(0, finalAt).filter((s) => !s.final && s.text && s.endMs > u.startMs && s.startMs < u.endMs);
      expect(interims.length, `interim text before "${u.text}"`).toBeGreaterThan(0);
    }
    // Interim text is never left showing: the last segment is a final, or an empty interim.
    const last = segments[segments.length - 1];
    expect(last.final || last.text === "").toBe(true);
    expect(pool.stats().inUse).toBe(0);
  }, 120_000);

  it("lends one decoder to two tracks in turn, and each keeps its words (its cepstral mean goes with the track)", async () => {
    const w = worker({ warm: 1 });
    const voices: TrackVoice[] = [{}, {}];
    const opts = { interim: false };
    const speeches = [
      await composeSpeech([{ text: SENTENCES[0].text, voice: "slt", pauseAfterMs: 800 }], { leadMs: 500 }),
      await composeSpeech([{ text: SENTENCES[1].text, voice: "rms", pauseAfterMs: 800 }], { leadMs: 500 }),
    ];
    const decoders: number[] = [];
    // Track A, then track B, then track A again: each time a stream of its own on the worker, one at a time.
    for (const [turn, who] of [0, 1, 0].entries()) {
      const stream = new WorkerEngineStream(w.host, voices[who], opts);
      const segments: EngineSegment[] = [];
      stream.onSegment((s) => segments.push(s));
      await feed(stream, speeches[who].pcm);
      await stream.end();
      heard(segments, speeches[who], 0, SENTENCES[who].keys);
      decoders.push(voices[who].lastDecoder!);
      expect(voices[who].cmn, `turn ${turn}`).toHaveLength(27); // mean and sums of 13 cepstra, and the frames counted
    }
    expect(new Set(decoders).size, `decoders used: ${decoders.join(", ")}`).toBe(1);
    // Each track's mean is its own voice's, not the other's.
    expect(voices[0].cmn).not.toEqual(voices[1].cmn);
  }, 180_000);

  it("lets decoders take turns: three tracks speaking at once with one decoding at a time are each heard in full", async () => {
    const w = worker({ warm: 3, decodeThreads: 1 });
    const voices = ["slt", "rms", "awb"] as const;
    const speeches = await Promise.all(
      voices.map((voice, i) => composeSpeech([{ text: SENTENCES[i % 2].text, voice, pauseAfterMs: 800 }], { leadMs: 300 + 200 * i })),
    );
    const runs = speeches.map(async (speech) => {
      const stream = new WorkerEngineStream(w.host, {}, { interim: false });
      const segments: EngineSegment[] = [];
      stream.onSegment((s) => segments.push(s));
      await feed(stream, speech.pcm);
      await stream.end();
      return segments;
    });
    const heardBy = await Promise.all(runs);
    heardBy.forEach((segments, i) => heard(segments, speeches[i], 0, SENTENCES[i % 2].keys));
  }, 180_000);

  it("serves first the stream whose speaker stopped ('Q'): with one decoding at a time, its final comes before the others'", async () => {
    const built = ensureSphinxWorker();
    if (!built.ok) throw new Error(built.problem);
    // Streams 1 and 2 say a short sentence, then go on; stream 3 says one long utterance, and its speaker has stopped.
    const talking = await Promise.all(
      (["rms", "awb"] as const).map((voice) =>
        composeSpeech([{ text: "Thank you.", voice, pauseAfterMs: 800 }, { text: SENTENCES[0].text, voice, pauseAfterMs: 700 }], { leadMs: 200 }),
      ),
    );
    const stopped = await composeSpeech([{ text: "Please send me the report by Friday and tell me about the weather", voice: "slt", pauseAfterMs: 700 }], { leadMs: 200 });
    const finalsInOrder = async (withStop: boolean) => {
      const child = spawn(built.binary, ["--warm", "4", "--decode-threads", "1", "--", ...pocketSphinxDecoderArgs()], { stdio: ["pipe", "pipe", "ignore"] });
      let out = "";
      const finals: number[] = [];
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const lines = out.split("\n");
        out = lines.pop()!;
        for (const line of lines) {
          const [type, id, text] = line.split("\t");
          if (type === "F" && text && id !== "4") finals.push(Number(id));
        }
      });
      const closed = new Promise((r) => child.on("close", r));
      const frame = (type: string, id: number, payload: Buffer = Buffer.alloc(0)) => {
        const head = Buffer.alloc(9);
        head.write(type, 0, "latin1");
        head.writeUInt32LE(id, 1);
        head.writeUInt32LE(payload.length, 5);
        return Buffer.concat([head, payload]);
      };
      await new Promise((r) => setTimeout(r, 3000)); // the four decoders are loaded
      const tracks = [talking[0].pcm, talking[1].pcm, stopped.pcm];
      // Stream 4 takes the one turn first with a long frame of speech, so that all the rest is queued when turns go on.
      const frames: Buffer[] = [frame("O", 4), frame("A", 4, Buffer.concat([talking[0].pcm, talking[1].pcm])), frame("O", 1), frame("O", 2), frame("O", 3)];
      if (withStop) frames.push(frame("Q", 3, Buffer.from([1])));
      const chunk = pcmBytesForMs(100);
      for (let at = 0; at < Math.max(...tracks.map((t) => t.length)); at += chunk) {
        tracks.forEach((pcm, i) => at < pcm.length && frames.push(frame("A", i + 1, pcm.subarray(at, at + chunk))));
      }
      frames.push(frame("E", 1), frame("E", 2), frame("E", 3), frame("E", 4));
      child.stdin.end(Buffer.concat(frames));
      await closed;
      return finals;
    };
    // In the order asked, the short sentences end first; with stream 3's speaker stopped, its final is out first.
    expect((await finalsInOrder(false))[0]).not.toBe(3);
    expect((await finalsInOrder(true))[0]).toBe(3);
  }, 180_000);

  it("recovers when the worker crashes mid-utterance: restarted, the utterance is recognized from its audio again", async () => {
    const w = worker();
    const restartsBefore = engineMetrics().restarts;
    const speech = await composeSpeech([{ text: SENTENCES[1].text, voice: "slt", pauseAfterMs: 1000 }], { leadMs: 500 });
    const stream = new WorkerEngineStream(w.host, {}, { interim: true });
    const segments: EngineSegment[] = [];
    const errors: Error[] = [];
    stream.onSegment((s) => segments.push(s));
    stream.onError((e) => errors.push(e));
    let killed: number | undefined;
    await feed(stream, speech.pcm, (sentMs) => {
      if (killed === undefined && sentMs >= speech.utterances[0].startMs + 1000) {
        killed = w.host.pid;
        process.kill(killed!, "SIGKILL");
      }
    });
    await stream.end();
    expect(killed).toBeDefined();
    expect(w.host.pid).not.toBe(killed);
    expect(errors).toEqual([]);
    heard(segments, speech, 0, SENTENCES[1].keys);
    expect(engineMetrics().restarts).toBeGreaterThan(restartsBefore);
  }, 120_000);

  it("tells a restarted worker again that the stream's speaker stopped, so its final still comes first", async () => {
    const w = worker();
    const speech = await composeSpeech([{ text: SENTENCES[0].text, voice: "slt", pauseAfterMs: 500 }], { leadMs: 300 });
    const stream = new WorkerEngineStream(w.host, {}, { interim: true });
    const errors: Error[] = [];
    stream.onError((e) => errors.push(e));
    // The frames the stream has the worker send, as they go (recorded on their way, and sent as ever).
    const frames: string[] = [];
    const frame = w.host.frame.bind(w.host);
    w.host.frame = (type, id, payload) => {
      frames.push(type === "Q" ? `Q${payload?.[0]}` : type);
      frame(type, id, payload);
    };
    await stream.write(speech.pcm.subarray(0, pcmBytesForMs(speech.utterances[0].endMs)));
    stream.speakerStopped(true);
    await vi.waitFor(() => expect(frames).toContain("Q1"));
    const killed = w.host.pid;
    const sentBefore = frames.length;
    process.kill(killed!, "SIGKILL");
    await vi.waitFor(() => expect(frames.slice(sentBefore)).toContain("A"), { timeout: 30_000 });
    // Opened again, told at once, then the audio since the last final replayed.
    expect(frames.slice(sentBefore, sentBefore + 2)).toEqual(["O", "Q1"]);
    await stream.write(speech.pcm.subarray(pcmBytesForMs(speech.utterances[0].endMs)));
    await stream.end();
    expect(w.host.pid).not.toBe(killed);
    expect(errors).toEqual([]);
  }, 120_000);

  it("holds a writer back while its decoder is more than a second behind, and lets it go when the decoder catches up", async () => {
    const w = worker();
    expect(await w.check()).toEqual({ ok: true });
    const stream = new WorkerEngineStream(w.host, {}, { interim: false });
    await stream.write(roomTone(200)); // opened, and the worker answers
    const pid = w.host.pid!;
    process.kill(pid, "SIGSTOP"); // the decoder takes nothing more
    try {
      let released = false;
      const held = stream.write(roomTone(1500)).then(() => (released = true));
      await new Promise((r) => setTimeout(r, 1000));
      expect(released).toBe(false);
      process.kill(pid, "SIGCONT");
      await held;
      expect(released).toBe(true);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await stream.end();
  }, 60_000);

  it("fails the stream with the reason when the worker keeps crashing", async () => {
    const w = worker();
    const stream = new WorkerEngineStream(w.host, {}, { interim: false, maxRestartsPerMinute: 0 });
    const errors: Error[] = [];
    stream.onError((e) => errors.push(e));
    await stream.write(roomTone(500));
    process.kill(w.host.pid!, "SIGKILL");
    await expect.poll(() => errors.length, { timeout: 30_000 }).toBe(1);
    expect(errors[0].message).toMatch(/PocketSphinx worker stopped \(killed by SIGKILL\).*keeps stopping/);
    await expect(stream.write(roomTone(100))).rejects.toThrow(/keeps stopping/);
    await stream.end();
  }, 60_000);
});
