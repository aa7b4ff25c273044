import { describe, expect, it } from "vitest";
import { speakingTracks } from "@/lib/speech/engine-metrics";
import { gateSpeechEngine } from "@/lib/speech/gated-stream";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine, pocketSphinxUtteranceOpener } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { RecognizerPool } from "@/lib/speech/recognizer-pool";
import type { EngineSegment, EngineStream } from "@/lib/speech/types";
import { composeSpeech, roomTone, type ComposedSpeech } from "@/lib/testing/speech";

// Real PocketSphinx on flite speech: the gate must not cost words, and times must land on the track's own timeline.
const SCRIPT = [
  { text: "The weather today is sunny and warm.", keys: ["weather", "sunny", "warm"] },
  { text: "Please send me the report by Friday.", keys: ["send", "report", "friday"] },
];

/** A gated PocketSphinx engine whose recognizer opens are counted (each is a pocketsphinx_continuous process). */
function gatedEngine(pool: RecognizerPool, interim = false) {
  const opener = pocketSphinxUtteranceOpener({ interim, interimLowPriority: false });
  const opened: { interim: boolean }[] = [];
  const engine = gateSpeechEngine(
    createPocketSphinxEngine({ interim }),
    (opts) => {
      opened.push({ interim: opts.interim });
      return opener(opts);
    },
    { pool },
  );
  return { engine, opened };
}

/** Writes in 100 ms chunks at up to 4x real time (the recognizer keeps up on a busy machine; the gate sees a live feed). */
async function feed(stream: EngineStream, pcm: Buffer) {
  const chunk = pcmBytesForMs(100);
  for (let at = 0; at < pcm.length; at += chunk) {
    await stream.write(pcm.subarray(at, at + chunk));
    await new Promise((r) => setTimeout(r, 25));
  }
}

function expectRecognizedAt(segments: EngineSegment[], speech: ComposedSpeech, index: number) {
  const u = speech.utterances[index];
  const found = segments.filter((s) => s.endMs > u.startMs && s.startMs < u.endMs);
  const words = found.flatMap((s) => s.text.split(" "));
  const hits = SCRIPT[index].keys.filter((k) => words.includes(k));
  expect(hits.length, `utterance ${index} "${u.text}" heard as "${found.map((s) => s.text).join(" / ")}"`).toBeGreaterThanOrEqual(2);
  // The same tolerance as the ungated engine's tests: times are the track's, not the recognizer's.
  expect(Math.abs(found[0].startMs - u.startMs)).toBeLessThan(400);
  expect(Math.abs(found[found.length - 1].endMs - u.endMs)).toBeLessThan(400);
}

describe("speech-gated PocketSphinx", () => {
  it("recognizes utterances far apart with a recognizer each, at the track's times, and returns them after", async () => {
    const pool = new RecognizerPool({ max: 4, waitMs: 60_000 });
    const { engine, opened } = gatedEngine(pool);
    // A long silent lead: a recognizer that heard it would report times 6 s early if the gate lost the offset. The
    // pause between the sentences is longer than the 3 s a recognizer lingers with its track.
    const speech = await composeSpeech(
      SCRIPT.map((s) => ({ text: s.text, voice: "slt" as const, pauseAfterMs: 5000 })),
      { leadMs: 6000 },
    );
    const stream = engine.open({ language: "en" });
    const finals: EngineSegment[] = [];
    stream.onSegment((s) => s.final && finals.push(s));
    await feed(stream, speech.pcm);
    await stream.end();
    expect(opened).toHaveLength(2);
    expectRecognizedAt(finals, speech, 0);
    expectRecognizedAt(finals, speech, 1);
    expect(pool.stats()).toMatchObject({ inUse: 0, queued: 0 });
    expect(speakingTracks()).toBe(0);
  }, 120_000);

  it("one person's sentences close together keep the same recognizer", async () => {
    const pool = new RecognizerPool({ max: 4, waitMs: 60_000 });
    const { engine, opened } = gatedEngine(pool);
    const speech = await composeSpeech(SCRIPT.map((s) => ({ text: s.text, voice: "rms" as const, pauseAfterMs: 1500 })));
    const stream = engine.open({ language: "en" });
    const finals: EngineSegment[] = [];
    stream.onSegment((s) => s.final && finals.push(s));
    await feed(stream, speech.pcm);
    await stream.end();
    expect(opened).toHaveLength(1);
    expectRecognizedAt(finals, speech, 0);
    expectRecognizedAt(finals, speech, 1);
    expect(pool.stats().inUse).toBe(0);
  }, 120_000);

  it("tells the recognizer when its speaker stops and starts again, so an engine can serve the awaited final first", async () => {
    const pool = new RecognizerPool({ max: 2, waitMs: 60_000 });
    const opener = pocketSphinxUtteranceOpener({ interim: false });
    const said: string[] = [];
    let finals = 0;
    const engine = gateSpeechEngine(
      createPocketSphinxEngine({ interim: false }),
      (opts) => {
        const k = said.length;
        said.push("");
        return { ...opener(opts), speakerStopped: (stopped) => (said[k] += stopped ? `stopped@${finals} ` : "speaks ") };
      },
      { pool },
    );
    // Two sentences 1.2 s apart: one recognizer (the gate lingers 3 s), told twice that the speaker stopped.
    const speech = await composeSpeech(SCRIPT.map((s, i) => ({ text: s.text, voice: "slt" as const, pauseAfterMs: i === 0 ? 1200 : 2000 })));
    const stream = engine.open({ language: "en" });
    stream.onSegment((s) => s.final && s.text && finals++);
    await feed(stream, speech.pcm);
    await stream.end();
    expect(said).toHaveLength(1);
    // The first stop is said before any final came (the final is what the stop hurries); both sentences were heard.
    expect(said[0]).toMatch(/^stopped@0 speaks stopped@\d+ $/);
    expect(finals).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it("a silent participant starts no recognizer", async () => {
    const pool = new RecognizerPool({ max: 4, waitMs: 60_000 });
    const { engine, opened } = gatedEngine(pool);
    const stream = engine.open({ language: "en" });
    const segments: EngineSegment[] = [];
    stream.onSegment((s) => segments.push(s));
    const tone = roomTone(20_000, { amplitude: 80 });
    const chunk = pcmBytesForMs(100);
    for (let at = 0; at < tone.length; at += chunk) await stream.write(tone.subarray(at, at + chunk));
    await stream.end();
    expect(opened).toHaveLength(0);
    expect(segments).toEqual([]);
    expect(pool.stats().inUse).toBe(0);
  });

  it("when every recognizer is busy, an utterance waits and is still recognized; the wait past the bound is over capacity", async () => {
    const pool = new RecognizerPool({ max: 1, waitMs: 200, overCapacityHoldMs: 60_000 });
    const { engine, opened } = gatedEngine(pool, true);
    const speeches = await Promise.all(
      (["slt", "rms"] as const).map((voice) => composeSpeech([{ text: SCRIPT[0].text, voice, pauseAfterMs: 2000 }])),
    );
    const finals: EngineSegment[][] = [[], []];
    let maxQueued = 0;
    await Promise.all(
      speeches.map(async (speech, i) => {
        const stream = engine.open({ language: "en" });
        stream.onSegment((s) => {
          if (s.final) finals[i].push(s);
          maxQueued = Math.max(maxQueued, pool.stats().queued);
        });
        const chunk = pcmBytesForMs(100);
        for (let at = 0; at < speech.pcm.length; at += chunk) {
          await stream.write(speech.pcm.subarray(at, at + chunk));
          maxQueued = Math.max(maxQueued, pool.stats().queued);
          await new Promise((r) => setTimeout(r, 25));
        }
        await stream.end();
      }),
    );
    // Both people said their sentence at once; one recognizer heard both in turn, and nothing was lost.
    expect(opened).toHaveLength(2);
    expect(maxQueued).toBe(1);
    expectRecognizedAt(finals[0], speeches[0], 0);
    expectRecognizedAt(finals[1], speeches[1], 0);
    const stats = pool.stats();
    expect(stats).toMatchObject({ inUse: 0, queued: 0, overCapacity: true });
    expect(stats.overCapacityEvents).toBeGreaterThanOrEqual(1);
    // No interim preview either: the only recognizer was needed for final text.
    expect(opened).toEqual([{ interim: false }, { interim: false }]);
  }, 120_000);
});
