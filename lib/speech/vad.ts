// Voice activity detection for 16 kHz mono s16le streams: speech start/end on the stream's sample timeline, for every engine.
import buildFvad, { type VAD as Fvad } from "@ozymandiasthegreat/vad/lib/embedded.js";

/** 16 kHz mono s16le, as everywhere in the pipeline. */
const SAMPLE_RATE = 16_000;
const SAMPLES_PER_MS = SAMPLE_RATE / 1000;
/** WebRTC's VAD takes 10, 20 or 30 ms frames; 20 ms keeps the per-call overhead low and the timing fine enough. */
const FRAME_MS = 20;
const FRAME_SAMPLES = FRAME_MS * SAMPLES_PER_MS;

export type VadOptions = {
  /**
   * WebRTC VAD aggressiveness, 0 (most speech kept) … 3 (most non-speech dropped). Default 3: noise and room tone must
   * not become utterances sent to a recognizer (Whisper invents sentences on noise), while speech still triggers it.
   */
  mode?: 0 | 1 | 2 | 3;
  /** Audio kept before the first voiced frame, so the start of the first word (often a soft consonant) is not cut. */
  preRollMs?: number;
  /** Silence after speech that ends it (the hangover). Shorter pauses inside a sentence keep the utterance whole. */
  hangoverMs?: number;
  /** Audio kept after the last voiced frame (a trailing fricative, a word's decay); at most the hangover. */
  postRollMs?: number;
  /** Voiced frames needed within `startWindowMs` to open speech: one loud click is not speech. */
  minSpeechMs?: number;
  startWindowMs?: number;
  /** Frames quieter than this (RMS of s16 samples) are never speech, whatever the classifier says. */
  minRms?: number;
  /**
   * The noise floor is the quietest frame of the last `noiseFloorWindowMs`; a frame less than `minSnrDb` above it is
   * not speech. Speech dips between syllables, steady noise does not: a fan, hum or hiss that the classifier takes for
   * a voice stops counting once it has filled the window.
   */
  noiseFloorWindowMs?: number;
  minSnrDb?: number;
  /**
   * Speech opens only on frames whose zero-crossing rate (crossings per sample) is below this: every utterance has
   * vowels (few crossings), hiss and broadband noise have many (white noise about 0.5). Inside speech, frames with
   * many crossings (s, f, sh) still count.
   */
  maxStartZcr?: number;
  /**
   * Past this length, speech is cut at the next short pause (`cutPauseMs`), so an utterance sent as one request stays
   * bounded; past `hardMaxSpeechMs` it is cut where it is. 0 turns cutting off.
   */
  maxSpeechMs?: number;
  cutPauseMs?: number;
  hardMaxSpeechMs?: number;
};

/** Where speech begins (pre-roll included) or ends (post-roll included), in samples and ms since the stream's first byte. */
export type VadEvent = {
  type: "start" | "end";
  sample: number;
  ms: number;
  /** End events: why speech ended here. */
  reason?: "pause" | "cut" | "flush";
  /** Start events: where the voice itself was first heard (no pre-roll), for timestamps. */
  voiceSample?: number;
};

let fvadClass: Promise<typeof Fvad> | undefined;

/**
 * libfvad (the WebRTC VAD, a small GMM classifier) compiled to WebAssembly, from @ozymandiasthegreat/vad. Its build with
 * the binary inside the JavaScript is used so that no bundler has to find a .wasm file; it is instantiated once per
 * process and each detector allocates its own state in it.
 */
function loadFvad(): Promise<typeof Fvad> {
  fvadClass ??= buildFvad();
  return fvadClass;
}

const DEFAULTS: Required<VadOptions> = {
  mode: 3,
  preRollMs: 300,
  hangoverMs: 600,
  postRollMs: 200,
  minSpeechMs: 60,
  startWindowMs: 200,
  minRms: 90,
  noiseFloorWindowMs: 1500,
  minSnrDb: 9,
  maxStartZcr: 0.3,
  maxSpeechMs: 15_000,
  cutPauseMs: 200,
  hardMaxSpeechMs: 25_000,
};

/**
 * Feeds on PCM in any chunk sizes; returns speech start/end events in stream order. An end is reported once the
 * hangover has passed (or at a cut, or at `flush()`), so events come a little after the audio they describe.
 */
export class VoiceActivityDetector {
  private readonly opts: Required<VadOptions>;
  private readonly fvad: Fvad;
  private readonly frame = new Int16Array(FRAME_SAMPLES);
  private frameFill = 0;
  /** Samples consumed into whole frames (the next frame starts here). */
  private framesEndSample = 0;
  private speaking = false;
  private speechStartSample = 0;
  private lastVoicedEndSample = 0;
  /** Recent frame decisions (1 voiced) while not speaking, to require several voiced frames before a start. */
  private recent: { startSample: number; voiced: boolean }[] = [];
  /** Zero-crossing rate of the last classified frame. */
  private zcr = 0;
  /** Where the last speech ended: the next start's pre-roll never reaches back before it. */
  private lastEndSample = 0;
  private destroyed = false;
  /** Mean square of the frames in the noise-floor window, oldest first (a ring). */
  private readonly energies: Float64Array;
  private energyCount = 0;
  private readonly snrFactor: number;

  /** A detector for one stream (the WebAssembly module is loaded on first use). */
  static async create(options: VadOptions = {}): Promise<VoiceActivityDetector> {
    return new VoiceActivityDetector(await loadFvad(), options);
  }

  private constructor(Classifier: typeof Fvad, options: VadOptions) {
    this.opts = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    this.fvad = new Classifier(this.opts.mode, SAMPLE_RATE);
    this.energies = new Float64Array(Math.max(1, Math.round(this.opts.noiseFloorWindowMs / FRAME_MS)));
    this.snrFactor = 10 ** (this.opts.minSnrDb / 10);
  }

  /** Whether speech is open now (started, not yet ended). */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Samples of the stream processed so far (whole frames). */
  get processedSamples(): number {
    return this.framesEndSample;
  }

  /** Where the open speech began (pre-roll included); meaningful while `inSpeech`. */
  get openSpeechStartSample(): number {
    return this.speechStartSample;
  }

  /** Consumes 16 kHz mono s16le PCM (an even number of bytes); returns the events it completes. */
  push(pcm: Buffer): VadEvent[] {
    if (this.destroyed) throw new Error("The voice activity detector was destroyed.");
    if (pcm.length % 2 !== 0) throw new Error("PCM must have an even number of bytes.");
    const events: VadEvent[] = [];
    const samples = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    const aligned = pcm.byteOffset % 2 === 0;
    for (let i = 0; i < pcm.length / 2; ) {
      const take = Math.min(FRAME_SAMPLES - this.frameFill, pcm.length / 2 - i);
      if (aligned) this.frame.set(samples.subarray(i, i + take), this.frameFill);
      else for (let k = 0; k < take; k++) this.frame[this.frameFill + k] = pcm.readInt16LE((i + k) * 2);
      this.frameFill += take;
      i += take;
      if (this.frameFill === FRAME_SAMPLES) {
        this.onFrame(this.classify(), events);
        this.frameFill = 0;
      }
    }
    return events;
  }

  /** The stream ended: open speech ends where its voice did (plus post-roll, within what was heard). */
  flush(): VadEvent[] {
    const events: VadEvent[] = [];
    if (this.speaking) {
      const heard = this.framesEndSample + this.frameFill;
      this.endSpeech(Math.min(heard, this.lastVoicedEndSample + this.opts.postRollMs * SAMPLES_PER_MS), "flush", events);
    }
    return events;
  }

  /** Frees the classifier's state in the shared WebAssembly memory; call it when the stream ends. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.fvad.destroy();
  }

  private classify(): boolean {
    let sum = 0;
    let crossings = 0;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      sum += this.frame[i] * this.frame[i];
      if (i > 0 && this.frame[i] >= 0 !== this.frame[i - 1] >= 0) crossings++;
    }
    this.zcr = crossings / FRAME_SAMPLES;
    const energy = sum / FRAME_SAMPLES;
    this.energies[this.energyCount++ % this.energies.length] = energy;
    let floor = Infinity;
    for (let i = 0; i < Math.min(this.energyCount, this.energies.length); i++) floor = Math.min(floor, this.energies[i]);
    const loudEnough = Math.sqrt(energy) >= this.opts.minRms && energy >= floor * this.snrFactor;
    // The classifier still sees quiet frames: it adapts its noise model from them. (`frame` owns its whole buffer, as
    // processFrame requires.)
    const voiced = this.fvad.processFrame(this.frame) === 1;
    return voiced && loudEnough;
  }

  private onFrame(voiced: boolean, events: VadEvent[]) {
    const frameStart = this.framesEndSample;
    this.framesEndSample += FRAME_SAMPLES;
    const o = this.opts;
    if (!this.speaking) {
      this.recent.push({ startSample: frameStart, voiced: voiced && this.zcr < o.maxStartZcr });
      const windowFrames = Math.max(1, Math.round(o.startWindowMs / FRAME_MS));
      if (this.recent.length > windowFrames) this.recent.shift();
      const voicedFrames = this.recent.filter((f) => f.voiced);
      if (voicedFrames.length * FRAME_MS >= o.minSpeechMs) {
        const firstVoiced = voicedFrames[0].startSample;
        const start = Math.max(this.lastEndSample, firstVoiced - o.preRollMs * SAMPLES_PER_MS, 0);
        this.speaking = true;
        this.speechStartSample = start;
        this.lastVoicedEndSample = this.framesEndSample;
        this.recent = [];
        events.push({ type: "start", sample: start, ms: start / SAMPLES_PER_MS, voiceSample: firstVoiced });
      }
      return;
    }
    if (voiced) this.lastVoicedEndSample = this.framesEndSample;
    const silenceMs = (this.framesEndSample - this.lastVoicedEndSample) / SAMPLES_PER_MS;
    const lengthMs = (this.framesEndSample - this.speechStartSample) / SAMPLES_PER_MS;
    if (silenceMs >= o.hangoverMs) {
      this.endSpeech(this.lastVoicedEndSample + Math.min(o.postRollMs, o.hangoverMs) * SAMPLES_PER_MS, "pause", events);
    } else if (o.maxSpeechMs > 0 && lengthMs >= o.maxSpeechMs && silenceMs >= o.cutPauseMs) {
      // A long stretch of speech: cut in the middle of this short pause. The next start's pre-roll reaches back to the
      // cut, so no audio falls between the two.
      this.endSpeech(this.lastVoicedEndSample + Math.floor((silenceMs * SAMPLES_PER_MS) / 2), "cut", events);
    } else if (o.maxSpeechMs > 0 && lengthMs >= Math.max(o.hardMaxSpeechMs, o.maxSpeechMs)) {
      this.endSpeech(this.framesEndSample, "cut", events);
      this.restartSpeech(this.framesEndSample, events);
    }
  }

  private endSpeech(atSample: number, reason: VadEvent["reason"], events: VadEvent[]) {
    const end = Math.max(atSample, this.speechStartSample);
    this.speaking = false;
    this.lastEndSample = end;
    this.recent = [];
    events.push({ type: "end", sample: end, ms: end / SAMPLES_PER_MS, reason });
  }

  /** After a cut inside speech the next utterance begins where the last one ended: no audio falls between them. */
  private restartSpeech(atSample: number, events: VadEvent[]) {
    this.speaking = true;
    this.speechStartSample = atSample;
    this.lastVoicedEndSample = atSample;
    events.push({ type: "start", sample: atSample, ms: atSample / SAMPLES_PER_MS, voiceSample: atSample });
  }
}
