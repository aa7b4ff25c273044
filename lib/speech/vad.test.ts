import { describe, expect, it } from "vitest";
import { VoiceActivityDetector, type VadEvent, type VadOptions } from "@/lib/speech/vad";
import { composeSpeech, roomTone, type ComposedSpeech } from "@/lib/testing/speech";

async function run(pcm: Buffer, chunkBytes: number, options?: VadOptions): Promise<VadEvent[]> {
  const vad = await VoiceActivityDetector.create(options);
  const events: VadEvent[] = [];
  for (let offset = 0; offset < pcm.length; offset += chunkBytes) events.push(...vad.push(pcm.subarray(offset, offset + chunkBytes)));
  events.push(...vad.flush());
  vad.destroy();
  return events;
}

/** Start/end pairs; fails the test if events do not alternate start, end, start, end. */
function spans(events: VadEvent[]): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  for (let i = 0; i < events.length; i += 2) {
    expect(events[i].type).toBe("start");
    expect(events[i + 1]?.type).toBe("end");
    out.push({ startMs: events[i].ms, endMs: events[i + 1].ms });
  }
  return out;
}

function whiteNoise(ms: number, amplitude: number, seed = 99): Buffer {
  const out = Buffer.alloc(ms * 32);
  let state = seed;
  for (let i = 0; i < out.length; i += 2) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.writeInt16LE(Math.round(((state / 2 ** 32) * 2 - 1) * amplitude), i);
  }
  return out;
}

function mainsHum(ms: number, amplitude: number): Buffer {
  const out = Buffer.alloc(ms * 32);
  for (let i = 0; i < out.length / 2; i++) {
    const t = i / 16_000;
    out.writeInt16LE(Math.round(amplitude * Math.sin(2 * Math.PI * 50 * t) + (amplitude / 3) * Math.sin(2 * Math.PI * 150 * t)), i * 2);
  }
  return out;
}

function mix(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i + 1 < a.length; i += 2) {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, a.readInt16LE(i) + (i + 1 < b.length ? b.readInt16LE(i) : 0))), i);
  }
  return out;
}

let conversation: Promise<ComposedSpeech> | undefined;
const threeUtterances = () =>
  (conversation ??= composeSpeech([
    { text: "Good morning everyone, let us start with the budget.", voice: "slt", pauseAfterMs: 1500 },
    { text: "The release moves to the twenty ninth of March.", voice: "rms", pauseAfterMs: 1200 },
    { text: "Thank you.", voice: "awb", pauseAfterMs: 1000 },
  ]));

describe("VoiceActivityDetector", () => {
  it("finds each flite utterance once, with pre-roll before its first word and the end after its last", async () => {
    const speech = await threeUtterances();
    const found = spans(await run(speech.pcm, 3200));
    expect(found).toHaveLength(speech.utterances.length);
    for (const [i, u] of speech.utterances.entries()) {
      // The pre-roll (300 ms) reaches before the first voiced frame, which is at or before the loud part of the speech
      // (`u.startMs` is where the speech passes a fixed level; a soft onset comes a little earlier).
      expect(found[i].startMs).toBeLessThanOrEqual(u.startMs - 200);
      expect(found[i].startMs).toBeGreaterThanOrEqual(u.startMs - 600);
      expect(found[i].endMs).toBeGreaterThanOrEqual(u.endMs);
      expect(found[i].endMs).toBeLessThanOrEqual(u.endMs + 300);
      if (i > 0) expect(found[i].startMs).toBeGreaterThanOrEqual(found[i - 1].endMs);
    }
  });

  it("reports the same sample offsets whatever the chunk sizes", async () => {
    const speech = await threeUtterances();
    const reference = await run(speech.pcm, speech.pcm.length);
    expect(reference.length).toBeGreaterThan(0);
    for (const chunk of [2, 318, 640, 4802]) expect(await run(speech.pcm, chunk)).toEqual(reference);
    // Sample offsets and ms agree on the 16 kHz timeline.
    for (const e of reference) expect(e.ms).toBe(e.sample / 16);
  });

  it("hears no speech in room tone, digital silence, steady hiss or mains hum", async () => {
    expect(await run(roomTone(10_000), 3200)).toEqual([]);
    expect(await run(Buffer.alloc(10_000 * 32), 3200)).toEqual([]);
    expect(await run(whiteNoise(10_000, 2000), 3200)).toEqual([]);
    expect(await run(whiteNoise(10_000, 8000), 3200)).toEqual([]);
    expect(await run(mainsHum(10_000, 3000), 3200)).toEqual([]);
    // Hiss that starts suddenly after quiet, before the noise floor has caught up with it.
    expect(await run(Buffer.concat([roomTone(2000), whiteNoise(5000, 3000)]), 3200)).toEqual([]);
    expect(await run(Buffer.concat([Buffer.alloc(2000 * 32), whiteNoise(5000, 3000)]), 3200)).toEqual([]);
  });

  it("still hears speech over steady noise", async () => {
    const speech = await threeUtterances();
    const noisy = mix(speech.pcm, whiteNoise(speech.pcm.length / 32 + 1, 400));
    const found = spans(await run(noisy, 3200));
    expect(found).toHaveLength(speech.utterances.length);
    for (const [i, u] of speech.utterances.entries()) {
      expect(found[i].startMs).toBeLessThan(u.startMs);
      expect(found[i].endMs).toBeGreaterThanOrEqual(u.endMs);
    }
  });

  it("cuts long speech at a short pause once it passes the maximum length, never inside a word", async () => {
    const sentences = [
      "We reviewed the quarterly numbers in detail.",
      "Revenue grew in every region except the north.",
      "The team will present the plan next Monday.",
      "Please send your comments before Friday noon.",
      "Marketing asked for a larger budget this year.",
    ];
    const speech = await composeSpeech(sentences.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 0 })));
    const events = await run(speech.pcm, 3200, { maxSpeechMs: 5000, hardMaxSpeechMs: 20_000 });
    const found = spans(events);
    // Without the cut it is one utterance (flite's own pauses between sentences are shorter than the hangover).
    expect(spans(await run(speech.pcm, 3200, { maxSpeechMs: 0 }))).toHaveLength(1);
    expect(found.length).toBeGreaterThan(1);
    expect(events.filter((e) => e.reason === "cut").length).toBe(found.length - 1);
    for (const cut of events.filter((e) => e.reason === "cut")) {
      const insideWord = speech.utterances.some((u) => cut.ms > u.startMs && cut.ms < u.endMs);
      expect(insideWord, `cut at ${cut.ms} ms is inside an utterance`).toBe(false);
    }
    // Consecutive pieces follow each other across the short pause (the next one's pre-roll reaches back into it).
    for (let i = 1; i < found.length; i++) {
      expect(found[i].startMs).toBeGreaterThanOrEqual(found[i - 1].endMs);
      expect(found[i].startMs - found[i - 1].endMs).toBeLessThan(300);
    }
  });

  it("cuts unbroken speech at the hard maximum and goes on at once", async () => {
    const speech = await composeSpeech([{ text: "We reviewed the quarterly numbers in detail and found nothing new.", voice: "slt" }]);
    const found = spans(await run(speech.pcm, 3200, { maxSpeechMs: 1000, cutPauseMs: 5000, hardMaxSpeechMs: 1000 }));
    expect(found.length).toBeGreaterThan(2);
    for (let i = 1; i < found.length; i++) expect(found[i].startMs).toBe(found[i - 1].endMs);
    for (const f of found.slice(0, -1)) expect(f.endMs - f.startMs).toBeLessThanOrEqual(1020);
  });

  it("ends open speech at flush, where the voice stopped", async () => {
    const speech = await composeSpeech([{ text: "Good morning everyone.", voice: "rms", pauseAfterMs: 100 }]);
    const vad = await VoiceActivityDetector.create();
    const before = vad.push(speech.pcm);
    expect(before.map((e) => e.type)).toEqual(["start"]);
    expect(vad.inSpeech).toBe(true);
    const [end] = vad.flush();
    expect(end).toMatchObject({ type: "end", reason: "flush" });
    expect(end.ms).toBeGreaterThanOrEqual(speech.utterances[0].endMs);
    expect(end.ms).toBeLessThanOrEqual(speech.pcm.length / 32);
    expect(vad.inSpeech).toBe(false);
  });

  it("refuses an odd number of bytes", async () => {
    const vad = await VoiceActivityDetector.create();
    expect(() => vad.push(Buffer.alloc(3))).toThrow(/even number of bytes/);
  });
});
