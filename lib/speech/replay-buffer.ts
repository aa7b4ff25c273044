// The audio of one track since its last final segment, kept so a reconnected or restarted engine hears it again.
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";

const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

/**
 * 16 kHz mono s16le PCM on the stream's timeline (sample 0 is the first byte ever written). Holds the audio from
 * `startSample` to `endSample`: what no final segment has settled yet. Memory is bounded by `limitMs`: audio older than
 * that is dropped (and counted) even before a final settles it, so a recognizer that never finalizes cannot grow it.
 */
export class ReplayBuffer {
  private pieces: Buffer[] = [];
  private start = 0;
  private end = 0;
  private dropped = 0;
  private readonly limitSamples: number;

  constructor(opts: { limitMs?: number } = {}) {
    this.limitSamples = Math.round((opts.limitMs ?? 60_000) * SAMPLES_PER_MS);
  }

  /** Where the held audio starts, in samples of the stream's timeline. */
  get startSample(): number {
    return this.start;
  }

  /** Samples written so far (the end of the stream's timeline). */
  get endSample(): number {
    return this.end;
  }

  get startMs(): number {
    return this.start / SAMPLES_PER_MS;
  }

  get bytes(): number {
    return (this.end - this.start) * 2;
  }

  /** Samples given up because they were older than the limit when no final had settled them. */
  get droppedSamples(): number {
    return this.dropped;
  }

  /** Adds audio at the end of the timeline. */
  append(pcm: Buffer): void {
    if (pcm.length % 2 !== 0) throw new Error("PCM must have an even number of bytes.");
    if (pcm.length === 0) return;
    this.pieces.push(pcm);
    this.end += pcm.length / 2;
    const excess = this.end - this.start - this.limitSamples;
    if (excess > 0) {
      this.dropped += excess;
      this.settleUpTo(this.start + excess);
    }
  }

  /** The audio before `sample` is settled (a final segment covers it): it is never replayed. */
  settleUpTo(sample: number): void {
    let drop = Math.min(Math.floor(sample), this.end) - this.start;
    while (drop > 0 && this.pieces.length > 0) {
      const first = this.pieces[0];
      const samples = first.length / 2;
      if (samples <= drop) {
        this.pieces.shift();
        this.start += samples;
        drop -= samples;
      } else {
        this.pieces[0] = first.subarray(drop * 2);
        this.start += drop;
        drop = 0;
      }
    }
  }

  /** The held audio, in order, as pieces of at most `maxBytes` (for sending again). */
  chunks(maxBytes = 64 * 1024): Buffer[] {
    const out: Buffer[] = [];
    for (const piece of this.pieces) {
      for (let at = 0; at < piece.length; at += maxBytes) out.push(piece.subarray(at, at + maxBytes));
    }
    return out;
  }

  /** Forgets everything (the stream failed or ended). */
  clear(): void {
    this.pieces = [];
    this.start = this.end;
  }
}
