// Measures a speech engine's end-of-utterance → final-segment latency by streaming composed speech in real time.
import { PCM_SAMPLE_RATE, pcmBytesForMs } from "@/lib/speech/pcm";
import type { EngineSegment, SpeechEngine } from "@/lib/speech/types";
import type { ComposedSpeech } from "@/lib/testing/speech";

export type LatencyRun = {
  /** Per utterance: ms from the moment its last speech sample was written to the moment its final segment arrived. */
  latenciesMs: number[];
  segments: EngineSegment[];
  /** Utterances that no final segment covered. */
  missed: number;
};

/** Streams `speech` into a fresh engine stream at `speed` × real time in `chunkMs` chunks (as a browser would). */
export async function measureFinalLatency(
  engine: SpeechEngine,
  speech: ComposedSpeech,
  opts: { chunkMs?: number; speed?: number; language?: string } = {},
): Promise<LatencyRun> {
  const chunkMs = opts.chunkMs ?? 100;
  const speed = opts.speed ?? 1;
  const stream = engine.open({ language: opts.language ?? "en" });
  const segments: { segment: EngineSegment; at: number }[] = [];
  stream.onSegment((segment) => {
    if (segment.final) segments.push({ segment, at: performance.now() });
  });
  const written: { endMs: number; at: number }[] = [];
  const chunkBytes = pcmBytesForMs(chunkMs);
  const started = performance.now();
  for (let offset = 0; offset < speech.pcm.length; offset += chunkBytes) {
    const chunk = speech.pcm.subarray(offset, offset + chunkBytes);
    const due = started + ((offset / 2 / PCM_SAMPLE_RATE) * 1000) / speed;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await stream.write(chunk);
    written.push({ endMs: ((offset + chunk.length) / 2 / PCM_SAMPLE_RATE) * 1000, at: performance.now() });
  }
  await stream.end();
  const latenciesMs: number[] = [];
  let missed = 0;
  for (const u of speech.utterances) {
    const writtenAt = written.find((w) => w.endMs >= u.endMs)?.at;
    // The final segment that covers this utterance's end is the first one ending after its speech.
    const final = segments.find((s) => s.segment.endMs >= u.endMs - 300 && s.segment.startMs <= u.endMs);
    if (writtenAt === undefined || !final) missed++;
    else latenciesMs.push(final.at - writtenAt);
  }
  return { latenciesMs, segments: segments.map((s) => s.segment), missed };
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
