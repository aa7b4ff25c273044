// Starts the background work of a server process (job queue workers, session recovery); each feature adds its part here.
import { appEnv } from "@/lib/config/env";
import { getDbHandle } from "@/lib/db/client";
import { startWebhookWorker, type WebhookWorker } from "@/lib/webhooks/worker";
import { startPipelineJobs } from "@/lib/jobs/pipeline-jobs";
import { startRetentionJob, stopRetentionJob } from "@/lib/jobs/retention";
import { startSummaryWorker } from "@/lib/summaries/worker";

// On globalThis: Next.js may load this module more than once in one process, and the workers must start once.
const key = Symbol.for("verbatim.background-work");
type Holder = { [key]?: Promise<{ stop(): Promise<void> }> };

export async function startBackgroundWork(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder[key]) return;
  holder[key] = (async () => {
    const handle = await getDbHandle();
    const webhooks: WebhookWorker = await startWebhookWorker(handle, { allowPrivate: appEnv().VERBATIM_WEBHOOK_ALLOW_PRIVATE });
    const stopPipelineJobs = await startPipelineJobs();
    startRetentionJob(handle.db);
    const summaries = await startSummaryWorker(handle);
    const stop = async () => {
      stopPipelineJobs();
      stopRetentionJob();
      await Promise.all([webhooks.stop(), summaries.stop()]);
    };
    // Finish attempts in flight (at most the 5 s send timeout) before the process exits; the rest waits in the database.
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        stop()
          .catch((error) => console.error("Stopping background work failed:", error))
          .finally(() => process.exit(0));
      });
    }
    return { stop };
  })();
  await holder[key];
}

/** Stops what startBackgroundWork started (tests and scripts that run it in-process). */
export async function stopBackgroundWork(): Promise<void> {
  const holder = globalThis as Holder;
  const running = holder[key];
  delete holder[key];
  if (running) await (await running).stop();
}
