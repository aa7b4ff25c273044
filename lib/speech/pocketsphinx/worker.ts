// One long-lived sphinx-worker process (lib/speech/pocketsphinx/sphinx-worker.c) hosting the pool's PocketSphinx decoders, and the framed protocol spoken to it.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import type { Readable, Writable } from "node:stream";
import { countEngineRestart } from "@/lib/speech/engine-metrics";
import type { EngineCheck } from "@/lib/speech/types";

/** A word of a final hypothesis, in the decoder's 10 ms frames from the start of its stream. */
export type WorkerWord = { word: string; startFrame: number; endFrame: number };
export type WorkerPartial = { startFrame: number; endFrame: number; text: string };
export type WorkerFinal = { hyp: string; words: WorkerWord[] };

/** What one stream (one lending of a decoder) hears back from the worker. */
export type ChannelListener = {
  /** The hypothesis so far of the utterance in progress, from the same decoder (no second decoding). */
  partial(p: WorkerPartial): void;
  /** An utterance ended (the decoder heard its closing quiet, or the stream ended). */
  final(f: WorkerFinal): void;
  /**
   * The stream ended and its decoder is free again; `cmn` is the track's cepstral mean now, for its next stream;
   * `decoder` says which of the worker's decoders it was (0, 1, … in order of creation).
   */
  done(cmn: number[], decoder: number): void;
  /** The worker refused or could not serve the stream. */
  failed(message: string): void;
  /** The worker process stopped: nothing more comes on this channel (its audio must be sent again on a new one). */
  crashed(reason: string): void;
};

/** Audio a stream may have sent that its decoder has not taken yet; past it, send() waits (per-stream backpressure). */
const IN_FLIGHT_LIMIT_SAMPLES = 16_000;
const MAX_ID = 0xffff_fff0;

export type WorkerHostOptions = {
  binary: string;
  /** pocketsphinx flags (those of pocketsphinx_continuous: -hmm, -lm, -dict, -samprate, -vad_*…). */
  decoderArgs: string[];
  /** Decoders loaded when the worker starts (more are created as streams need them, and kept). */
  warm?: number;
  /** While fewer decoders exist, one more is loaded ahead whenever the last free one is lent (the pool's size). */
  maxDecoders?: number;
  /** How often, in ms of an utterance's audio, its partial hypothesis is sent (only when it changed); 0 for none. */
  partialMs?: number;
  /** Decoders decoding at once, taking turns in order (sphinx-worker.c); default the machine's cores, 0 for no bound. */
  decodeThreads?: number;
};

/** One stream on the worker: audio in, hypotheses out (to its listener). */
export class WorkerChannel {
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(
    readonly id: number,
    private readonly host: SphinxWorkerHost,
    readonly listener: ChannelListener,
  ) {}

  /** Sends audio; resolves once the decoder is less than a second behind on this stream (or the channel closed). */
  async send(pcm: Buffer): Promise<void> {
    if (this.closed || pcm.length === 0) return;
    this.inFlight += pcm.length / 2;
    this.host.frame("A", this.id, pcm);
    while (!this.closed && (this.inFlight > IN_FLIGHT_LIMIT_SAMPLES || this.host.needsDrain())) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The speaker stopped (or speaks again): while stopped, this stream's turns on the cores come first, its final being next. */
  speakerStopped(stopped: boolean): void {
    if (!this.closed) this.host.frame("Q", this.id, Buffer.from([stopped ? 1 : 0]));
  }

  /** Flushes: the last final (if any) comes, then done(). */
  end(): void {
    if (!this.closed) this.host.frame("E", this.id);
  }

  /** Stops at once: nothing more is said on this channel. */
  abort(): void {
    if (this.closed) return;
    this.host.frame("X", this.id);
    this.host.forget(this);
  }

  /** The decoder took audio, stdin drained, or the channel closed: senders check again. */
  wake(ackedSamples = 0) {
    this.inFlight = Math.max(0, this.inFlight - ackedSamples);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

type WorkerProcess = { child: ChildProcess; stdin: Writable; rest: string; stderrTail: string; ready: Promise<boolean>; exited: boolean };

/**
 * Starts the worker on first use and again after it dies (the streams it carried are told, and send their audio again
 * on a new channel). Idle, it does not keep this process alive; when this process exits its stdin closes and it ends.
 */
export class SphinxWorkerHost {
  private proc: WorkerProcess | undefined;
  private readonly channels = new Map<number, WorkerChannel>();
  private nextId = 1;
  private crashedBefore = false;
  /** CPU of worker processes that have exited, in ms (for the benchmark). */
  private exitedCpuMs = 0;
  private lastCpuMs = 0;

  constructor(private readonly opts: WorkerHostOptions) {}

  open(listener: ChannelListener, cmn?: readonly number[]): WorkerChannel {
    this.ensureStarted();
    const id = this.nextId;
    this.nextId = this.nextId >= MAX_ID ? 1 : this.nextId + 1;
    const channel = new WorkerChannel(id, this, listener);
    this.channels.set(id, channel);
    const mean = cmn?.length ? Buffer.from(new Float32Array(cmn).buffer) : Buffer.alloc(0);
    this.frame("O", id, mean);
    this.updateRef();
    return channel;
  }

  /** Whether the worker answers: started (its model loaded) and ready. */
  async check(): Promise<EngineCheck> {
    const proc = this.ensureStarted();
    const timer = setTimeout(() => proc.child.kill("SIGKILL"), 60_000);
    const ready = await proc.ready;
    clearTimeout(timer);
    if (ready) return { ok: true };
    return { ok: false, problem: `The PocketSphinx worker stopped before it was ready: ${lastLines(proc.stderrTail)}` };
  }

  /** The running worker's process id (tests stop it to see a crash handled). */
  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  /** CPU time the worker processes have used, in ms: exited ones and the running one (/proc/PID/stat). */
  cpuMs(): number {
    const pid = this.proc?.exited ? undefined : this.proc?.child.pid;
    if (pid) this.lastCpuMs = processCpuMs(pid) ?? this.lastCpuMs;
    return this.exitedCpuMs + (pid ? this.lastCpuMs : 0);
  }

  /** Resident memory of the running worker, in MB (0 when none runs). */
  rssMb(): number {
    const pid = this.proc?.exited ? undefined : this.proc?.child.pid;
    if (!pid) return 0;
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }

  /** Ends the worker (its streams are told it crashed); the next open() starts a new one. */
  stop(): void {
    this.proc?.child.kill("SIGKILL");
  }

  /** @internal Writes one frame: type, stream id, payload length (little-endian), payload. */
  frame(type: "O" | "A" | "Q" | "E" | "X", id: number, payload: Buffer = Buffer.alloc(0)): void {
    const proc = this.proc;
    if (!proc || proc.exited) return;
    const head = Buffer.alloc(9);
    head.writeUInt8(type.charCodeAt(0), 0);
    head.writeUInt32LE(id, 1);
    head.writeUInt32LE(payload.length, 5);
    proc.stdin.write(payload.length ? Buffer.concat([head, payload]) : head);
  }

  /** @internal Whether the pipe to the worker is full (senders wait for it to drain). */
  needsDrain(): boolean {
    return this.proc?.stdin.writableNeedDrain ?? false;
  }

  /** @internal A channel that ended or was aborted. */
  forget(channel: WorkerChannel): void {
    channel.closed = true;
    this.channels.delete(channel.id);
    channel.wake();
    this.updateRef();
  }

  private ensureStarted(): WorkerProcess {
    if (this.proc && !this.proc.exited) return this.proc;
    if (this.crashedBefore) countEngineRestart();
    const args = ["--warm", String(this.opts.warm ?? 2), "--max-decoders", String(this.opts.maxDecoders ?? 0), "--partial-ms", String(this.opts.partialMs ?? 500), "--decode-threads", String(this.opts.decodeThreads ?? os.availableParallelism()), "--", ...this.opts.decoderArgs];
    const child = spawn(this.opts.binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    let markReady!: (ready: boolean) => void;
    const proc: WorkerProcess = { child, stdin: child.stdin!, rest: "", stderrTail: "", exited: false, ready: new Promise((r) => (markReady = r)) };
    this.proc = proc;
    proc.stdin.on("error", () => {}); // EPIPE when it died; handled on close
    proc.stdin.on("drain", () => this.wakeAll());
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (text: string) => this.onOutput(proc, text, markReady));
    child.stderr!.on("data", (d: Buffer) => {
      proc.stderrTail = (proc.stderrTail + d.toString()).slice(-4000);
    });
    child.on("error", (e) => {
      proc.stderrTail += `\n${e.message}`;
    });
    child.on("close", (code, signal) => {
      markReady(false);
      this.onClosed(proc, signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    this.updateRef();
    return proc;
  }

  private onOutput(proc: WorkerProcess, text: string, markReady: (ready: boolean) => void) {
    if (this.proc !== proc) return;
    const lines = (proc.rest + text).split("\n");
    proc.rest = lines.pop() ?? "";
    for (const line of lines) {
      const fields = line.split("\t");
      if (fields[0] === "R") {
        markReady(true);
        continue;
      }
      const channel = this.channels.get(Number(fields[1]));
      if (!channel) continue; // aborted meanwhile
      this.dispatch(channel, fields);
    }
  }

  private dispatch(channel: WorkerChannel, fields: string[]) {
    const [type] = fields;
    if (type === "K") channel.wake(Number(fields[2]));
    else if (type === "P") channel.listener.partial({ startFrame: Number(fields[2]), endFrame: Number(fields[3]), text: fields.slice(4).join(" ") });
    else if (type === "F") channel.listener.final({ hyp: fields[2] ?? "", words: fields.slice(3).map(parseWord).filter((w) => w !== undefined) });
    else if (type === "D") {
      this.forget(channel);
      channel.listener.done(fields[2] ? fields[2].split(",").map(Number) : [], Number(fields[3] ?? -1));
    } else if (type === "!") {
      this.forget(channel);
      channel.listener.failed(fields.slice(2).join(" "));
    }
  }

  private onClosed(proc: WorkerProcess, reason: string) {
    proc.exited = true;
    const pid = proc.child.pid;
    if (pid) this.exitedCpuMs += this.lastCpuMs; // the last reading: /proc no longer has it
    this.lastCpuMs = 0;
    if (this.proc !== proc) return;
    this.proc = undefined;
    const carried = [...this.channels.values()];
    this.channels.clear();
    this.crashedBefore = this.crashedBefore || carried.length > 0 || reason !== "exit code 0";
    const why = `the PocketSphinx worker stopped (${reason}): ${lastLines(proc.stderrTail)}`;
    for (const channel of carried) {
      channel.closed = true;
      channel.wake();
      channel.listener.crashed(why);
    }
  }

  private wakeAll() {
    for (const channel of this.channels.values()) channel.wake();
  }

  /** The worker keeps this process alive only while streams are open on it. */
  private updateRef() {
    const proc = this.proc;
    if (!proc) return;
    const busy = this.channels.size > 0;
    for (const handle of [proc.child, proc.child.stdin, proc.child.stdout, proc.child.stderr] as (ChildProcess | Readable | Writable | null)[]) {
      const h = handle as unknown as { ref?: () => void; unref?: () => void } | null;
      if (busy) h?.ref?.();
      else h?.unref?.();
    }
  }
}

function parseWord(field: string): WorkerWord | undefined {
  const m = /^(\S+) (-?\d+) (-?\d+)$/.exec(field);
  return m ? { word: m[1], startFrame: Number(m[2]), endFrame: Number(m[3]) } : undefined;
}

/** utime + stime of a process, in ms, or undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

function lastLines(text: string): string {
  const lines = text.trim().split("\n").filter((l) => l && !l.startsWith("INFO:") && !l.startsWith("-") && !l.startsWith("["));
  return lines.slice(-3).join(" | ") || "(no error output)";
}
