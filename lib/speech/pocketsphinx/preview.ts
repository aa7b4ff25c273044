// Interim text for PocketSphinx. pocketsphinx_continuous prints a hypothesis only when an utterance ends, so a second,
// lighter recognizer previews the utterance in progress: about once a second while someone speaks, it hears the
// utterance from its beginning up to now, followed by a moment of quiet that makes it answer. Each answer is the whole
// utterance so far, so the interim text grows and firms up, and the main recognizer's final segment replaces it.
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import { HypothesisReader, hypothesisText, spokenWords, type Hypothesis } from "@/lib/speech/pocketsphinx/output";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";

/** What the preview heard of the utterance in progress, in samples of the stream's own timeline. */
export type PreviewPiece = { tick: number; startSample: number; endSample: number; text: string };

export type PreviewOptions = {
  spawn: () => ChildProcess;
  onPiece: (piece: PreviewPiece) => void;
  /** How often, in ms of audio, the utterance in progress is previewed while speech goes on. */
  everyMs?: number;
  /** The longest utterance previewed whole; of a longer one, the latest part only. */
  maxWindowMs?: number;
  /** Run the recognizer at the lowest CPU priority (default), so that on a busy machine finals come first. */
  lowPriority?: boolean;
  /** More deaths than this within a minute turn the preview off for the stream (finals are unaffected). */
  maxRestartsPerMinute?: number;
  onDisabled?: (reason: string) => void;
};

const FRAME_SAMPLES = PCM_SAMPLE_RATE / 100;
const FRAME_BYTES = FRAME_SAMPLES * 2;
/** A preview with no answer by then (the recognizer heard no speech in it) no longer holds the next one back. */
const AWAIT_LIMIT_MS = 1500;
/** Speech shorter than this is not previewed: too little for the recognizer to say anything useful, or to answer at all. */
const MIN_SPEECH_SAMPLES = (PCM_SAMPLE_RATE * 7) / 10;
/** Audio before the first loud frame that is previewed too: a word's soft onset. */
const LEAD_SAMPLES = (PCM_SAMPLE_RATE * 3) / 10;
/**
 * Four of the recognizer's 2048-sample reads of faint noise (512 ms): longer than its end-of-utterance pause (30 frames)
 * wherever the read boundaries fall. Not exact zeros, which its voice-activity detector mistakes.
 */
const PAUSE = (() => {
  const out = Buffer.alloc(8192 * 2);
  let state = 0x9e3779b9;
  for (let i = 0; i < out.length; i += 2) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.writeInt16LE(Math.round(((state / 2 ** 32) * 2 - 1) * 40), i);
  }
  return out;
})();

/**
 * The preview recognizer's options on top of the engine's. No second (flat) search pass: a fifth less CPU, previews as
 * good. A 30-frame end-of-utterance pause, which PAUSE always covers whatever the operator set for the final recognizer;
 * a short one (100 ms) cut the preview into phrases recognized without their context, mostly wrong words.
 */
export const PREVIEW_ARGS = ["-vad_postspeech", "30", "-fwdflat", "no"];

/** One preview: which stream samples it heard and where they sit in what the recognizer heard. */
type Tick = { id: number; previewStart: number; previewEnd: number; realStart: number };
type Proc = { child: ChildProcess; samples: number; ticks: Tick[]; closed: boolean };

/**
 * A rough voice-activity detector: mean absolute amplitude per 10 ms frame against a tracked noise floor. It only
 * decides when a preview is worth running; the recognizer's own detector decides what is speech.
 */
class LoudnessGate {
  private floor = 0;
  private frames = 0;

  isSpeech(frame: Buffer): boolean {
    let sum = 0;
    for (let i = 0; i + 1 < frame.length; i += 2) sum += Math.abs(((frame[i] | (frame[i + 1] << 8)) << 16) >> 16);
    const level = sum / (frame.length / 2);
    // The floor follows quiet frames at once and loud ones very slowly, so speech does not raise it.
    this.floor = this.frames++ === 0 || level < this.floor ? level : this.floor + (level - this.floor) * 0.002;
    return level > Math.max(4 * this.floor, 60);
  }
}

export class PocketSphinxPreview {
  private proc: Proc | undefined;
  private realSamples = 0;
  /** Audio since the last final segment's end (capped at maxWindowMs): the utterance in progress and its lead-in. */
  private window: Buffer[] = [];
  private windowBytes = 0;
  private windowStart = 0;
  /** The preview being recognized: the next waits for its answer, so a busy machine previews less, never falls behind. */
  private awaiting: { tick: number; since: number } | undefined;
  private firstSpeech: number | undefined;
  private lastSpeech = -1;
  private lastTickAt = 0;
  private tickIds = 0;
  /** A preview fell due while the recognizer was busy with the last one. */
  private pending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private drainAwaitedOn: NodeJS.WritableStream | undefined;
  private partial = Buffer.alloc(0);
  private readonly gate = new LoudnessGate();
  private deaths: number[] = [];
  private stopped = false;
  private started = false;
  private readonly everySamples: number;
  private readonly maxWindowBytes: number;

  constructor(private readonly opts: PreviewOptions) {
    this.everySamples = Math.round(((opts.everyMs ?? 1000) * PCM_SAMPLE_RATE) / 1000);
    this.maxWindowBytes = Math.round(((opts.maxWindowMs ?? 10_000) * PCM_SAMPLE_RATE * 2) / 1000);
    // The recognizer starts with the first speech (see scan): a participant who never speaks costs no second process.
  }

  /** The stream's next audio (never awaited: the preview must not slow the real recognizer down). */
  write(pcm: Buffer) {
    if (this.stopped) return;
    this.window.push(pcm);
    this.windowBytes += pcm.length;
    this.scan(pcm);
    this.realSamples += pcm.length / 2;
    // Trimmed with some slack, so a long utterance is not trimmed (and copied) again on every write.
    if (this.windowBytes > this.maxWindowBytes) this.dropBefore(this.realSamples - (this.maxWindowBytes * 0.8) / 2, { rescan: false });
    const due = this.realSamples - this.lastTickAt >= this.everySamples;
    const speaking = this.firstSpeech !== undefined && this.lastSpeech > this.lastTickAt && this.realSamples - this.firstSpeech >= MIN_SPEECH_SAMPLES;
    if (due && speaking) this.tick();
  }

  /** The main recognizer finished the utterance up to `sample`: preview only what comes after it. */
  settle(sample: number) {
    if (sample <= this.windowStart) return;
    this.dropBefore(Math.min(sample, this.realSamples));
    this.lastTickAt = this.realSamples; // the next preview waits for new speech
    this.pending = false;
  }

  /** Ends the preview: nothing is reported after this. */
  stop() {
    this.stopped = true;
    this.pending = false;
    clearTimeout(this.retryTimer);
    const proc = this.proc;
    this.proc = undefined;
    this.window = [];
    this.windowBytes = 0;
    if (proc && !proc.closed) proc.child.kill("SIGKILL");
  }

  /** Marks where speech starts and last was, 10 ms frame by frame (a frame may span two writes). */
  private scan(pcm: Buffer) {
    let data = this.partial.length ? Buffer.concat([this.partial, pcm]) : pcm;
    let at = this.realSamples - this.partial.length / 2;
    while (data.length >= FRAME_BYTES) {
      if (this.gate.isSpeech(data.subarray(0, FRAME_BYTES))) {
        if (this.firstSpeech === undefined) this.firstSpeech = at;
        if (!this.started) {
          this.started = true;
          this.proc = this.start();
        }
        this.lastSpeech = at + FRAME_SAMPLES;
      }
      data = data.subarray(FRAME_BYTES);
      at += FRAME_SAMPLES;
    }
    this.partial = Buffer.from(data);
  }

  /** Drops audio before `sample`; `rescan` looks for where speech starts in what is left (after a final segment). */
  private dropBefore(sample: number, opts: { rescan: boolean } = { rescan: true }) {
    let drop = Math.max(0, (sample - this.windowStart) * 2);
    while (drop > 0 && this.window.length > 0) {
      const first = this.window[0];
      if (first.length <= drop) {
        this.window.shift();
        drop -= first.length;
        this.windowBytes -= first.length;
      } else {
        this.window[0] = first.subarray(drop);
        this.windowBytes -= drop;
        drop = 0;
      }
    }
    this.windowStart = sample;
    if (this.firstSpeech !== undefined && this.firstSpeech < sample) {
      // Speech went on past the cut: a long utterance starts at the cut; after a final, the next one may start later.
      if (this.lastSpeech <= sample) this.firstSpeech = undefined;
      else this.firstSpeech = opts.rescan ? this.findSpeech() ?? sample : sample;
    }
  }

  private findSpeech(): number | undefined {
    const gate = new LoudnessGate();
    const audio = Buffer.concat(this.window);
    for (let i = 0; i + FRAME_BYTES <= audio.length; i += FRAME_BYTES) {
      if (gate.isSpeech(audio.subarray(i, i + FRAME_BYTES))) return this.windowStart + i / 2;
    }
    return undefined;
  }

  /** Previews the utterance so far: its audio from just before the first loud frame, then a pause to end it. */
  private tick() {
    const proc = this.proc;
    if (!proc || proc.closed || !proc.child.stdin || proc.child.stdin.destroyed) {
      this.lastTickAt = this.realSamples;
      return;
    }
    // Still busy with the last preview: this one waits, and runs (on the audio as it is then) as soon as that is done,
    // so a slow machine previews less often but never falls behind, and speech that goes on is always previewed.
    // Audio the recognizer has not even read yet counts as busy, so what waits for it is bounded by one preview.
    const stdin = proc.child.stdin;
    const awaitLeft = this.awaiting ? AWAIT_LIMIT_MS - (Date.now() - this.awaiting.since) : 0;
    if (stdin.writableLength > 0 || awaitLeft > 0) {
      this.pending = true;
      if (stdin.writableLength > 0) {
        if (this.drainAwaitedOn !== stdin) {
          this.drainAwaitedOn = stdin;
          stdin.once("drain", () => {
            this.drainAwaitedOn = undefined;
            this.retryPending();
          });
        }
      } else {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.retryPending(), awaitLeft);
      }
      return;
    }
    this.pending = false;
    clearTimeout(this.retryTimer);
    this.lastTickAt = this.realSamples;
    const from = Math.max(this.windowStart, (this.firstSpeech ?? this.windowStart) - LEAD_SAMPLES);
    const audio = Buffer.concat(this.window).subarray((from - this.windowStart) * 2);
    if (audio.length === 0) return;
    const tick: Tick = { id: ++this.tickIds, previewStart: proc.samples, previewEnd: proc.samples + (audio.length + PAUSE.length) / 2, realStart: from };
    proc.ticks.push(tick);
    if (proc.ticks.length > 64) proc.ticks.splice(0, 32);
    proc.samples = tick.previewEnd;
    this.awaiting = { tick: tick.id, since: Date.now() };
    proc.child.stdin.write(audio);
    proc.child.stdin.write(PAUSE);
  }

  /** The preview that waited for the recognizer to be free, now that it may be. */
  private retryPending() {
    if (this.pending && !this.stopped) this.tick();
  }

  private start(): Proc {
    const child = this.opts.spawn();
    this.awaiting = undefined;
    // The lowest CPU priority: on a busy machine the final segments come first and previews get what is left.
    if (child.pid && this.opts.lowPriority !== false) {
      try {
        os.setPriority(child.pid, 19);
      } catch {
        // not permitted here; the preview then competes as an equal
      }
    }
    const proc: Proc = { child, samples: 0, ticks: [], closed: false };
    const output = new HypothesisReader((h) => this.onHypothesis(proc, h));
    child.stdin?.on("error", () => {}); // EPIPE after a death; handled on close
    child.stderr?.resume();
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      if (this.proc === proc && !this.stopped) output.push(text);
    });
    child.on("error", () => {});
    child.on("close", () => {
      proc.closed = true;
      if (this.proc !== proc || this.stopped) return;
      const now = Date.now();
      this.deaths = this.deaths.filter((t) => now - t < 60_000);
      this.deaths.push(now);
      if (this.deaths.length > (this.opts.maxRestartsPerMinute ?? 3)) {
        this.proc = undefined;
        this.stopped = true;
        this.window = [];
        this.windowBytes = 0;
        this.opts.onDisabled?.("the interim recognizer keeps stopping");
        return;
      }
      this.proc = this.start();
    });
    return proc;
  }

  private onHypothesis(proc: Proc, block: Hypothesis) {
    if (this.proc !== proc || this.stopped) return;
    // Any answer, even an empty one, means the recognizer got through the preview before it.
    const lastWord = block.words[block.words.length - 1];
    if (this.awaiting && lastWord) {
      const endSample = Math.round(lastWord.endSec * PCM_SAMPLE_RATE);
      const awaited = proc.ticks.find((t) => t.id === this.awaiting!.tick);
      if (!awaited || endSample >= awaited.previewStart) {
        this.awaiting = undefined;
        queueMicrotask(() => this.retryPending());
      }
    }
    const text = hypothesisText(block);
    const spoken = spokenWords(block);
    if (!text || spoken.length === 0) return;
    const first = Math.round(spoken[0].startSec * PCM_SAMPLE_RATE);
    const tick = proc.ticks.find((t) => t.previewStart <= first && first < t.previewEnd);
    if (!tick) return;
    const toReal = (p: number) => Math.min(this.realSamples, tick.realStart + Math.max(0, p - tick.previewStart));
    const startSample = toReal(first);
    const endSample = Math.max(startSample, toReal(Math.round(spoken[spoken.length - 1].endSec * PCM_SAMPLE_RATE) + FRAME_SAMPLES));
    this.opts.onPiece({ tick: tick.id, startSample, endSample, text });
  }
}
