// Upload retries on pg-boss: a failed upload's next attempt is a job due at its `upload_due_at`; a sweep finds what a lost job or a dead saver left behind.
import type { DbHandle } from "@/lib/db/client";
import { startJobQueue, type QueueDefinition } from "@/lib/jobs/queue";
import { startSweep } from "@/lib/jobs/sweep";
import { finalizeTranscription, retryDueUploads, UPLOAD_RETRY_QUEUE } from "@/lib/pipeline/finalize";

/**
 * The schedule of upload attempts is the transcription's own (`upload_due_at`, from VERBATIM_UPLOAD_RETRY_DELAYS_MS):
 * each job is sent with that time as `startAfter`. pg-boss's own retries (doubling from 5 s) only cover an attempt
 * that threw, such as the database going away mid-save.
 */
export const uploadRetryQueueDefinition: QueueDefinition = { name: UPLOAD_RETRY_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 };

export type UploadRetryWorkerOptions = {
  /** How often pg-boss looks for due jobs (seconds, at least 0.5; default 2, as for webhooks: a retry comes up to 2 s after it is due). */
  pollingIntervalSeconds?: number;
  /** How often the sweep looks for attempts overdue by more than `overdueByMs` (a lost job, a saver that died). */
  sweepEveryMs?: number;
  overdueByMs?: number;
};

export type UploadRetryWorker = { stop(): Promise<void> };

/** Starts the worker on `handle`: attempts arrive as jobs when due; call stop() before closing the database. */
export async function startUploadRetryWorker(handle: DbHandle, options: UploadRetryWorkerOptions = {}): Promise<UploadRetryWorker> {
  const boss = await startJobQueue(handle, [uploadRetryQueueDefinition]);
  const db = handle.db;
  await boss.work<{ transcriptionId: string }>(UPLOAD_RETRY_QUEUE, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
    // Claims the row only if the attempt is due and nobody else saves it: a duplicate or early job does nothing.
    await finalizeTranscription(db, job.data.transcriptionId);
  });
  const sweep = startSweep(() => retryDueUploads(db, { overdueByMs: options.overdueByMs ?? 30_000 }), {
    name: "Upload retry sweep",
    everyMs: options.sweepEveryMs ?? 60_000,
  });
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        await sweep.stop();
        await boss.stop({ graceful: true, close: false, wait: true, timeout: 15_000 });
      })();
      return stopped;
    },
  };
}
