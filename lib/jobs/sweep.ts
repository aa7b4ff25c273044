// Periodic sweeps (retention, session recovery, lost wake-ups): one helper that never runs a sweep twice at once, logs its failures, and waits for the run in flight on stop.

export type SweepOptions = {
  /** Named in the log when a run fails. */
  name: string;
  /** Time between the starts of two runs; a run still going when the next is due makes that one skip. */
  everyMs: number;
  /** The first run's delay (default: at once). */
  firstAfterMs?: number;
};

export type Sweep = {
  /** Runs now unless a run is going (then waits for that one instead). */
  runNow(): Promise<void>;
  /** No new run starts; resolves once the run in flight (if any) has finished. */
  stop(): Promise<void>;
};

/**
 * Starts `task` every `everyMs`. Never two runs at once (a sweep held up by a slow bucket or database can outlast its
 * interval); a failure is logged and the next run tries again. The timers do not keep the process alive.
 */
export function startSweep(task: () => Promise<unknown>, opts: SweepOptions): Sweep {
  if (!(opts.everyMs > 0)) throw new RangeError(`sweep "${opts.name}": everyMs must be a positive number of milliseconds, got ${opts.everyMs}`);
  let running: Promise<void> | undefined;
  let stopped = false;
  let interval: NodeJS.Timeout | undefined;

  const runNow = () => {
    if (running || stopped) return running ?? Promise.resolve();
    running = Promise.resolve()
      .then(task)
      .then(
        () => undefined,
        (error) => console.error(`${opts.name} failed:`, error),
      )
      .finally(() => (running = undefined));
    return running;
  };
  const tick = () => void runNow();

  const first = setTimeout(() => {
    tick();
    if (!stopped) interval = setInterval(tick, opts.everyMs).unref();
  }, opts.firstAfterMs ?? 0).unref();

  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
