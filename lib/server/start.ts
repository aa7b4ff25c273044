// Starts the background work of a server process (job queue workers, session recovery); each feature adds its part here.
import { appEnv } from "@/lib/config/env";
import { getDbHandle, type Db } from "@/lib/db/client";
import { ensureLiveRelay } from "@/lib/pipeline/live/pg-relay";
import { shutdownPipeline } from "@/lib/pipeline/shutdown";
import { clusterStartRefusal } from "@/lib/pipeline/instances";
import { startWebhookWorker, type WebhookWorker } from "@/lib/webhooks/worker";
import { startPipelineJobs } from "@/lib/pipeline/background";
import { startRetentionJob } from "@/lib/transcripts/retention";
import { startSummaryWorker } from "@/lib/summaries/worker";

// On globalThis: Next.js may load this module more than once in one process, and the workers must start once.
const key = Symbol.for("verbatim.background-work");
type Holder = { [key]?: Promise<void> };

/** This instance must not serve (another is live on the database and this one would keep per-host state): the reason. */
export class StartRefusedError extends Error {}

export async function startBackgroundWork(): Promise<void> {
  const holder = globalThis as Holder;
  if (holder[key]) return;
  holder[key] = (async () => {
    const handle = await getDbHandle();
    const refusal = await clusterStartRefusal(handle.db, appEnv());
    if (refusal) throw new StartRefusedError(refusal);
    await ensureLiveRelay(); // live events between instances (PostgreSQL LISTEN/NOTIFY)
    const webhooks: WebhookWorker = await startWebhookWorker(handle, { allowPrivate: appEnv().VERBATIM_WEBHOOK_ALLOW_PRIVATE });
    const stopPipelineJobs = await startPipelineJobs();
    const retention = startRetentionJob(handle.db);
    const summaries = await startSummaryWorker(handle);
    const stop = async () => {
      await Promise.all([stopPipelineJobs(), retention.stop(), webhooks.stop(), summaries.stop()]);
    };
    // Next.js's own handler would exit at once (start.ts sets NEXT_MANUAL_SIG_HANDLE to turn it off): this one first
    // lets live sessions store their last words and hand their leases back, then finishes webhook attempts in flight
    // (at most the 5 s send timeout); the rest waits in the database. All within the grace period.
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => void shutDown(handle.db, stop, signal));
    }
  })();
  await holder[key];
}

/** The graceful exit: live sessions first (they hold words not yet stored), then the workers; forced at the grace period's end. */
async function shutDown(db: Db, stopWorkers: () => Promise<void>, signal: NodeJS.Signals) {
  const graceMs = appEnv().VERBATIM_SHUTDOWN_GRACE_SECONDS * 1000;
  const started = Date.now();
  setTimeout(() => {
    console.error(`Shutdown took longer than VERBATIM_SHUTDOWN_GRACE_SECONDS (${graceMs / 1000} s); exiting now.`);
    process.exit(1);
  }, graceMs).unref();
  console.log(`${signal}: refusing new audio, flushing live sessions (up to ${graceMs / 1000} s)…`);
  try {
    // Most of the grace goes to the sessions; the workers' stop needs a few seconds at most.
    const report = await shutdownPipeline(db, { graceMs: Math.max(1_000, graceMs - 6_000) });
    console.log(
      `Live sessions: ${report.flushed}/${report.sessions} flushed and stored, ${report.released} lease(s) handed back${report.timedOut ? " (the grace period ran out)" : ""}.`,
    );
  } catch (error) {
    console.error("Flushing live sessions at shutdown failed:", error);
  }
  await stopWorkers().catch((error) => console.error("Stopping background work failed:", error));
  console.log(`Stopped in ${Date.now() - started} ms.`);
  process.exit(0);
}
