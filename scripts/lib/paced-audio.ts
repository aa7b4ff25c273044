// Streams PCM at real time (or N× faster), as a media server or a microphone would: a piece is released only when it is due.
import { PCM_BYTES_PER_SECOND } from "@/lib/speech/pcm";

export type PacingClock = {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
};

export const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export type PacingOptions = {
  /** 1 = real time; 4 = four times faster. */
  speed?: number;
  /** Audio per piece; 100 ms by default (small enough for low latency, big enough to be cheap). */
  pieceMs?: number;
  clock?: PacingClock;
  /** Called after each piece is handed over, with the audio time (ms) it ends at and the clock time it left. */
  onPiece?: (audioEndMs: number, sentAt: number) => void;
  /**
   * Holds the stream at an audio time until a promise settles, as a speaker who stops mid-word: a test waits there for
   * something that must happen while the utterance is still going on (interim text), whatever the machine's load.
   * The pace restarts from the hold, so the audio after it is not sent in a burst.
   */
  holds?: { atMs: number; until: () => Promise<unknown> }[];
};

export type Piece = { offset: number; length: number; dueMs: number };

/**
 * The pieces of `totalBytes` of 16 kHz mono s16le PCM and when each is due, in ms after the start. Piece i is due
 * when the audio before it has played, so the first goes at once and the stream keeps pace with the audio it carries.
 */
export function pieceSchedule(totalBytes: number, opts: { speed?: number; pieceMs?: number } = {}): Piece[] {
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be above 0, got ${speed}`);
  const pieceMs = opts.pieceMs ?? 100;
  const pieceBytes = Math.max(2, Math.round((pieceMs / 1000) * PCM_BYTES_PER_SECOND) & ~1);
  const pieces: Piece[] = [];
  for (let offset = 0; offset < totalBytes; offset += pieceBytes) {
    pieces.push({
      offset,
      length: Math.min(pieceBytes, totalBytes - offset),
      dueMs: ((offset / PCM_BYTES_PER_SECOND) * 1000) / speed,
    });
  }
  return pieces;
}

/**
 * A ReadableStream of `pcm` released at the pace of the audio. Pull-based: a consumer that reads slowly (server
 * backpressure) is never flooded, and the pace then catches up without bursts beyond what is already due.
 */
export function pacedPcmStream(pcm: Buffer, opts: PacingOptions = {}): ReadableStream<Uint8Array> {
  const clock = opts.clock ?? realClock;
  const pieces = pieceSchedule(pcm.length, opts);
  const holds = [...(opts.holds ?? [])].sort((a, b) => a.atMs - b.atMs);
  let index = 0;
  let startedAt: number | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index >= pieces.length) {
        controller.close();
        return;
      }
      startedAt ??= clock.now();
      const piece = pieces[index++];
      const pieceStartMs = (piece.offset / PCM_BYTES_PER_SECOND) * 1000;
      while (holds.length > 0 && holds[0].atMs <= pieceStartMs) {
        const held = clock.now();
        await holds.shift()!.until();
        startedAt += clock.now() - held;
      }
      const wait = startedAt + piece.dueMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
      // A copy: the consumer may keep or transfer the bytes.
      controller.enqueue(new Uint8Array(pcm.subarray(piece.offset, piece.offset + piece.length)));
      opts.onPiece?.(((piece.offset + piece.length) / PCM_BYTES_PER_SECOND) * 1000, clock.now());
    },
  }, { highWaterMark: 0 });
}
