// The job queue: pg-boss 10 on the app's database (PostgreSQL or PGlite), its queues, and sending jobs inside a transaction.
import PgBoss from "pg-boss";
import type { DbHandle } from "@/lib/db/client";
import { pgBossDb, pgBossTransaction } from "./pg-boss-db";

export { PgBoss };

/** pg-boss keeps its tables in this schema of the app's database; it creates and migrates them itself at start. */
export const JOB_QUEUE_SCHEMA = "pgboss";

/**
 * A queue's own retry policy covers a job whose handler threw or whose worker died (expireInSeconds): pg-boss tries
 * it again retryLimit times, retryDelay seconds apart (doubling, with jitter, when retryBackoff is set).
 */
export type QueueDefinition = { name: string; retryLimit?: number; retryDelay?: number; retryBackoff?: boolean; expireInSeconds?: number };

/**
 * Starts pg-boss on `handle`: creates or migrates its schema (several instances take turns on its advisory lock),
 * runs its maintenance (expiring jobs whose worker died, archiving), and makes sure the queues exist.
 * Cron scheduling is off: nothing here needs it, and it would poll the database for nothing.
 */
export async function startJobQueue(handle: DbHandle, queues: QueueDefinition[]): Promise<PgBoss> {
  const boss = new PgBoss({ db: pgBossDb(handle), schema: JOB_QUEUE_SCHEMA, schedule: false, supervise: true, migrate: true });
  boss.on("error", (error) => console.error("Job queue error:", error));
  await boss.start();
  for (const queue of queues) await ensureQueue(boss, queue);
  const running = runningQueues();
  for (const queue of queues) running.set(queue.name, boss);
  boss.once("stopped", () => {
    for (const queue of queues) if (running.get(queue.name) === boss) running.delete(queue.name);
  });
  return boss;
}

// On globalThis: Next.js may load this module more than once in one server process.
const runningKey = Symbol.for("verbatim.jobs.running-queues");
function runningQueues(): Map<string, PgBoss> {
  const holder = globalThis as { [runningKey]?: Map<string, PgBoss> };
  holder[runningKey] ??= new Map();
  return holder[runningKey];
}

async function ensureQueue(boss: PgBoss, queue: QueueDefinition) {
  if (await boss.getQueue(queue.name)) return;
  try {
    await boss.createQueue(queue.name, { policy: "standard", ...queue });
  } catch (error) {
    // Another instance created it between our check and our insert.
    if (!(await boss.getQueue(queue.name))) throw error;
  }
}

type Executor = Parameters<typeof pgBossTransaction>[0];

// Sending needs only pg-boss's SQL, not a started instance: this one is never started and always given a `db`.
let sender: PgBoss | undefined;
function senderBoss(): PgBoss {
  sender ??= new PgBoss({
    db: { executeSql: () => Promise.reject(new Error("the job sender runs only inside a transaction")) },
    schema: JOB_QUEUE_SCHEMA,
    schedule: false,
    supervise: false,
    migrate: false,
  });
  return sender;
}

/**
 * Adds a job in the caller's drizzle transaction, so it exists exactly when the transaction's other writes commit.
 * The queue must exist (startJobQueue creates it when the server process starts).
 */
export async function sendJobInTransaction(tx: Executor, name: string, data: object, options: { startAfter?: Date } = {}): Promise<string> {
  const id = await senderBoss().send(name, data, { ...options, db: pgBossTransaction(tx) } as PgBoss.SendOptions);
  // pg-boss inserts nothing (and answers null) for a queue that does not exist; a silently dropped job is the one
  // outcome we cannot have, so the caller's transaction fails instead.
  if (!id) throw new Error(`Job queue "${name}" does not exist: start the job queue (lib/server/start.ts) before sending jobs`);
  return id;
}

/**
 * Sends a wake-up job on a queue this process started, in the caller's transaction (the job exists exactly when the
 * row that says what is due commits); undefined when no such queue runs here (a script, a test without workers). Only
 * for work whose row in the database says what is due, so that queue's sweep finds work no job was sent for.
 */
export async function sendWakeUpInTransaction(tx: Executor, name: string, data: object, options: { startAfter?: Date } = {}): Promise<string | undefined> {
  if (!runningQueues().has(name)) return undefined;
  return sendJobInTransaction(tx, name, data, options.startAfter && options.startAfter.getTime() > Date.now() ? { startAfter: options.startAfter } : {});
}
