import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine, POCKETSPHINX_INSTALL_COMMAND } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { getSpeechEngine, knownSpeechEngineIds, UnknownSpeechEngineError } from "@/lib/speech/registry";
import type { EngineSegment, EngineStream } from "@/lib/speech/types";
import { composeSpeech, type ComposedSpeech } from "@/lib/testing/speech";

// Sentences PocketSphinx's generic model gets nearly right from flite voices, with the words each must yield.
const SCRIPT = [
  { text: "The weather today is sunny and warm.", keys: ["weather", "sunny", "warm"] },
  { text: "Please send me the report by Friday.", keys: ["send", "report", "friday"] },
  { text: "We need three more people for the project.", keys: ["three", "people", "project"] },
];

async function speechFor(voice: "slt" | "rms"): Promise<ComposedSpeech> {
  return composeSpeech(SCRIPT.map((s) => ({ text: s.text, voice, pauseAfterMs: 1500 })));
}

/** Writes all of `pcm` in 100 ms chunks, as fast as the stream takes them; `between` runs after each chunk. */
async function feed(stream: EngineStream, pcm: Buffer, between?: (writtenBytes: number) => Promise<void>) {
  const chunk = pcmBytesForMs(100);
  for (let at = 0; at < pcm.length; at += chunk) {
    await stream.write(pcm.subarray(at, at + chunk));
    await between?.(Math.min(pcm.length, at + chunk));
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Feeds at real time (up to `untilMs`) as a speaker who waits: before each sentence until the last one's final segment
 * is out, and near the end of each sentence (or where the feed stops) until interim text of it has come. Interim text
 * then never depends on the machine's spare CPU, and a final segment cannot overtake it (the sentence has not ended).
 */
async function feedWaitingForInterims(stream: EngineStream, speech: ComposedSpeech, events: EngineSegment[], untilMs = Infinity) {
  const pcm = speech.pcm.subarray(0, Math.min(speech.pcm.length, pcmBytesForMs(untilMs)));
  const heldAt = new Set<string>();
  const hold = async (key: string, condition: () => boolean, what: string) => {
    if (heldAt.has(key)) return;
    heldAt.add(key);
    await waitFor(condition, what);
  };
  const interimOf = (u: { startMs: number; endMs: number }) => () => events.some((s) => !s.final && s.text && s.startMs < u.endMs && s.endMs > u.startMs);
  await feed(stream, pcm, async (written) => {
    const atMs = written / pcmBytesForMs(1);
    for (const [i, u] of speech.utterances.entries()) {
      const previous = speech.utterances[i - 1];
      if (previous && atMs >= u.startMs - 300 && atMs < u.startMs) {
        await hold(`final ${i - 1}`, () => segmentsFor(events.filter((s) => s.final), previous).length > 0, `the final segment of "${previous.text}"`);
      }
      if (atMs >= u.startMs + 700 && (atMs >= u.endMs - 150 || written === pcm.length) && atMs < u.endMs) {
        await hold(`interim ${i}`, interimOf(u), `interim text of "${u.text}"`);
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  });
}

/** The segments overlapping an utterance's time span. */
function segmentsFor(segments: EngineSegment[], u: { startMs: number; endMs: number }) {
  return segments.filter((s) => s.endMs > u.startMs && s.startMs < u.endMs);
}

function expectRecognized(segments: EngineSegment[], speech: ComposedSpeech, index: number) {
  const u = speech.utterances[index];
  const found = segmentsFor(segments, u);
  const words = found.flatMap((s) => s.text.split(" "));
  const keys = SCRIPT[index].keys;
  const hits = keys.filter((k) => words.includes(k));
  // Accuracy is modest: two of the three key words is the bar.
  expect(hits.length, `utterance ${index} "${u.text}" heard as "${found.map((s) => s.text).join(" / ")}"`).toBeGreaterThanOrEqual(2);
  // Times are relative to the first byte and land on the speech, give or take the recognizer's padding.
  expect(Math.abs(found[0].startMs - u.startMs)).toBeLessThan(400);
  expect(Math.abs(found[found.length - 1].endMs - u.endMs)).toBeLessThan(400);
}

/** Our pocketsphinx_continuous children (the recognizer is exec'd, so it is a direct child of this process). */
function recognizerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm.startsWith("pocketsphinx") && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // the process went away while we looked
    }
  }
  return pids;
}

/** A process's nice value (field 19 of /proc/PID/stat). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

describe("PocketSphinx engine", () => {
  it("is in the registry and declares English only, streaming, no vocabulary hints", () => {
    const engine = getSpeechEngine("pocketsphinx");
    expect(engine.id).toBe("pocketsphinx");
    expect(engine.languages).toEqual(["en"]);
    expect(engine.capabilities).toEqual({ mode: "streaming", interim: true, vocabulary: false });
    expect(createPocketSphinxEngine({ interim: false }).capabilities.interim).toBe(false);
    expect(knownSpeechEngineIds()).toContain("pocketsphinx");
    expect(() => getSpeechEngine("no-such-engine")).toThrow(UnknownSpeechEngineError);
    expect(() => getSpeechEngine("toString")).toThrow(/Known engines: pocketsphinx/);
    expect(() => engine.open({ language: "fr" })).toThrow(/cannot transcribe language "fr"/);
  });

  it("check() passes here and names the apt-get command when the binary or the model is missing", async () => {
    expect(await createPocketSphinxEngine().check()).toEqual({ ok: true });
    const noBinary = await createPocketSphinxEngine({ binary: "pocketsphinx_continuous_missing" }).check();
    expect(noBinary).toEqual({
      ok: false,
      problem: `pocketsphinx_continuous_missing was not found on PATH. Install it with: ${POCKETSPHINX_INSTALL_COMMAND}`,
    });
    const noModel = await createPocketSphinxEngine({ modelDir: "/nonexistent/model" }).check();
    expect(noModel.ok).toBe(false);
    expect(!noModel.ok && noModel.problem).toContain("apt-get install -y pocketsphinx pocketsphinx-en-us");
    expect(!noModel.ok && noModel.problem).toContain("/nonexistent/model");
  });

  it("recognizes two flite voices with plausible times", async () => {
    const engine = createPocketSphinxEngine();
    await Promise.all(
      (["slt", "rms"] as const).map(async (voice) => {
        const speech = await speechFor(voice);
        const stream = engine.open({ language: "en" });
        const segments: EngineSegment[] = [];
        stream.onSegment((s) => s.final && segments.push(s));
        stream.onError((e) => segments.push({ startMs: -1, endMs: -1, text: `error: ${e.message}`, final: true }));
        await feed(stream, speech.pcm);
        await stream.end();
        expect(segments.every((s) => s.endMs > s.startMs)).toBe(true);
        for (let i = 0; i < SCRIPT.length; i++) expectRecognized(segments, speech, i);
        // In order, not overlapping.
        for (let i = 1; i < segments.length; i++) expect(segments[i].startMs).toBeGreaterThanOrEqual(segments[i - 1].endMs);
      }),
    );
  });

  it("runs the interim recognizer beside the final one, at the lowest CPU priority", async () => {
    const speech = await speechFor("slt");
    const before = new Set(recognizerPids());
    const stream = createPocketSphinxEngine().open({ language: "en" });
    // The preview starts with the first speech (its process is a shell that execs the recognizer: wait for the exec).
    await feed(stream, speech.pcm.subarray(0, pcmBytesForMs(3000)));
    const ours = () => recognizerPids().filter((pid) => !before.has(pid));
    await waitFor(() => ours().length >= 2, "two recognizers");
    const nices = ours().map(niceOf).sort((a, b) => a - b);
    await stream.end();
    // The final recognizer at this process's priority (a test run may itself be niced), the preview at the lowest.
    expect(nices).toEqual([niceOf(process.pid), 19]);
  });

  it("sends interim text while an utterance is spoken, each replaced by the utterance's final segment", async () => {
    const speech = await speechFor("slt");
    // Interim text is best effort and gives way on a busy machine (a parallel test run): at normal priority here, and
    // the speaker waits for it mid-sentence, so what is checked is what the text says and when, not spare CPU.
    const stream = createPocketSphinxEngine({ interimLowPriority: false, interimEveryMs: 300 }).open({ language: "en" });
    const events: EngineSegment[] = [];
    stream.onSegment((s) => events.push(s));
    await feedWaitingForInterims(stream, speech, events);
    await stream.end();
    const settledAt = events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(events.length, "nothing after end()").toBe(settledAt);

    const finals = events.filter((s) => s.final);
    for (let i = 0; i < SCRIPT.length; i++) {
      const u = speech.utterances[i];
      const final = segmentsFor(finals, u)[0];
      const finalAt = events.indexOf(final);
      // Before the final, interim text of this utterance: inside it, with some of its words.
      const interims = events.slice(0, finalAt).filter((s) => !s.final && s.text && s.startMs < u.endMs + 300 && s.endMs > u.startMs);
      expect(interims.length, `interim text for "${u.text}"`).toBeGreaterThan(0);
      for (const s of interims) {
        expect(s.startMs).toBeGreaterThanOrEqual(u.startMs - 400);
        expect(s.endMs).toBeLessThanOrEqual(u.endMs + 400);
      }
      const heard = interims.flatMap((s) => s.text.split(" "));
      expect(SCRIPT[i].keys.some((k) => heard.includes(k)), `interims "${interims.map((s) => s.text).join(" / ")}"`).toBe(true);
      // After the final, no interim for this utterance again.
      expect(events.slice(finalAt + 1).filter((s) => !s.final && s.text && s.startMs < final.endMs)).toEqual([]);
    }
  });

  it("leaves no interim text standing when the track ends in the middle of a sentence", async () => {
    const speech = await speechFor("rms");
    const u = speech.utterances[1];
    const stream = createPocketSphinxEngine({ interimLowPriority: false, interimEveryMs: 300 }).open({ language: "en" });
    const events: EngineSegment[] = [];
    stream.onSegment((s) => events.push(s));
    // Up to the middle of the second sentence, its interim text on screen, then the participant is gone.
    await feedWaitingForInterims(stream, speech, events, u.startMs + (u.endMs - u.startMs) * 0.7);
    await stream.end();
    const lastShown = events.findLastIndex((s) => !s.final && s.text !== "");
    expect(lastShown, "an interim while the second sentence was spoken").toBeGreaterThanOrEqual(0);
    expect(events[lastShown].startMs).toBeGreaterThan(u.startMs - 400);
    // Replaced by a final, or taken back with an empty interim.
    expect(events.slice(lastShown + 1).some((s) => s.final || s.text === "")).toBe(true);
  });

  it("with interim text off, sends final segments only", async () => {
    const speech = await speechFor("rms");
    const stream = createPocketSphinxEngine({ interim: false }).open({ language: "en" });
    const events: EngineSegment[] = [];
    stream.onSegment((s) => events.push(s));
    await feed(stream, speech.pcm.subarray(0, pcmBytesForMs(speech.utterances[0].endMs + 1000)));
    await stream.end();
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((s) => s.final)).toBe(true);
  });

  it("restarts a recognizer killed mid-stream; the stream goes on and later speech is still recognized", async () => {
    const speech = await speechFor("slt");
    const before = new Set(recognizerPids());
    const stream = createPocketSphinxEngine().open({ language: "en" });
    const segments: EngineSegment[] = [];
    const errors: Error[] = [];
    stream.onSegment((s) => s.final && segments.push(s));
    stream.onError((e) => errors.push(e));
    let killed: number | undefined;
    let replacement: number | undefined;
    // Kill in the middle of the second utterance, once the first one's final segment is out.
    const middleOfSecond = pcmBytesForMs((speech.utterances[1].startMs + speech.utterances[1].endMs) / 2);
    await feed(stream, speech.pcm, async (written) => {
      if (killed !== undefined) {
        replacement ??= recognizerPids().find((pid) => pid !== killed && !before.has(pid) && niceOf(pid) === niceOf(process.pid));
        return;
      }
      if (written < middleOfSecond) return;
      while (segmentsFor(segments, speech.utterances[0]).length === 0) await new Promise((r) => setTimeout(r, 20));
      // The main recognizer (at this process's priority), not the interim one (which runs at nice 19).
      const mine = recognizerPids().filter((pid) => !before.has(pid) && niceOf(pid) === niceOf(process.pid));
      expect(mine.length).toBeGreaterThan(0);
      killed = mine[0];
      process.kill(killed, "SIGKILL");
    });
    await stream.end();
    expect(killed).toBeDefined();
    expect(replacement).toBeDefined();
    expect(errors).toEqual([]);
    for (let i = 0; i < SCRIPT.length; i++) expectRecognized(segments, speech, i);
    // The first utterance was final before the kill and is not repeated by the replay.
    expect(segmentsFor(segments, speech.utterances[0])).toHaveLength(1);
  });

  it("reports a recognizer that cannot run through onError and refuses audio, without throwing elsewhere", async () => {
    const stream = createPocketSphinxEngine({ binary: "/bin/false", maxRestartsPerMinute: 2 }).open({ language: "en" });
    const failure = new Promise<Error>((resolve) => stream.onError(resolve));
    const error = await failure;
    expect(error.message).toMatch(/pocketsphinx_continuous keeps stopping \(exit code 1\)/);
    await expect(stream.write(Buffer.alloc(3200))).rejects.toBe(error);
    await expect(stream.end()).resolves.toBeUndefined();
  });

  it("refuses odd-length PCM and writes after end", async () => {
    const stream = createPocketSphinxEngine().open({ language: "en" });
    await expect(stream.write(Buffer.alloc(3))).rejects.toThrow(/even number of bytes/);
    await stream.end();
    await expect(stream.write(Buffer.alloc(2))).rejects.toThrow(/has ended/);
  });

  it("abort() stops at once: its recognizers are gone, no segment or error follows, writes are refused, end() resolves", async () => {
    const speech = await speechFor("slt");
    const before = new Set(recognizerPids());
    const stream = createPocketSphinxEngine().open({ language: "en", vocabulary: ["Verbatim"] });
    const after: unknown[] = [];
    let aborted = false;
    stream.onSegment((s) => aborted && after.push(s));
    stream.onError((e) => after.push(e));
    // Into the middle of the first utterance: the recognizer is busy with speech when it is stopped.
    const half = pcmBytesForMs((speech.utterances[0].startMs + speech.utterances[0].endMs) / 2);
    await stream.write(speech.pcm.subarray(0, half - (half % 2)));
    // Its process is a shell that execs the recognizer: on a busy machine the exec may come a little later.
    const ours = () => recognizerPids().filter((pid) => !before.has(pid));
    await waitFor(() => ours().length > 0, "the stream's recognizer");
    const mine = ours();
    stream.abort();
    aborted = true;
    stream.abort(); // idempotent
    await expect(stream.write(Buffer.alloc(3200))).rejects.toThrow(/aborted/);
    await expect(stream.end()).resolves.toBeUndefined();
    for (let i = 0; i < 100 && recognizerPids().some((pid) => mine.includes(pid)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(recognizerPids().filter((pid) => mine.includes(pid))).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(after).toEqual([]);
  });
});
