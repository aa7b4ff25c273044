// Turns outbox events into deliveries (one per enabled, subscribed endpoint of the event's account) and keeps pending deliveries awake.
import { and, asc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { outboxEvents, webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { sendJobInTransaction } from "@/lib/jobs/queue";

/** The pg-boss queue of delivery attempts; a job only names a delivery, whose row says what to do. */
export const DELIVERY_QUEUE = "webhook-delivery";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Wakes a worker for the delivery at `at` (now by default), in the caller's transaction. */
export async function scheduleDelivery(tx: Tx, deliveryId: string, at?: Date): Promise<void> {
  await sendJobInTransaction(tx, DELIVERY_QUEUE, { deliveryId }, at && at.getTime() > Date.now() ? { startAfter: at } : {});
}

/**
 * Fans out up to `limit` undispatched outbox events, oldest first. Rows are taken with FOR UPDATE SKIP LOCKED, so
 * several instances share the work without doing any event twice; deliveries, their jobs and the dispatched mark
 * commit together. Returns the number of events handled.
 */
export async function dispatchOutbox(db: Db, limit = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const events = await tx
      .select({ id: outboxEvents.id, accountId: outboxEvents.accountId, type: outboxEvents.type })
      .from(outboxEvents)
      .where(isNull(outboxEvents.dispatchedAt))
      .orderBy(asc(outboxEvents.createdAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (events.length === 0) return 0;
    for (const event of events) {
      // The account filter is what keeps one account's events away from another's endpoints.
      const endpoints = await tx
        .select({ id: webhookEndpoints.id })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.accountId, event.accountId), eq(webhookEndpoints.enabled, true), sql`${event.type} = any(${webhookEndpoints.events})`));
      if (endpoints.length === 0) continue;
      const deliveries = await tx
        .insert(webhookDeliveries)
        .values(endpoints.map((e) => ({ accountId: event.accountId, endpointId: e.id, eventId: event.id, reason: "event" as const })))
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      for (const delivery of deliveries) await scheduleDelivery(tx, delivery.id);
    }
    await tx.update(outboxEvents).set({ dispatchedAt: new Date() }).where(inArray(outboxEvents.id, events.map((e) => e.id)));
    return events.length;
  });
}

/**
 * A safety net: a pending delivery whose time passed more than `graceMs` ago lost its wake-up job (a crash during an
 * attempt, or between an attempt and its bookkeeping). Sends it a new one. A duplicate job is harmless: an attempt
 * is claimed on the delivery row, and a job that finds nothing due does nothing.
 */
export async function wakeOverdueDeliveries(db: Db, graceMs: number, limit = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const overdue = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, "pending"), lt(webhookDeliveries.nextAttemptAt, new Date(Date.now() - graceMs))))
      .limit(limit)
      .for("update", { skipLocked: true });
    for (const delivery of overdue) await scheduleDelivery(tx, delivery.id);
    return overdue.length;
  });
}

/** Drops events (with their deliveries and attempts) older than the delivery log keeps. */
export async function pruneDeliveredEvents(db: Db, olderThan: Date): Promise<void> {
  await db
    .delete(outboxEvents)
    .where(
      and(
        isNotNull(outboxEvents.dispatchedAt),
        lt(outboxEvents.createdAt, olderThan),
        sql`not exists (select 1 from ${webhookDeliveries} where ${webhookDeliveries.eventId} = ${outboxEvents.id} and ${webhookDeliveries.status} = 'pending')`,
      ),
    );
}
