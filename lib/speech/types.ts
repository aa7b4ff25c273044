// The interface every speech engine implements, and the capabilities it declares, so the pipeline treats engines alike.

/**
 * A piece of recognized speech. Times are milliseconds relative to the first byte written to the stream.
 * An interim segment may be revised by later ones; a final segment is settled and is never repeated.
 * An interim segment with empty text takes back interim text that no final will replace.
 */
export type EngineSegment = { startMs: number; endMs: number; text: string; final: boolean };

export type EngineCheck = { ok: true } | { ok: false; problem: string };

/** What an engine can do. The pipeline, the dashboard and the engine choice read these, never an engine's id. */
export type EngineCapabilities = {
  /**
   * "streaming": audio flows to the engine as it arrives and text comes back while people speak (PocketSphinx,
   * Deepgram). "utterance": the engine hears one whole utterance at a time, cut by a voice activity detector
   * (OpenAI-compatible servers), so a final segment comes only after the utterance has ended.
   */
  mode: "streaming" | "utterance";
  /** Whether the stream sends interim (not yet final) segments while someone speaks. */
  interim: boolean;
  /** Whether open()'s `vocabulary` reaches the engine as hints; when false the engine ignores it. */
  vocabulary: boolean;
};

/** The most words or phrases a room's vocabulary may list (lib/speech/vocabulary.ts validates them). */
export const MAX_VOCABULARY_ENTRIES = 100;

export type EngineOpenOptions = {
  /** One of the engine's `languages`. */
  language: string;
  /** Words and phrases the room expects (names, product terms), at most MAX_VOCABULARY_ENTRIES; may be empty. */
  vocabulary?: readonly string[];
};

export interface SpeechEngine {
  /** Stable id used in VERBATIM_SPEECH_ENGINES and stored on each transcription, e.g. "pocketsphinx". */
  id: string;
  /** Human name for the dashboard. */
  label: string;
  /** Language codes (product.md's list, lib/speech/languages.ts) this engine can transcribe. */
  languages: readonly string[];
  capabilities: EngineCapabilities;
  /** Debian packages an embedded engine needs on this machine; `npm start` installs missing ones when run as root. */
  debianPackages?: readonly string[];
  /**
   * Whether the engine can run here (installed, reachable, key accepted); `problem` says what is wrong and how to
   * fix it. Never throws. The result is cached by lib/speech/status.ts, so it may cost a process start or a request.
   */
  check(): Promise<EngineCheck>;
  /** Opens one recognition stream (one participant track). Throws only for a language the engine cannot do. */
  open(opts: EngineOpenOptions): EngineStream;
}

/** One track's recognition. Audio is 16 kHz mono s16le PCM (lib/speech/pcm.ts). */
export interface EngineStream {
  /** Resolves when the engine has accepted the audio (backpressure: await it before writing more). */
  write(pcm: Buffer): Promise<void>;
  /** Flushes; resolves after the last final segment has been delivered. */
  end(): Promise<void>;
  onSegment(cb: (s: EngineSegment) => void): void;
  /** Errors the engine could not recover from; audio written after one is refused. */
  onError(cb: (e: Error) => void): void;
  /**
   * Stops at once without flushing, as a crash would (shutdown, a runtime dropped): no segment or error is delivered
   * afterwards, later writes are refused, end() resolves, and the process, socket or request behind the stream is
   * released. Idempotent; harmless after end().
   */
  abort(): void;
}
