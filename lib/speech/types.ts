// The small streaming interface every speech engine implements (PocketSphinx now, cloud engines later).

/**
 * A piece of recognized speech. Times are milliseconds relative to the first byte written to the stream.
 * An interim segment may be revised by later ones; a final segment is settled and is never repeated.
 */
export type EngineSegment = { startMs: number; endMs: number; text: string; final: boolean };

export type EngineCheck = { ok: true } | { ok: false; problem: string };

export interface SpeechEngine {
  /** Stable id used in VERBATIM_SPEECH_ENGINE, e.g. "pocketsphinx". */
  id: string;
  /** Human name for the dashboard. */
  label: string;
  /** Language codes (product.md's list) this engine can transcribe. */
  languages: readonly string[];
  /** Whether the engine can run here; `problem` says what is missing and how to fix it. Never throws. */
  check(): Promise<EngineCheck>;
  /** Opens one recognition stream (one participant track). Throws only for a language the engine cannot do. */
  open(opts: { language: string }): EngineStream;
}

/** One track's recognition. Audio is 16 kHz mono s16le PCM. */
export interface EngineStream {
  /** Resolves when the engine has accepted the audio (backpressure: await it before writing more). */
  write(pcm: Buffer): Promise<void>;
  /** Flushes; resolves after the last final segment has been delivered. */
  end(): Promise<void>;
  onSegment(cb: (s: EngineSegment) => void): void;
  /** Errors the engine could not recover from; audio written after one is refused. */
  onError(cb: (e: Error) => void): void;
}
