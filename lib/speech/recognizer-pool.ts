// The instance's budget of recognizers: utterances borrow one from speech start to end, interim previews only what is spare.
import os from "node:os";
import { engineMetrics } from "@/lib/speech/engine-metrics";

/**
 * What one recognizer takes in memory, for the default size: a decoder in the PocketSphinx worker about 62 MB (its own
 * dictionary and language model), a pocketsphinx_continuous process about 93 MB; the larger, to be safe.
 */
const RECOGNIZER_MB = 100;
/**
 * A core decodes about five speaking streams in real time, and the worker's decoders take turns on the cores, so
 * lent decoders cost threads no CPU while they wait. But a lending lasts longer than the speech: through the second
 * after it and the turn overlaps of a meeting (rooms of six taking turns lend about two decoders per room at the
 * turn changes). Eight per core leaves room for that; with four, eight rooms overflowed the pool 34 times.
 */
const RECOGNIZERS_PER_CORE = 8;

/**
 * The default VERBATIM_ENGINE_POOL_MAX: eight recognizers per core, and no more than half the memory holds at
 * RECOGNIZER_MB each, at least 2.
 */
export function defaultPoolMax(cores = os.availableParallelism(), totalMemBytes = os.totalmem()): number {
  const byMemory = Math.floor(totalMemBytes / 2 / (RECOGNIZER_MB * 1024 * 1024));
  return Math.max(2, Math.min(cores * RECOGNIZERS_PER_CORE, byMemory));
}

export type PoolStats = {
  max: number;
  /** Recognizers lent now, for final text and for interim previews. */
  inUse: number;
  finalInUse: number;
  interimInUse: number;
  /** Utterances waiting for a recognizer (their audio is kept meanwhile). */
  queued: number;
  /** Some utterance waited longer than the bound, recently (within `overCapacityHoldMs`). */
  overCapacity: boolean;
  /** Times an utterance waited past the bound, since the process started. */
  overCapacityEvents: number;
};

export type PoolLease = { release(): void };

type Waiter = { since: number; grant: (lease: PoolLease) => void; timer: NodeJS.Timeout };

export type RecognizerPoolOptions = {
  max: number;
  /** How long an utterance may wait for a recognizer before the instance counts as over capacity. */
  waitMs: number;
  /** How long over capacity is reported after the last utterance that waited too long (new sessions are refused meanwhile). */
  overCapacityHoldMs?: number;
};

/**
 * A counting budget, not the processes themselves: the gate (lib/speech/gated-stream.ts) opens a recognizer when it
 * holds a lease and closes it when it returns it. Final recognizers wait in line (never refused: accepted speech is
 * never dropped); an interim preview gets a lease only when one is free and nobody waits, and gives it back at once
 * when a final needs it.
 */
export class RecognizerPool {
  private finals = 0;
  private readonly interims = new Map<PoolLease, () => void>();
  private readonly waiters: Waiter[] = [];
  private lastOverflowAt = -Infinity;
  private overflowCount = 0;

  constructor(private readonly opts: RecognizerPoolOptions) {}

  get max(): number {
    return this.opts.max;
  }

  /** A recognizer for one utterance's final text; resolves when one is free (in arrival order). */
  acquireFinal(): Promise<PoolLease> {
    if (this.waiters.length === 0 && this.used() < this.opts.max) return Promise.resolve(this.grantFinal());
    return new Promise((resolve) => {
      const waiter: Waiter = {
        since: Date.now(),
        grant: resolve,
        timer: setTimeout(() => this.markOverflow(), this.opts.waitMs),
      };
      waiter.timer.unref?.();
      this.waiters.push(waiter);
      this.revokeInterim();
    });
  }

  /**
   * A recognizer for interim text, only if one is spare (none waiting, one free). `onRevoke` must stop the preview;
   * the lease is then returned by the pool itself.
   */
  tryAcquireInterim(onRevoke: () => void): PoolLease | null {
    if (this.waiters.length > 0 || this.used() >= this.opts.max) return null;
    const lease: PoolLease = {
      release: () => {
        if (this.interims.delete(lease)) this.grantWaiting();
      },
    };
    this.interims.set(lease, onRevoke);
    return lease;
  }

  stats(now = Date.now()): PoolStats {
    const waitedTooLong = this.waiters.some((w) => now - w.since >= this.opts.waitMs);
    return {
      max: this.opts.max,
      inUse: this.used(),
      finalInUse: this.finals,
      interimInUse: this.interims.size,
      queued: this.waiters.length,
      overCapacity: waitedTooLong || now - this.lastOverflowAt < (this.opts.overCapacityHoldMs ?? 30_000),
      overCapacityEvents: this.overflowCount,
    };
  }

  private used() {
    return this.finals + this.interims.size;
  }

  private grantFinal(): PoolLease {
    this.finals++;
    let returned = false;
    return {
      release: () => {
        if (returned) return;
        returned = true;
        this.finals--;
        this.grantWaiting();
      },
    };
  }

  private grantWaiting() {
    while (this.waiters.length > 0 && this.used() < this.opts.max) {
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      waiter.grant(this.grantFinal());
    }
  }

  /** The oldest interim preview gives its recognizer to the utterance waiting. */
  private revokeInterim() {
    const first = this.interims.entries().next();
    if (first.done) return;
    const [lease, onRevoke] = first.value;
    onRevoke();
    lease.release();
  }

  private markOverflow() {
    this.lastOverflowAt = Date.now();
    this.overflowCount++;
  }
}

/** The process's pool (one budget for every engine that uses it), built from the configuration on first use. */
export function sharedRecognizerPool(opts: () => RecognizerPoolOptions): RecognizerPool {
  const metrics = engineMetrics();
  metrics.pool ??= new RecognizerPool(opts());
  return metrics.pool;
}

/** The process's pool if one was built, for health and metrics. */
export function currentRecognizerPool(): RecognizerPool | undefined {
  return engineMetrics().pool;
}

/** How long a client refused while the instance is over capacity should wait before trying again. */
export const OVER_CAPACITY_RETRY_AFTER_SECONDS = 30;

/** Whether utterances have had to wait past VERBATIM_ENGINE_POOL_WAIT_MS recently: new sessions are then refused. */
export function overCapacity(): boolean {
  return currentRecognizerPool()?.stats().overCapacity ?? false;
}
