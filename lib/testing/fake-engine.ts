// The fast lane's speech engine: "speech" made of tones, one pitch per word of a small vocabulary, recognized exactly
// and at once. Ingest, session, trigger and transcript logic can then be tested in seconds, without PocketSphinx, with
// words that really travel from a track's audio to the transcript (the right words to the right speaker).
import type { EngineOpenOptions, EngineSegment, EngineStream, SpeechEngine } from "@/lib/speech/types";

const SAMPLE_RATE = 16_000;
const FRAME_SAMPLES = 160; // 10 ms
/** Every word the tone speech can say; a word's pitch is its index's. */
export const TONE_WORDS = [
  "good", "morning", "everyone", "let", "us", "start", "with", "the", "budget", "please", "send", "me", "report",
  "by", "friday", "we", "need", "three", "more", "people", "for", "project", "guten", "tag", "hallo", "welt", "danke",
  "bitte", "yes", "no", "thanks", "bye",
] as const;
const WORD_MS = 160;
const GAP_MS = 40;
const AMPLITUDE = 6000;
/** A tone that fills a 10 ms frame this loud is a word; room tone and silence are far below. */
const LOUD = 1500;
/** Quiet this long ends an utterance (a final segment); a shorter gap only separates words. */
const END_OF_UTTERANCE_MS = 300;

const pitchOf = (index: number) => 400 + 40 * index;

export type ToneSpeech = { pcm: Buffer; utterances: { text: string; startMs: number; endMs: number }[] };

/**
 * Tone speech for `sentences` (words of TONE_WORDS, space-separated): each word a 160 ms tone, 40 ms apart, sentences
 * `pauseMs` apart, after `leadMs` of quiet. Returns 16 kHz mono s16le PCM and where each sentence is.
 */
export function toneSpeech(sentences: string[], opts: { leadMs?: number; pauseMs?: number } = {}): ToneSpeech {
  const parts: Buffer[] = [];
  const utterances: ToneSpeech["utterances"] = [];
  let ms = 0;
  const quiet = (len: number) => {
    parts.push(Buffer.alloc(Math.round((len * SAMPLE_RATE) / 1000) * 2));
    ms += len;
  };
  quiet(opts.leadMs ?? 300);
  for (const sentence of sentences) {
    const words = sentence.toLowerCase().split(/\s+/).filter(Boolean);
    const startMs = ms;
    words.forEach((word, i) => {
      const index = TONE_WORDS.indexOf(word as (typeof TONE_WORDS)[number]);
      if (index < 0) throw new Error(`"${word}" is not a tone word (see TONE_WORDS)`);
      const samples = (WORD_MS * SAMPLE_RATE) / 1000;
      const tone = Buffer.alloc(samples * 2);
      for (let n = 0; n < samples; n++) tone.writeInt16LE(Math.round(AMPLITUDE * Math.sin((2 * Math.PI * pitchOf(index) * n) / SAMPLE_RATE)), n * 2);
      parts.push(tone);
      ms += WORD_MS;
      if (i < words.length - 1) quiet(GAP_MS);
    });
    utterances.push({ text: words.join(" "), startMs, endMs: ms });
    quiet(opts.pauseMs ?? 600);
  }
  return { pcm: Buffer.concat(parts), utterances };
}

export type FakeEngineOptions = {
  languages?: readonly string[];
  /** Called for every stream opened (tests count streams, or see the language and vocabulary asked for). */
  onOpen?: (opts: { language: string; vocabulary?: readonly string[] }) => void;
};

/** An engine that hears tone speech: interim text after every word, a final segment after 300 ms of quiet. */
export function createFakeEngine(options: FakeEngineOptions = {}): SpeechEngine {
  const languages = options.languages ?? ["en"];
  return {
    id: "fake",
    label: "Tone words (tests)",
    languages,
    capabilities: { mode: "streaming", interim: true, vocabulary: false },
    check: async () => ({ ok: true }),
    open(opts: EngineOpenOptions) {
      if (!languages.includes(opts.language)) throw new Error(`The fake engine does not do "${opts.language}".`);
      options.onOpen?.(opts);
      return new ToneStream();
    },
  };
}

class ToneStream implements EngineStream {
  private segmentListeners: ((s: EngineSegment) => void)[] = [];
  private errorListeners: ((e: Error) => void)[] = [];
  private partial = Buffer.alloc(0);
  private frame = 0;
  /** The word being heard: its first frame and zero crossings so far. */
  private word: { startFrame: number; frames: number; crossings: number; last: number } | undefined;
  private words: { text: string; startMs: number; endMs: number }[] = [];
  private quietFrames = 0;
  private ended = false;

  async write(pcm: Buffer): Promise<void> {
    if (this.ended) throw new Error("The stream has ended.");
    if (pcm.length % 2 !== 0) throw new Error("PCM must have an even number of bytes.");
    let data = this.partial.length ? Buffer.concat([this.partial, pcm]) : pcm;
    while (data.length >= FRAME_SAMPLES * 2) {
      this.hear(data.subarray(0, FRAME_SAMPLES * 2));
      data = data.subarray(FRAME_SAMPLES * 2);
    }
    this.partial = Buffer.from(data);
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.endWord();
    this.endUtterance();
    this.ended = true;
  }

  abort(): void {
    this.ended = true;
    this.segmentListeners = [];
    this.errorListeners = [];
  }

  onSegment(cb: (s: EngineSegment) => void): void {
    this.segmentListeners.push(cb);
  }

  onError(cb: (e: Error) => void): void {
    this.errorListeners.push(cb);
  }

  private hear(frame: Buffer) {
    let peak = 0;
    let crossings = 0;
    let last = this.word?.last ?? 0;
    for (let i = 0; i < frame.length; i += 2) {
      const v = frame.readInt16LE(i);
      peak = Math.max(peak, Math.abs(v));
      if ((v >= 0) !== (last >= 0)) crossings++;
      last = v;
    }
    if (peak >= LOUD) {
      this.quietFrames = 0;
      if (!this.word) this.word = { startFrame: this.frame, frames: 0, crossings: 0, last };
      else this.word.crossings += crossings;
      this.word.frames++;
      this.word.last = last;
    } else {
      this.endWord();
      if (++this.quietFrames * 10 >= END_OF_UTTERANCE_MS) this.endUtterance();
    }
    this.frame++;
  }

  /** A word ended: its pitch from its zero crossings (two per period), then the utterance so far as interim text. */
  private endWord() {
    const word = this.word;
    this.word = undefined;
    if (!word || word.frames < 5) return;
    // The first frame's crossings were not counted (its start is where the tone began): measure over the rest.
    const hz = word.crossings / 2 / ((word.frames - 1) / 100);
    const index = Math.round((hz - 400) / 40);
    const text = TONE_WORDS[index];
    if (!text) return;
    this.words.push({ text, startMs: word.startFrame * 10, endMs: (word.startFrame + word.frames) * 10 });
    this.emit({ ...this.span(), text: this.words.map((w) => w.text).join(" "), final: false });
  }

  private endUtterance() {
    if (this.words.length === 0) return;
    const segment = { ...this.span(), text: this.words.map((w) => w.text).join(" "), final: true };
    this.words = [];
    this.emit(segment);
  }

  private span() {
    return { startMs: this.words[0].startMs, endMs: this.words[this.words.length - 1].endMs };
  }

  private emit(segment: EngineSegment) {
    for (const cb of this.segmentListeners) cb(segment);
  }
}
