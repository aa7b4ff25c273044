// The summary worker of a server process: makes requested summaries as soon as they are requested here, and polls for
// those requested on other instances or left unfinished by a process that stopped.
import os from "node:os";
import type { DbHandle } from "@/lib/db/client";
import { onSummaryRequested, runPendingSummaries, type SummaryJobOptions } from "@/lib/summaries/jobs";

export type SummaryWorkerOptions = Omit<SummaryJobOptions, "signal" | "workerId"> & {
  /** How often the database is checked for summaries this process was not told about (default 2 s). */
  pollIntervalMs?: number;
};

export type SummaryWorker = { stop(): Promise<void> };

/**
 * Starts the worker on `handle`; stop() cancels the engine call in flight and hands its summary back for the next
 * worker (this process after a restart, or another instance). Summaries are made one at a time per process.
 */
export async function startSummaryWorker(handle: DbHandle, options: SummaryWorkerOptions = {}): Promise<SummaryWorker> {
  const controller = new AbortController();
  const workerId = `${os.hostname()}:${process.pid}`;
  let running: Promise<unknown> | undefined;
  let again = false;

  // Never two runs at once; a request that arrives during a run makes it look again when it ends.
  const tick = () => {
    if (controller.signal.aborted) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = runPendingSummaries(handle.db, { ...options, workerId, signal: controller.signal })
      .catch((error) => console.error("Summary worker run failed:", error))
      .finally(() => {
        running = undefined;
        if (again) tick();
      });
  };

  const unsubscribe = onSummaryRequested(tick);
  const timer = setInterval(tick, options.pollIntervalMs ?? 2000);
  timer.unref();
  tick();

  // One stop however often it is asked for: a second caller waits for the summary being handed back too.
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      controller.abort(new Error("The summary worker is stopping"));
      clearInterval(timer);
      unsubscribe();
      await running;
    })();
    return stopped;
  };
  return { stop };
}
