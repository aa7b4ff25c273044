// The summary worker of a server process: makes requested summaries as pg-boss jobs on the summary queue (any
// instance's worker may take one), with a sweep for summaries whose job was lost or whose worker died.
import os from "node:os";
import type { DbHandle } from "@/lib/db/client";
import { startJobQueue, type QueueDefinition } from "@/lib/jobs/queue";
import { startSweep } from "@/lib/jobs/sweep";
import { runPendingSummaries, runSummary, SUMMARY_QUEUE, type SummaryJobOptions } from "@/lib/summaries/jobs";

/**
 * pg-boss retries a job whose handler threw or handed its summary back (a graceful stop), 5 s apart and doubling; a
 * job still running after 15 minutes (longer than any engine call with its retries) counts as lost and is retried.
 * How often a summary may be started without finishing is the row's own count (maxAttempts), not the job's.
 */
export const summaryQueueDefinition: QueueDefinition = { name: SUMMARY_QUEUE, retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 900 };

export type SummaryWorkerOptions = Omit<SummaryJobOptions, "signal" | "workerId"> & {
  /** How often the sweep looks for summaries no job will make (a lost job, a worker that died; default 30 s). */
  pollIntervalMs?: number;
  /** How often pg-boss looks for summary jobs (seconds, at least 0.5; default 1). */
  pollingIntervalSeconds?: number;
};

export type SummaryWorker = { stop(): Promise<void> };

/**
 * Starts the worker on `handle`; stop() cancels the engine call in flight and hands its summary back for the next
 * worker (this process after a restart, or another instance). Summaries are made one at a time per process.
 */
export async function startSummaryWorker(handle: DbHandle, options: SummaryWorkerOptions = {}): Promise<SummaryWorker> {
  const controller = new AbortController();
  const jobOptions: SummaryJobOptions = { ...options, workerId: `${os.hostname()}:${process.pid}`, signal: controller.signal };
  const db = handle.db;

  // One summary at a time in this process, whether a job or the sweep asks.
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };

  const boss = await startJobQueue(handle, [summaryQueueDefinition]);
  await boss.work<{ summaryId: string }>(SUMMARY_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }, async ([job]) => {
    const outcome = await oneAtATime(() => runSummary(db, job.data.summaryId, jobOptions));
    // Handed back at a stop: failing the job makes pg-boss give it to the next worker.
    if (outcome === "handed_back") throw new Error(`Summary ${job.data.summaryId} was handed back: the worker is stopping`);
  });
  const sweepEveryMs = options.pollIntervalMs ?? 30_000;
  const sweep = startSweep(() => oneAtATime(() => runPendingSummaries(db, jobOptions)), { name: "Summary sweep", everyMs: sweepEveryMs, firstAfterMs: sweepEveryMs });

  // One stop however often it is asked for: a second caller waits for the summary being handed back too.
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      controller.abort(new Error("The summary worker is stopping"));
      await sweep.stop();
      await boss.stop({ graceful: true, close: false, wait: true, timeout: 15_000 });
    })();
    return stopped;
  };
  return { stop };
}
