// What the engine layer counts for operators (/metrics, /api/health): speaking tracks, recognizer restarts, end-of-utterance latency.
import type { RecognizerPool } from "@/lib/speech/recognizer-pool";

type LatencyObserver = (seconds: number) => void;
type EngineMetrics = { speaking: number; restarts: number; latencyObservers: LatencyObserver[]; pool?: RecognizerPool };

// On globalThis: Next.js may load this module once per bundle, and every copy must count into the same place.
const key = Symbol.for("verbatim.engine-metrics");
type Holder = { [key]?: EngineMetrics };

export function engineMetrics(): EngineMetrics {
  const holder = globalThis as Holder;
  holder[key] ??= { speaking: 0, restarts: 0, latencyObservers: [] };
  return holder[key];
}

/** An engine restarted a recognizer that died mid-stream. */
export function countEngineRestart(): void {
  engineMetrics().restarts++;
}

/** How many tracks are in an utterance now, across the process. */
export function speakingTracks(): number {
  return engineMetrics().speaking;
}

/** Called with the time from the end of an utterance's audio arriving to its final segment. */
export function onFinalLatency(cb: LatencyObserver): void {
  engineMetrics().latencyObservers.push(cb);
}

export function observeFinalLatency(seconds: number): void {
  for (const cb of engineMetrics().latencyObservers) cb(seconds);
}
