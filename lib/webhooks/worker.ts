// The webhook worker of a process: relays the outbox, runs delivery jobs from pg-boss, and wakes deliveries whose job was lost.
import type { DbHandle } from "@/lib/db/client";
import { startJobQueue, type PgBoss } from "@/lib/jobs/queue";
import { startSweep } from "@/lib/jobs/sweep";
import { DELIVERY_QUEUE, dispatchOutbox, pruneDeliveredEvents, wakeOverdueDeliveries } from "@/lib/webhooks/dispatch";
import { runDeliveryAttempt, type AttemptOptions } from "@/lib/webhooks/attempt";

/** How the delivery queue is set up in pg-boss. Its own retries only cover a worker dying or the database failing mid-job. */
export const deliveryQueueDefinition = { name: DELIVERY_QUEUE, retryLimit: 10, retryDelay: 30, expireInSeconds: 60 };

/** Delivery attempts and their log are kept this long, then pruned with their events. */
export const DELIVERY_LOG_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type WebhookWorkerOptions = AttemptOptions & {
  /** How often pg-boss looks for due jobs (seconds, at least 0.5). */
  pollingIntervalSeconds?: number;
  /** How often the outbox is checked for new events. */
  dispatchIntervalMs?: number;
  /** How often overdue deliveries are woken and old events pruned. */
  sweepIntervalMs?: number;
  /** Deliveries in several jobs handled at once per poll, so one hanging endpoint does not hold up the others. */
  batchSize?: number;
};

export type WebhookWorker = { boss: PgBoss; stop(): Promise<void> };

/** Starts the worker on `handle`; call stop() before closing the database. Used by lib/server/start.ts and by tests. */
export async function startWebhookWorker(handle: DbHandle, options: WebhookWorkerOptions): Promise<WebhookWorker> {
  // Its own pg-boss instance: stopping it gracefully waits for running attempts and their bookkeeping.
  const boss = await startJobQueue(handle, [deliveryQueueDefinition]);
  const db = handle.db;
  const leaseMs = options.leaseMs;
  let stopping = false;

  await boss.work<{ deliveryId: string }>(
    DELIVERY_QUEUE,
    { batchSize: options.batchSize ?? 5, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
    async (jobs) => {
      // A thrown error fails the batch's jobs and pg-boss retries them; attempts already made are then found not due.
      await Promise.all(jobs.map((job) => runDeliveryAttempt(db, job.data.deliveryId, options)));
    },
  );

  const sweeps = [
    startSweep(
      async () => {
        while (!stopping && (await dispatchOutbox(db)) > 0);
      },
      { name: "Webhook outbox relay", everyMs: options.dispatchIntervalMs ?? 1000 },
    ),
    startSweep(
      async () => {
        await wakeOverdueDeliveries(db, (leaseMs ?? 60_000) + 30_000);
        await pruneDeliveredEvents(db, new Date(Date.now() - DELIVERY_LOG_RETENTION_MS));
      },
      { name: "Webhook delivery sweep", everyMs: options.sweepIntervalMs ?? 60_000 },
    ),
  ];

  // One stop however often it is asked for: a second caller waits for the same one instead of returning at once.
  let stopped: Promise<void> | undefined;
  return {
    boss,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await Promise.all(sweeps.map((sweep) => sweep.stop()));
        // Graceful: waits for attempts in flight (at most the 5 s send timeout) and leaves the database open.
        await boss.stop({ graceful: true, close: false, wait: true, timeout: 15_000 });
      })();
      return stopped;
    },
  };
}
