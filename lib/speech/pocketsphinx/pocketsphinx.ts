// The embedded, offline speech engine: Debian's pocketsphinx_continuous (US English) fed raw PCM on stdin.
import { spawn, type ChildProcess } from "node:child_process";
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import type { EngineCheck, EngineSegment, SpeechEngine } from "@/lib/speech/types";
import { SerialEngineStream } from "@/lib/speech/serial-stream";
import { countEngineRestart } from "@/lib/speech/engine-metrics";
import type { OpenUtterance } from "@/lib/speech/gated-stream";
import { WarmProcesses } from "@/lib/speech/pocketsphinx/warm";
import { PocketSphinxPreview, PREVIEW_ARGS, type PreviewPiece } from "@/lib/speech/pocketsphinx/preview";
import { HypothesisReader, hypothesisText, spokenWords, type Hypothesis } from "@/lib/speech/pocketsphinx/output";
import { defaultPoolMax } from "@/lib/speech/recognizer-pool";
import { ensureSphinxWorker, SPHINX_WORKER_DEBIAN_PACKAGES } from "@/lib/speech/pocketsphinx/worker-build";
import { SphinxWorkerHost } from "@/lib/speech/pocketsphinx/worker";
import { WorkerEngineStream, type TrackVoice } from "@/lib/speech/pocketsphinx/worker-stream";

/** The recognizer and its model, and what building the decoder worker takes (worker-build.ts). */
export const POCKETSPHINX_DEBIAN_PACKAGES = ["pocketsphinx", "pocketsphinx-en-us", ...SPHINX_WORKER_DEBIAN_PACKAGES] as const;
export const POCKETSPHINX_INSTALL_COMMAND = `apt-get install -y pocketsphinx pocketsphinx-en-us`;
const DEFAULT_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

export type PocketSphinxOptions = {
  /** Executable name (looked up on PATH) or absolute path. */
  binary?: string;
  /** Directory holding en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict. */
  modelDir?: string;
  /**
   * Silence frames (10 ms each) that end an utterance. The tool's default, 50, alone costs 500 ms of latency;
   * 30 still keeps sentences whole in ordinary speech and brings the final segment in well under 800 ms.
   */
  vadPostSpeechFrames?: number;
  /**
   * Speech/noise log-ratio for the voice activity detector. The tool's default, 2.0, takes the first second of room
   * tone for speech; that false utterance skews the live cepstral mean and garbles the real first utterance. 3.0 does not.
   */
  vadThreshold?: number;
  /** More command-line options for pocketsphinx_continuous, as `-flag value` pairs (they override the ones above). */
  extraArgs?: string[];
  /** A process that dies is restarted; more than this many deaths within a minute fail the stream. */
  maxRestartsPerMinute?: number;
  /** Audio kept since the last final segment, replayed into a restarted process so the utterance in flight is not lost. */
  replayLimitMs?: number;
  /**
   * Interim segments while someone speaks, from a second recognizer that previews the utterance in progress
   * (preview.ts) at the lowest CPU priority. It about doubles the engine's CPU. Default on.
   */
  interim?: boolean;
  /**
   * The interim recognizer at the lowest CPU priority (default), so that on a busy machine it gives way to final
   * segments. Tests that need interim text whatever the machine's load turn this off.
   */
  interimLowPriority?: boolean;
  /** How often, in ms of speech, the interim recognizer previews the utterance in progress (default 1000). */
  interimEveryMs?: number;
  /**
   * Recognizers kept started ahead for utterances (pocketSphinxUtteranceOpener), so one is ready the moment someone
   * starts speaking (default 2; one more for interim previews when they are on).
   */
  warm?: number;
  /**
   * The most decoders the worker loads ahead (VERBATIM_ENGINE_POOL_MAX): whenever an utterance takes the last free
   * one, the next loads, so each utterance finds its model loaded (default: the pool's default size).
   */
  maxDecoders?: number;
  /** Decoders in the worker decoding at once, taking turns (default: the machine's cores). */
  decodeThreads?: number;
};

const FRAME_MS = 10; // pocketsphinx's default -frate 100
const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

async function findExecutable(binary: string): Promise<string | undefined> {
  const candidates = binary.includes("/")
    ? [binary]
    : (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(path.delimiter).map((d) => path.join(d, binary));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function modelFiles(modelDir: string) {
  return {
    hmm: path.join(modelDir, "en-us"),
    lm: path.join(modelDir, "en-us.lm.bin"),
    dict: path.join(modelDir, "cmudict-en-us.dict"),
  };
}

/**
 * Node gives a child a socket, not a pipe, as stdin, and open("/dev/stdin") fails on a socket (ENXIO). So bash puts
 * a `cat` in between to turn it into a pipe, then execs the recognizer: the child's pid is pocketsphinx's own.
 */
type Recognizer = ReturnType<typeof spawnRecognizer>;

function spawnRecognizer(binary: string, args: string[]) {
  return spawn("bash", ["-c", 'exec "$0" "$@" < <(exec cat)', binary, ...args], { stdio: ["pipe", "pipe", "pipe"] });
}

function commandArgs(
  opts: Required<Pick<PocketSphinxOptions, "modelDir" | "vadPostSpeechFrames" | "vadThreshold" | "extraArgs">>,
  overrides: string[] = [],
): string[] {
  const m = modelFiles(opts.modelDir);
  const base = [
    // The Debian 12 build (5prealpha) has no stdin option but reads raw s16le from any path, in 2048-sample blocks.
    "-infile", "/dev/stdin",
    "-time", "yes",
    "-hmm", m.hmm,
    "-lm", m.lm,
    "-dict", m.dict,
    "-samprate", String(PCM_SAMPLE_RATE),
    "-vad_postspeech", String(opts.vadPostSpeechFrames),
    "-vad_threshold", String(opts.vadThreshold),
  ];
  return mergeFlags(base, opts.extraArgs, overrides);
}

/** `-flag value` lists, later ones winning: the tool refuses a flag given twice. */
function mergeFlags(...lists: string[][]): string[] {
  const flags = new Map<string, string>();
  for (const list of lists) {
    for (let i = 0; i + 1 < list.length; i += 2) flags.set(list[i], list[i + 1]);
  }
  return [...flags].flat();
}

/**
 * The command line the engine runs pocketsphinx_continuous with (same model and voice-activity settings), with
 * `overrides` on top: for running the engine's own offline recognition of a file (the benchmark's WER baseline).
 */
export function pocketSphinxCommandLine(options: PocketSphinxOptions = {}, overrides: string[] = []): { binary: string; args: string[] } {
  const resolved = resolveOptions(options);
  return { binary: resolved.binary, args: commandArgs(resolved, overrides) };
}

function resolveOptions(options: PocketSphinxOptions) {
  return {
    binary: options.binary ?? "pocketsphinx_continuous",
    modelDir: options.modelDir ?? DEFAULT_MODEL_DIR,
    vadPostSpeechFrames: options.vadPostSpeechFrames ?? 30,
    vadThreshold: options.vadThreshold ?? 3,
    extraArgs: options.extraArgs ?? [],
    maxRestartsPerMinute: options.maxRestartsPerMinute ?? 5,
    replayLimitMs: options.replayLimitMs ?? 30_000,
    interim: options.interim ?? true,
    interimLowPriority: options.interimLowPriority ?? true,
    interimEveryMs: options.interimEveryMs ?? 1000,
    warm: options.warm ?? 2,
  };
}

/** The flags of pocketsphinx_continuous that are the tool's own, not the decoder's: the worker reads no file. */
const TOOL_ONLY_FLAGS = new Set(["-infile", "-time", "-inmic", "-adcdev"]);

/** The decoder's flags (model, sample rate, voice activity) for the worker, the same as the per-track processes use. */
export function pocketSphinxDecoderArgs(options: PocketSphinxOptions = {}): string[] {
  const args = commandArgs(resolveOptions(options));
  const out: string[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) if (!TOOL_ONLY_FLAGS.has(args[i])) out.push(args[i], args[i + 1]);
  return out;
}

/**
 * How long a worker decoder stays with a track after its speech (the gate's lingerMs): lending one costs nothing, so
 * it goes back soon (another room's speaker may need it); a pause this short keeps a person's sentence in one lending.
 */
export const WORKER_LINGER_MS = 1000;

export type PocketSphinxWorker = {
  /** Opens one utterance's stream on a decoder of the worker (lib/speech/gated-stream.ts). */
  openUtterance: OpenUtterance;
  host: SphinxWorkerHost;
  /** The model is installed and the worker starts and loads it. */
  check(): Promise<EngineCheck>;
};

/**
 * The pool's decoders in one long-lived worker process (lib/speech/pocketsphinx/sphinx-worker.c, built with gcc against
 * libpocketsphinx-dev), or `problem` when it cannot be built here (the per-track processes are then used). Each
 * utterance borrows a decoder whose model is loaded already, gets interim text from that decoder's partial hypotheses,
 * and hands the track's cepstral mean on to the track's next utterance.
 */
export function pocketSphinxWorker(options: PocketSphinxOptions = {}): PocketSphinxWorker | { problem: string } {
  const built = ensureSphinxWorker();
  if (!built.ok) return { problem: built.problem };
  const resolved = resolveOptions(options);
  const host = new SphinxWorkerHost({
    binary: built.binary,
    decoderArgs: pocketSphinxDecoderArgs(options),
    warm: resolved.warm,
    maxDecoders: options.maxDecoders ?? defaultPoolMax(),
    partialMs: resolved.interimEveryMs,
    decodeThreads: options.decodeThreads,
  });
  const streamOptions = { interim: resolved.interim, maxRestartsPerMinute: resolved.maxRestartsPerMinute, replayLimitMs: resolved.replayLimitMs };
  return {
    host,
    // Interim text costs the decoder nothing more, so it does not wait for a spare recognizer (no dropInterim).
    openUtterance: ({ track }) => {
      const stream = new WorkerEngineStream(host, track as TrackVoice, streamOptions);
      return { stream, speakerStopped: (stopped) => stream.speakerStopped(stopped) };
    },
    async check() {
      const files = await checkModelFiles(resolved.modelDir);
      return files.ok ? host.check() : files;
    },
  };
}

/**
 * Opens one utterance's recognizer (lib/speech/gated-stream.ts), with or without its interim preview; the preview
 * can be stopped mid-utterance when the recognizer pool needs it for someone's final text.
 */
export function pocketSphinxUtteranceOpener(options: PocketSphinxOptions = {}): OpenUtterance {
  const resolved = resolveOptions(options);
  const args = commandArgs(resolved);
  const previewArgs = commandArgs(resolved, PREVIEW_ARGS);
  // Started on first use, not at import: a process that never transcribes starts no recognizer.
  let warm: { final: WarmProcesses<Recognizer>; preview: WarmProcesses<Recognizer> } | undefined;
  return ({ interim }) => {
    warm ??= {
      final: new WarmProcesses(() => spawnRecognizer(resolved.binary, args), resolved.warm),
      preview: new WarmProcesses(() => spawnRecognizer(resolved.binary, previewArgs), resolved.interim ? Math.min(1, resolved.warm) : 0),
    };
    const spawners = { final: () => warm!.final.take(), preview: () => warm!.preview.take() };
    const stream = new PocketSphinxStream(resolved, args, interim && resolved.interim ? previewArgs : null, spawners);
    return { stream, dropInterim: () => stream.dropInterim() };
  };
}

export function createPocketSphinxEngine(options: PocketSphinxOptions = {}): SpeechEngine {
  const resolved = resolveOptions(options);
  return {
    id: "pocketsphinx",
    label: "PocketSphinx (embedded, offline, US English)",
    languages: ["en"],
    // Its fixed language model takes no hints, so a room's vocabulary is ignored.
    capabilities: { mode: "streaming", interim: resolved.interim, vocabulary: false },
    debianPackages: POCKETSPHINX_DEBIAN_PACKAGES,
    check: () => checkPocketSphinx(resolved.binary, resolved.modelDir, commandArgs(resolved)),
    open({ language }) {
      if (language !== "en") {
        throw new Error(`PocketSphinx cannot transcribe language "${language}"; it supports only "en".`);
      }
      return new PocketSphinxStream(resolved, commandArgs(resolved), resolved.interim ? commandArgs(resolved, PREVIEW_ARGS) : null);
    },
  };
}

async function checkPocketSphinx(binary: string, modelDir: string, args: string[]): Promise<EngineCheck> {
  const executable = await findExecutable(binary);
  if (!executable) {
    return { ok: false, problem: `${binary} was not found on PATH. Install it with: ${POCKETSPHINX_INSTALL_COMMAND}` };
  }
  const files = await checkModelFiles(modelDir);
  if (!files.ok) return files;
  // Run it once on a moment of silence: catches broken libraries and unreadable models, not just missing files.
  return new Promise((resolve) => {
    const child = spawnRecognizer(executable, args);
    child.stdout.resume();
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, problem: `${executable} could not be started: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else {
        const reason = signal ? `was killed (${signal})` : `exited with code ${code}`;
        resolve({ ok: false, problem: `${executable} ${reason}: ${lastLines(stderr)}` });
      }
    });
    child.stdin.end(Buffer.alloc(PCM_SAMPLE_RATE / 5));
  });
}

async function checkModelFiles(modelDir: string): Promise<EngineCheck> {
  const m = modelFiles(modelDir);
  for (const file of [path.join(m.hmm, "mdef"), m.lm, m.dict]) {
    try {
      await access(file, constants.R_OK);
    } catch {
      return {
        ok: false,
        problem: `The PocketSphinx US-English model is missing (${file}). Install it with: ${POCKETSPHINX_INSTALL_COMMAND}`,
      };
    }
  }
  return { ok: true };
}

function lastLines(text: string): string {
  const lines = text.trim().split("\n").filter((l) => !l.startsWith("INFO:"));
  return lines.slice(-3).join(" | ") || "(no error output)";
}

type Proc = { child: ChildProcess; originSample: number; closed: Promise<void>; isClosed: boolean };

class PocketSphinxStream extends SerialEngineStream {
  private proc!: Proc;
  private samplesIn = 0;
  /** Audio after the last final segment, for replay into a restarted process. Never leaves memory. */
  private replay: Buffer[] = [];
  private replayStartSample = 0;
  private replayBytes = 0;
  private readonly output = new HypothesisReader((h) => this.emitHypothesis(h));
  private outputTimer: NodeJS.Timeout | undefined;
  private stderrTail = "";
  private deaths: number[] = [];
  private failure: Error | undefined;
  private preview: PocketSphinxPreview | undefined;
  /** What the latest preview heard of the utterance in progress (a hypothesis per pause in it): the interim text. */
  private pieces: PreviewPiece[] = [];
  /** Whether listeners are showing interim text from this stream that no final has replaced yet. */
  private interimShown = false;
  /** Where the last final segment ended (samples): preview phrases before it are already settled. */
  private settledSample = 0;

  constructor(
    private readonly opts: { binary: string; maxRestartsPerMinute: number; replayLimitMs: number; interimLowPriority: boolean; interimEveryMs: number },
    private readonly args: string[],
    previewArgs: string[] | null,
    /** Where the first recognizers come from (warm ones, for an utterance); a restart after a crash starts its own. */
    spawners?: { final: () => Recognizer; preview: () => Recognizer },
  ) {
    super();
    this.proc = this.startProcess(0, spawners?.final());
    if (previewArgs) {
      this.preview = new PocketSphinxPreview({
        spawn: spawners?.preview ?? (() => spawnRecognizer(opts.binary, previewArgs)),
        onPiece: (piece) => this.onPreviewPiece(piece),
        onDisabled: (reason) => console.error(`Interim text is off for one track: ${reason}.`),
        lowPriority: opts.interimLowPriority,
        everyMs: opts.interimEveryMs,
      });
    }
  }

  /** Stops the interim preview (its recognizer is needed elsewhere); final segments go on as before. */
  dropInterim(): void {
    if (!this.preview) return;
    this.stopPreview();
    this.withdrawInterim();
  }

  /** Kills the recognizers at once (shutdown, a dropped runtime): no restart, no last hypothesis. */
  protected release(): void {
    this.failure ??= new Error("The stream was aborted.");
    this.stopPreview();
    this.replay = [];
    this.replayBytes = 0;
    clearTimeout(this.outputTimer);
    this.proc.child.kill("SIGKILL");
  }

  protected async writeNow(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (pcm.length === 0) return;
    this.replay.push(pcm);
    this.replayBytes += pcm.length;
    this.samplesIn += pcm.length / 2;
    this.trimReplayToLimit();
    this.preview?.write(pcm);
    await this.writeTo(this.proc, pcm);
    if (this.failure) throw this.failure;
  }

  protected async finish(): Promise<void> {
    this.stopPreview(); // the last final segment comes next; no interim after it
    // A process that crashes while flushing is restarted (with the replay) and flushed again.
    while (!this.failure) {
      const proc = this.proc;
      proc.child.stdin?.end();
      await proc.closed;
      if (this.proc === proc) break;
    }
    this.flushOutput();
    this.withdrawInterim();
  }

  private writeTo(proc: Proc, pcm: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const stdin = proc.child.stdin;
      if (proc.isClosed || !stdin || stdin.destroyed) return resolve();
      if (stdin.write(pcm)) return resolve();
      // Backpressure: wait for the pipe to drain, or for the process to die (its audio is then replayed).
      const done = () => {
        stdin.off("drain", done);
        resolve();
      };
      stdin.once("drain", done);
      void proc.closed.then(done);
    });
  }

  private startProcess(originSample: number, started?: Recognizer): Proc {
    const child = started ?? spawnRecognizer(this.opts.binary, this.args);
    let markClosed!: () => void;
    const proc: Proc = { child, originSample, isClosed: false, closed: new Promise((r) => (markClosed = r)) };
    this.output.reset();
    child.stdin.on("error", () => {}); // EPIPE when the process died; handled on close
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (text: string) => {
      if (this.proc === proc) this.onOutput(text);
    });
    child.stderr.on("data", (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    let spawnError: Error | undefined;
    child.on("error", (e) => {
      spawnError = e;
    });
    child.on("close", (code, signal) => {
      proc.isClosed = true;
      if (this.proc === proc) this.onProcessClosed(proc, code, signal, spawnError);
      markClosed();
    });
    return proc;
  }

  private onProcessClosed(proc: Proc, code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) {
    if (this.aborted) return; // killed on purpose: no restart, nothing more to say
    this.output.completeLine();
    if (this.ending && code === 0) return; // normal end of stream; finish() emits the last hypothesis
    // Died mid-stream: the unfinished utterance is dropped here and recognized again from the replayed audio.
    clearTimeout(this.outputTimer);
    this.output.reset();
    const now = Date.now();
    this.deaths = this.deaths.filter((t) => now - t < 60_000);
    this.deaths.push(now);
    // 126/127: bash could not run the recognizer at all; restarting would not help.
    if (this.deaths.length > this.opts.maxRestartsPerMinute || spawnError || code === 126 || code === 127) {
      const why = spawnError ? spawnError.message : signal ? `killed by ${signal}` : `exit code ${code}`;
      this.fail(new Error(`pocketsphinx_continuous keeps stopping (${why}): ${lastLines(this.stderrTail)}`));
      return;
    }
    countEngineRestart();
    const replacement = this.startProcess(this.replayStartSample);
    this.proc = replacement;
    if (this.replayBytes > 0) void this.writeTo(replacement, Buffer.concat(this.replay));
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.stopPreview();
    this.withdrawInterim();
    this.failure = error;
    this.replay = [];
    this.replayBytes = 0;
    for (const cb of this.errorListeners) cb(error);
  }

  private onOutput(text: string) {
    this.output.push(text);
    // The word list normally ends with </s>; if one ever does not, do not hold the segment back for long.
    if (this.output.pending) {
      clearTimeout(this.outputTimer);
      this.outputTimer = setTimeout(() => this.flushOutput(), 250);
    }
  }

  private flushOutput() {
    clearTimeout(this.outputTimer);
    this.output.flush();
  }

  private emitHypothesis(block: Hypothesis) {
    clearTimeout(this.outputTimer);
    const originMs = this.proc.originSample / SAMPLES_PER_MS;
    const spoken = spokenWords(block);
    const text = hypothesisText(block);
    const lastFrameEnd = Math.max(0, ...block.words.map((w) => w.endSec));
    if (block.words.length > 0) {
      // The audio up to the end of this utterance is settled; a restart need not replay it.
      const endSample = this.proc.originSample + Math.round((lastFrameEnd * 1000 + FRAME_MS) * SAMPLES_PER_MS);
      this.settleUpTo(endSample);
      this.settledSample = Math.max(this.settledSample, endSample);
      this.preview?.settle(this.settledSample);
    }
    if (!text) {
      this.republishInterim(false);
      return;
    }
    const startMs = spoken.length ? spoken[0].startSec * 1000 : 0;
    const endMs = spoken.length ? spoken[spoken.length - 1].endSec * 1000 + FRAME_MS : lastFrameEnd * 1000 + FRAME_MS;
    const segment: EngineSegment = {
      startMs: Math.round(originMs + startMs),
      endMs: Math.round(originMs + endMs),
      text,
      final: true,
    };
    this.send(segment);
    this.republishInterim(true);
  }

  private send(segment: EngineSegment) {
    // A listener drops a speaker's interim text when their final arrives, or an empty interim.
    this.interimShown = !segment.final && segment.text !== "";
    for (const cb of this.segmentListeners) cb(segment);
  }

  /** The track is over: interim text still showing will not be replaced by a final, so take it back. */
  private withdrawInterim() {
    if (!this.interimShown) return;
    const at = Math.round(this.settledSample / SAMPLES_PER_MS);
    this.send({ startMs: at, endMs: at, text: "", final: false });
  }

  private stopPreview() {
    this.preview?.stop();
    this.preview = undefined;
    this.pieces = [];
  }

  private onPreviewPiece(piece: PreviewPiece) {
    // A phrase of an utterance whose final segment is out already: the final has said it better. (The next utterance
    // begins after the final one's closing silence, so it starts after where that final ends.)
    if (!this.preview || piece.startSample < this.settledSample) return;
    const newest = Math.max(0, ...this.pieces.map((p) => p.tick));
    if (piece.tick < newest) return; // a late answer to an older preview
    // A newer preview replaces what it covers; an older one's phrases after it stay until it gets there, so the text
    // does not shrink between previews.
    this.pieces = [...this.pieces.filter((p) => p.tick === piece.tick || p.startSample >= piece.endSample), piece];
    this.pieces.sort((a, b) => a.startSample - b.startSample);
    this.publishInterim();
  }

  /**
   * After an utterance ends: phrases it covered go; the rest (the next utterance, begun already) is said again, since
   * a listener drops a speaker's interim text when their final segment arrives.
   */
  private republishInterim(finalSent: boolean) {
    const before = this.pieces.length;
    this.pieces = this.pieces.filter((p) => p.startSample >= this.settledSample);
    if (this.pieces.length === 0) this.withdrawInterim(); // it was noise: no final replaces it
    else if (finalSent || this.pieces.length !== before) this.publishInterim();
  }

  /** The interim text so far. */
  private publishInterim() {
    if (this.pieces.length === 0) return;
    const first = this.pieces[0];
    const last = this.pieces[this.pieces.length - 1];
    const segment: EngineSegment = {
      startMs: Math.round(first.startSample / SAMPLES_PER_MS),
      endMs: Math.round(Math.max(first.startSample, last.endSample) / SAMPLES_PER_MS),
      text: this.pieces.map((p) => p.text).join(" "),
      final: false,
    };
    this.send(segment);
  }

  private settleUpTo(sample: number) {
    let drop = Math.min(sample, this.samplesIn) - this.replayStartSample;
    while (drop > 0 && this.replay.length > 0) {
      const first = this.replay[0];
      const samples = first.length / 2;
      if (samples <= drop) {
        this.replay.shift();
        this.replayBytes -= first.length;
        this.replayStartSample += samples;
        drop -= samples;
      } else {
        this.replay[0] = first.subarray(drop * 2);
        this.replayBytes -= drop * 2;
        this.replayStartSample += drop;
        drop = 0;
      }
    }
  }

  private trimReplayToLimit() {
    const limitSamples = this.opts.replayLimitMs * SAMPLES_PER_MS;
    if (this.samplesIn - this.replayStartSample > limitSamples) this.settleUpTo(this.samplesIn - limitSamples);
  }
}
