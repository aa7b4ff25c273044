// A speech-gated engine: the voice activity detector runs on every track and only utterances reach a recognizer, borrowed from the pool.
import { engineMetrics, observeFinalLatency } from "@/lib/speech/engine-metrics";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import type { PoolLease, RecognizerPool } from "@/lib/speech/recognizer-pool";
import { SerialEngineStream } from "@/lib/speech/serial-stream";
import type { EngineSegment, EngineStream, SpeechEngine } from "@/lib/speech/types";
import { VoiceActivityDetector, type VadOptions } from "@/lib/speech/vad";

const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;
/**
 * Audio kept while nobody speaks, so the start of speech (pre-roll included) can still be sent: the detector opens
 * speech at most pre-roll + its start window (300 + 200 ms) before it says so.
 */
const KEEP_MS = 1000;
const DEFAULT_LINGER_MS = 3000;

/** Audio an utterance may queue before its feed waits for the recognizer (see Utterance.feed). */
const QUEUE_LIMIT_MS = 10_000;

/**
 * A recognizer stream for one utterance. `dropInterim` stops its interim preview (when the pool needs it back).
 * `speakerStopped`: the gate's voice activity detector heard the speaker stop (true) or go on (false) within the
 * utterance; an engine that schedules its work can serve the final now awaited first.
 */
export type UtteranceStream = { stream: EngineStream; dropInterim?: () => void; speakerStopped?: (stopped: boolean) => void };
/**
 * `interim`: whether a spare recognizer was lent for an interim preview. `track`: the track's own object, the same for
 * each of its utterances, where the engine keeps what it learned about the voice (PocketSphinx's cepstral mean).
 */
export type OpenUtterance = (opts: { interim: boolean; track: Record<string, unknown> }) => UtteranceStream;

export type GateOptions = {
  pool: RecognizerPool;
  /**
   * How long a recognizer stays with a track after its speech ends, in case the same person goes on (default 3000):
   * sentences a few seconds apart then cost one model load, not one each. It goes back at once when someone waits.
   */
  lingerMs?: number;
  vad?: VadOptions;
};

/**
 * Wraps a streaming engine so that each utterance the detector finds gets a recognizer stream from the pool, opened at
 * speech start (pre-roll included) and ended once the speech has ended and `lingerMs` passed without more (or someone
 * waits for a recognizer); silence beyond that reaches no recognizer, and a silent track holds none. A stream hears
 * contiguous audio from its first sample, so its segment times are moved by that offset: the track's timeline stays
 * exact. The recognizer's interim preview is opened only if the pool has one spare.
 */
export function gateSpeechEngine(engine: SpeechEngine, openUtterance: OpenUtterance, opts: GateOptions): SpeechEngine {
  return {
    ...engine,
    open(openOpts) {
      // Let the engine refuse a language now, as its own open() would; the stream it opens is not used.
      if (!engine.languages.includes(openOpts.language)) engine.open(openOpts);
      return new GatedEngineStream(openUtterance, opts);
    },
  };
}

/** Recent audio of the track as one timeline: `startSample` is the first sample held. */
class RecentAudio {
  private chunks: Buffer[] = [];
  startSample = 0;
  endSample = 0;

  append(pcm: Buffer) {
    this.chunks.push(pcm);
    this.endSample += pcm.length / 2;
  }

  /** The audio from `from` (clamped to what is held) to the end. */
  since(from: number): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, from - this.startSample) * 2);
  }

  /** Keeps at least the audio from `from` on. */
  trim(from: number) {
    while (this.chunks.length > 0 && this.startSample + this.chunks[0].length / 2 <= from) {
      this.startSample += this.chunks[0].length / 2;
      this.chunks.shift();
    }
  }
}

export class GatedEngineStream extends SerialEngineStream {
  private vad: VoiceActivityDetector | undefined;
  private readonly recent = new RecentAudio();
  /** The recognizer lent to this track now: from speech start until it has lingered `lingerMs` in quiet. */
  private current: Utterance | undefined;
  /** Where the lent recognizer goes back to the pool if no speech starts before (samples); unset while speaking. */
  private lingerUntil: number | undefined;
  private speaking = false;
  private readonly finishing = new Set<Utterance>();
  private failure: Error | undefined;
  /** What the engine keeps about this track between its utterances. */
  private readonly track: Record<string, unknown> = {};

  constructor(
    private readonly openUtterance: OpenUtterance,
    private readonly opts: GateOptions,
  ) {
    super();
  }

  protected async writeNow(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (pcm.length === 0) return;
    this.vad ??= await VoiceActivityDetector.create(this.opts.vad);
    // A recognizer already lent has heard everything up to this chunk; a new one starts where speech does (pre-roll).
    let fedFrom = this.recent.endSample;
    this.recent.append(pcm);
    for (const event of this.vad.push(pcm)) {
      if (event.type === "start") {
        this.setSpeaking(true);
        this.lingerUntil = undefined;
        if (!this.current) {
          this.current = this.startUtterance(event.sample);
          fedFrom = event.sample;
        } else this.current.speakerStopped(false);
      } else {
        this.setSpeaking(false);
        this.current?.speakerStopped(true);
        this.lingerUntil = event.sample + (this.opts.lingerMs ?? DEFAULT_LINGER_MS) * SAMPLES_PER_MS;
      }
    }
    let wait: Promise<void> | undefined;
    if (this.current) {
      // The recognizer hears the quiet after speech too: that is how it knows a sentence ended (no words are in it).
      wait = this.current.feed(this.slice(fedFrom, this.recent.endSample));
      this.recent.trim(this.recent.endSample - KEEP_MS * SAMPLES_PER_MS);
      const lingered = this.lingerUntil !== undefined && this.recent.endSample >= this.lingerUntil;
      if (lingered || (this.lingerUntil !== undefined && this.opts.pool.stats().queued > 0)) {
        this.endUtterance(this.current);
        this.current = undefined;
        this.lingerUntil = undefined;
      }
    } else this.recent.trim(this.recent.endSample - KEEP_MS * SAMPLES_PER_MS);
    await wait;
    if (this.failure) throw this.failure;
  }

  private setSpeaking(speaking: boolean) {
    if (speaking === this.speaking) return;
    this.speaking = speaking;
    engineMetrics().speaking += speaking ? 1 : -1;
  }

  protected async finish(): Promise<void> {
    // Every sample written was fed to the open utterance already; the detector's flush only says it ends.
    this.vad?.flush();
    this.setSpeaking(false);
    if (this.current) this.endUtterance(this.current);
    this.current = undefined;
    await Promise.all([...this.finishing].map((u) => u.done));
    this.vad?.destroy();
  }

  protected release(): void {
    this.setSpeaking(false);
    this.current?.abort();
    for (const u of this.finishing) u.abort();
    this.finishing.clear();
    this.current = undefined;
    this.vad?.destroy();
  }

  private slice(from: number, until: number): Buffer {
    const audio = this.recent.since(from);
    return audio.subarray(0, Math.max(0, until - Math.max(from, this.recent.startSample)) * 2);
  }

  private startUtterance(originSample: number): Utterance {
    return new Utterance(originSample, this.opts.pool, (o) => this.openUtterance({ ...o, track: this.track }), {
      segment: (s) => {
        if (this.aborted) return;
        for (const cb of this.segmentListeners) cb(s);
      },
      error: (e) => this.fail(e),
    });
  }

  private endUtterance(u: Utterance) {
    this.recent.trim(this.recent.endSample - KEEP_MS * SAMPLES_PER_MS);
    this.finishing.add(u);
    void u.end().finally(() => this.finishing.delete(u));
  }

  private fail(error: Error) {
    if (this.failure || this.aborted) return;
    this.failure = error;
    for (const cb of this.errorListeners) cb(error);
  }
}

type UtteranceSinks = { segment: (s: EngineSegment) => void; error: (e: Error) => void };

/** One utterance's recognizer: audio fed before the pool lends one is kept, in order, and written once it does. */
class Utterance {
  private inner: UtteranceStream | undefined;
  private lease: PoolLease | undefined;
  private interimLease: PoolLease | null = null;
  private chain: Promise<void>;
  private aborted = false;
  /** When audio up to a sample arrived, to time the final segment against the end of its speech. */
  private arrivals: { endSample: number; at: number }[] = [];
  private fedSamples = 0;
  /** Audio fed and not yet taken by the recognizer. */
  private queuedSamples = 0;
  /** The gate heard the speaker stop (and not start again) within this utterance. */
  private stopped = false;
  done: Promise<void> = Promise.resolve();

  constructor(
    private readonly originSample: number,
    private readonly pool: RecognizerPool,
    private readonly open: (opts: { interim: boolean }) => UtteranceStream,
    private readonly sinks: UtteranceSinks,
  ) {
    this.chain = pool.acquireFinal().then((lease) => {
      if (this.aborted) return lease.release();
      this.lease = lease;
      this.interimLease = pool.tryAcquireInterim(() => {
        this.interimLease = null;
        this.inner?.dropInterim?.();
      });
      const inner = this.open({ interim: this.interimLease !== null });
      this.inner = inner;
      if (this.stopped) inner.speakerStopped?.(true);
      if (!inner.dropInterim) this.releaseInterim();
      inner.stream.onSegment((s) => this.onSegment(s));
      inner.stream.onError((e) => this.sinks.error(e));
    });
  }

  /**
   * Queues audio for the recognizer. Resolves at once while less than QUEUE_LIMIT_MS waits (a recognizer still loading
   * its model, or none free yet: the audio is kept), else when the recognizer has taken it: a sender faster than the
   * recognizer is held to its pace, one person's slow start does not hold up their track.
   */
  feed(pcm: Buffer): Promise<void> {
    if (pcm.length === 0 || this.aborted) return Promise.resolve();
    this.fedSamples += pcm.length / 2;
    this.arrivals.push({ endSample: this.originSample + this.fedSamples, at: Date.now() });
    if (this.arrivals.length > 200) this.arrivals.splice(0, this.arrivals.length - 200);
    this.queuedSamples += pcm.length / 2;
    const next = this.chain.then(() => this.inner?.stream.write(pcm)).finally(() => (this.queuedSamples -= pcm.length / 2));
    this.chain = next.catch((e: Error) => this.sinks.error(e));
    return this.queuedSamples > QUEUE_LIMIT_MS * SAMPLES_PER_MS ? this.chain : Promise.resolve();
  }

  /** Passed on to the recognizer once it is lent (sphinx-worker.c serves a stopped speaker's final first). */
  speakerStopped(stopped: boolean) {
    if (stopped === this.stopped) return;
    this.stopped = stopped;
    this.inner?.speakerStopped?.(stopped);
  }

  end(): Promise<void> {
    this.done = this.chain
      .then(() => this.inner?.stream.end())
      .catch((e: Error) => this.sinks.error(e))
      .finally(() => this.returnLeases());
    return this.done;
  }

  abort() {
    this.aborted = true;
    this.inner?.stream.abort();
    this.returnLeases();
  }

  private onSegment(s: EngineSegment) {
    const originMs = this.originSample / SAMPLES_PER_MS;
    const mapped = { ...s, startMs: Math.round(s.startMs + originMs), endMs: Math.round(s.endMs + originMs) };
    if (s.final && s.text) {
      const arrived = this.arrivals.find((a) => a.endSample >= mapped.endMs * SAMPLES_PER_MS);
      if (arrived) observeFinalLatency((Date.now() - arrived.at) / 1000);
    }
    this.sinks.segment(mapped);
  }

  private releaseInterim() {
    this.interimLease?.release();
    this.interimLease = null;
  }

  private returnLeases() {
    this.releaseInterim();
    this.lease?.release();
    this.lease = undefined;
  }
}
