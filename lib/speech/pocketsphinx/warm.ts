// Recognizer processes started ahead: the model is loaded while nobody needs them, so an utterance's recognizer is ready at once.
import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

const noop = () => {};

/**
 * Keeps `size` processes from `spawn` started and idle (reading nothing yet: the model loaded, waiting on stdin). take()
 * hands one over and starts its replacement; a process that dies while idle is replaced. Idle processes do not keep
 * this process alive, and end by themselves when it exits (their stdin closes).
 */
export class WarmProcesses<C extends ChildProcess = ChildProcess> {
  /** Idle processes, each with the listener that forgets it if it dies. */
  private readonly idle = new Map<C, () => void>();

  constructor(
    private readonly spawn: () => C,
    private readonly size: number,
  ) {}

  /** A started process, warm if one is ready, else a fresh one (its model then loads while the audio queues). */
  take(): C {
    this.fill();
    const [entry] = this.idle;
    if (!entry) return this.spawn();
    const [child, onExit] = entry;
    this.idle.delete(child);
    child.off("exit", onExit);
    child.stderr?.off("data", noop);
    child.ref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as Socket | null)?.ref?.();
    this.fill();
    return child;
  }

  /** Starts processes until `size` are idle. */
  fill(): void {
    while (this.idle.size < this.size) {
      const child = this.spawn();
      const onExit = () => this.idle.delete(child);
      this.idle.set(child, onExit);
      child.stdin?.on("error", noop);
      child.stderr?.on("data", noop); // the model's loading log: read so the pipe never fills
      child.on("error", noop);
      child.once("exit", onExit);
      child.unref();
      for (const s of [child.stdin, child.stdout, child.stderr]) (s as Socket | null)?.unref?.();
    }
  }

  /** How many are idle now. */
  get idleCount(): number {
    return this.idle.size;
  }

  /** Stops the idle processes (tests, shutdown). */
  stop(): void {
    for (const child of this.idle.keys()) child.kill("SIGKILL");
    this.idle.clear();
  }
}
