// One lending of a decoder in the PocketSphinx worker, as an engine stream: interim text from the decoder's own partial hypotheses, the track's cepstral mean kept across lendings, a worker crash survived by replaying the audio.
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import { SerialEngineStream } from "@/lib/speech/serial-stream";
import type { EngineSegment } from "@/lib/speech/types";
import { hypothesisText, spokenWords, type Hypothesis } from "@/lib/speech/pocketsphinx/output";
import type { SphinxWorkerHost, WorkerChannel, WorkerFinal, WorkerPartial } from "@/lib/speech/pocketsphinx/worker";

const FRAME_MS = 10;
const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

/** What a track's decoders learned about its voice (its cepstral mean), kept between its utterances. */
export type TrackVoice = {
  /** The live cepstral mean state: mean and sums per cepstrum, then the frames counted. */
  cmn?: number[];
  /** The decoder its last utterance had (for tests and diagnostics). */
  lastDecoder?: number;
  /** Settles when the track's latest stream has handed its state back: the next one opens after it. */
  previous?: Promise<void>;
};

export type WorkerStreamOptions = {
  /** Send interim segments from the decoder's partial hypotheses. */
  interim: boolean;
  /** More worker deaths than this within a minute fail the stream. */
  maxRestartsPerMinute?: number;
  /** Audio kept since the last final segment, sent again to a restarted worker (ms). */
  replayLimitMs?: number;
};

type Lending = { channel: WorkerChannel; originSample: number; done: Promise<void> };

/**
 * A track's utterances follow one another on the worker: the next opens once the last has ended and handed back the
 * track's cepstral mean (a moment: its end only flushes), so each starts from what all before it learned. Audio
 * written meanwhile waits, in order.
 */
export class WorkerEngineStream extends SerialEngineStream {
  private lending!: Lending;
  private readonly opened: Promise<void>;
  private markClosed!: () => void;
  private samplesIn = 0;
  private replay: Buffer[] = [];
  private replayStartSample = 0;
  /** What the track's voice activity detector last said (speakerStopped), told again to a restarted worker. */
  private stopped = false;
  private deaths: number[] = [];
  private failure: Error | undefined;
  private interimShown = false;
  private lastInterim = "";
  /** Where the last final segment ended (samples). */
  private settledSample = 0;

  constructor(
    private readonly host: SphinxWorkerHost,
    private readonly voice: TrackVoice,
    private readonly opts: WorkerStreamOptions,
  ) {
    super();
    const previous = voice.previous ?? Promise.resolve();
    voice.previous = new Promise<void>((resolve) => (this.markClosed = resolve));
    this.opened = previous.then(() => {
      if (this.aborted) return this.markClosed();
      this.lending = this.lend(0);
    });
  }

  protected async writeNow(pcm: Buffer): Promise<void> {
    await this.opened;
    if (this.failure) throw this.failure;
    if (pcm.length === 0) return;
    this.replay.push(pcm);
    this.samplesIn += pcm.length / 2;
    this.trimReplay();
    await this.lending.channel.send(pcm);
    if (this.failure) throw this.failure;
  }

  /** The track's voice activity detector says its speaker stopped (or speaks again): the decoder's final is what counts now. */
  speakerStopped(stopped: boolean): void {
    this.stopped = stopped;
    void this.opened.then(() => this.lending?.channel.speakerStopped(stopped));
  }

  protected async finish(): Promise<void> {
    await this.opened;
    // A worker that dies while flushing is restarted (with the replay) and flushed again.
    while (!this.failure) {
      const lending = this.lending;
      lending.channel.end();
      await lending.done;
      if (this.lending === lending) break;
    }
    this.withdrawInterim();
    this.markClosed();
  }

  protected release(): void {
    this.failure ??= new Error("The stream was aborted.");
    this.replay = [];
    if (this.lending) {
      this.lending.channel.abort();
      this.markClosed();
    }
  }

  private lend(originSample: number): Lending {
    let settle!: () => void;
    const done = new Promise<void>((r) => (settle = r));
    const lending: Lending = { originSample, done, channel: undefined as unknown as WorkerChannel };
    lending.channel = this.host.open(
      {
        partial: (p) => this.lending === lending && this.onPartial(lending, p),
        final: (f) => this.lending === lending && this.onFinal(lending, f),
        done: (cmn, decoder) => {
          if (cmn.length) this.voice.cmn = cmn;
          this.voice.lastDecoder = decoder;
          settle();
        },
        failed: (message) => {
          this.fail(new Error(`PocketSphinx worker: ${message}`));
          settle();
        },
        crashed: (reason) => {
          if (this.lending === lending) this.onCrash(reason);
          settle();
        },
      },
      this.voice.cmn,
    );
    return lending;
  }

  private onCrash(reason: string) {
    if (this.aborted || this.failure) return;
    const now = Date.now();
    this.deaths = this.deaths.filter((t) => now - t < 60_000);
    this.deaths.push(now);
    if (this.deaths.length > (this.opts.maxRestartsPerMinute ?? 5)) {
      this.fail(new Error(`${reason}; it keeps stopping, so this track's transcription stops.`));
      return;
    }
    // The utterance in flight is recognized again from the audio since the last final segment.
    this.withdrawInterim();
    this.lending = this.lend(this.replayStartSample);
    // A restarted worker knows nothing of the speaker having stopped: its final is still the one waited for.
    if (this.stopped) this.lending.channel.speakerStopped(true);
    const audio = Buffer.concat(this.replay);
    if (audio.length > 0) void this.lending.channel.send(audio);
  }

  private fail(error: Error) {
    if (this.failure || this.aborted) return;
    this.withdrawInterim();
    this.failure = error;
    this.replay = [];
    this.markClosed(); // the track's next utterance need not wait for this one
    for (const cb of this.errorListeners) cb(error);
  }

  private onFinal(lending: Lending, f: WorkerFinal) {
    const block: Hypothesis = { hyp: f.hyp, words: f.words.map((w) => ({ word: w.word, startSec: w.startFrame / 100, endSec: w.endFrame / 100 })) };
    const originMs = lending.originSample / SAMPLES_PER_MS;
    const lastFrameEnd = Math.max(0, ...f.words.map((w) => w.endFrame));
    if (f.words.length > 0) {
      const endSample = lending.originSample + (lastFrameEnd + 1) * FRAME_MS * SAMPLES_PER_MS;
      this.settleUpTo(endSample);
      this.settledSample = Math.max(this.settledSample, endSample);
    }
    const text = hypothesisText(block);
    this.lastInterim = "";
    if (!text) {
      this.withdrawInterim(); // it was noise: no final replaces the interim text
      return;
    }
    const spoken = spokenWords(block);
    const startMs = spoken.length ? spoken[0].startSec * 1000 : 0;
    const endMs = spoken.length ? spoken[spoken.length - 1].endSec * 1000 + FRAME_MS : lastFrameEnd * FRAME_MS + FRAME_MS;
    this.send({ startMs: Math.round(originMs + startMs), endMs: Math.round(originMs + endMs), text, final: true });
  }

  private onPartial(lending: Lending, p: WorkerPartial) {
    if (!this.opts.interim || this.failure) return;
    const text = p.text.replace(/\s+/g, " ").trim();
    if (!text || text === this.lastInterim) return;
    this.lastInterim = text;
    const originMs = lending.originSample / SAMPLES_PER_MS;
    this.send({ startMs: Math.round(originMs + p.startFrame * FRAME_MS), endMs: Math.round(originMs + p.endFrame * FRAME_MS), text, final: false });
  }

  private send(segment: EngineSegment) {
    // A listener drops a speaker's interim text when their final arrives, or an empty interim.
    this.interimShown = !segment.final && segment.text !== "";
    for (const cb of this.segmentListeners) cb(segment);
  }

  /** Interim text still showing that no final will replace: take it back. */
  private withdrawInterim() {
    this.lastInterim = "";
    if (!this.interimShown) return;
    const at = Math.round(this.settledSample / SAMPLES_PER_MS);
    this.send({ startMs: at, endMs: at, text: "", final: false });
  }

  private settleUpTo(sample: number) {
    let drop = Math.min(sample, this.samplesIn) - this.replayStartSample;
    while (drop > 0 && this.replay.length > 0) {
      const first = this.replay[0];
      const samples = first.length / 2;
      if (samples <= drop) {
        this.replay.shift();
        this.replayStartSample += samples;
        drop -= samples;
      } else {
        this.replay[0] = first.subarray(drop * 2);
        this.replayStartSample += drop;
        drop = 0;
      }
    }
  }

  private trimReplay() {
    const limit = (this.opts.replayLimitMs ?? 30_000) * SAMPLES_PER_MS;
    if (this.samplesIn - this.replayStartSample > limit) this.settleUpTo(this.samplesIn - limit);
  }
}
