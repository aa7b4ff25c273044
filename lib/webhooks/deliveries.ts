// Admin actions on deliveries (redeliver an event, send a test event) and the delivery log the dashboard shows.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { outboxEvents, webhookAttempts, webhookDeliveries } from "@/lib/db/schema";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { AppError, notFound } from "@/lib/errors";
import { eventId as newEventId } from "@/lib/webhooks/sign";
import { findWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { scheduleDelivery } from "@/lib/webhooks/dispatch";
import { buildTestEnvelope, TEST_EVENT_TYPE } from "@/lib/webhooks/test-event";
import type { DeliveryStatus } from "@/lib/db/schema";

const HEX_64 = /^[0-9a-f]{64}$/;

const disabledError = () => new AppError("conflict", "This endpoint is disabled. Enable it first.");

/**
 * Sends an event of the account once more to one of its endpoints, as a new delivery with its own attempts and
 * retries; the envelope (and its `id`) is the original one. Any event of the account may be redelivered.
 */
export async function redeliverEvent(db: Db, actor: Actor, input: { webhookId: string; eventId: string }): Promise<{ deliveryId: string }> {
  requireAdmin(actor);
  return db.transaction(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, actor.accountId, input.webhookId);
    if (!endpoint) throw notFound("This webhook endpoint does not exist");
    if (!endpoint.enabled) throw disabledError();
    const [event] = HEX_64.test(input.eventId)
      ? await tx
          .select({ id: outboxEvents.id, type: outboxEvents.type })
          .from(outboxEvents)
          .where(and(eq(outboxEvents.id, input.eventId), eq(outboxEvents.accountId, actor.accountId)))
      : [];
    if (!event) throw notFound("This event does not exist");
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ accountId: actor.accountId, endpointId: endpoint.id, eventId: event.id, reason: "redeliver" })
      .returning({ id: webhookDeliveries.id });
    await scheduleDelivery(tx, delivery.id);
    await recordAudit(tx, actor, { action: "webhook.redelivered", targetType: "webhook", targetId: endpoint.id, details: { eventId: event.id, type: event.type } });
    return { deliveryId: delivery.id };
  });
}

/** Sends a `webhook.test` event to this endpoint only, through the normal delivery path (signed, logged, retried). */
export async function sendTestEvent(db: Db, actor: Actor, webhookId: string): Promise<{ eventId: string; deliveryId: string }> {
  requireAdmin(actor);
  return db.transaction(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, actor.accountId, webhookId);
    if (!endpoint) throw notFound("This webhook endpoint does not exist");
    if (!endpoint.enabled) throw disabledError();
    const id = newEventId();
    const createdAt = new Date();
    const envelope = buildTestEnvelope({ id, createdAt, webhookId: endpoint.id });
    // Dispatched already: a test event goes to the chosen endpoint, not to every subscriber.
    await tx.insert(outboxEvents).values({ id, accountId: actor.accountId, type: TEST_EVENT_TYPE, data: envelope.data, body: JSON.stringify(envelope), createdAt, dispatchedAt: createdAt });
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({ accountId: actor.accountId, endpointId: endpoint.id, eventId: id, reason: "test" })
      .returning({ id: webhookDeliveries.id });
    await scheduleDelivery(tx, delivery.id);
    return { eventId: id, deliveryId: delivery.id };
  });
}

export type DeliveryLogAttempt = {
  attemptNumber: number;
  startedAt: Date;
  /** null while the attempt runs, or when its worker died before logging the answer. */
  finishedAt: Date | null;
  ok: boolean | null;
  statusCode: number | null;
  durationMs: number | null;
  responseExcerpt: string | null;
  error: string | null;
};

export type DeliveryLogEntry = {
  deliveryId: string;
  eventId: string;
  eventType: string;
  reason: "event" | "redeliver" | "test";
  status: DeliveryStatus;
  createdAt: Date;
  nextAttemptAt: Date | null;
  attempts: DeliveryLogAttempt[];
};

/** The latest deliveries to one endpoint of the account, newest first, each with every attempt. Empty for another account's endpoint. */
export async function listDeliveryLog(db: Db, accountId: string, webhookId: string, limit = 50): Promise<DeliveryLogEntry[]> {
  const endpoint = await findWebhookEndpoint(db, accountId, webhookId);
  if (!endpoint) return [];
  const deliveries = await db
    .select({ delivery: webhookDeliveries, eventType: outboxEvents.type })
    .from(webhookDeliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.accountId, accountId)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  const ids = deliveries.map((d) => d.delivery.id);
  const attempts = ids.length
    ? await db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, ids)).orderBy(desc(webhookAttempts.attemptNumber))
    : [];
  return deliveries.map(({ delivery, eventType }) => ({
    deliveryId: delivery.id,
    eventId: delivery.eventId,
    eventType,
    reason: delivery.reason,
    status: delivery.status,
    createdAt: delivery.createdAt,
    nextAttemptAt: delivery.status === "pending" ? delivery.nextAttemptAt : null,
    attempts: attempts
      .filter((a) => a.deliveryId === delivery.id)
      .map((a) => ({
        attemptNumber: a.attemptNumber,
        startedAt: a.startedAt,
        finishedAt: a.finishedAt,
        ok: a.ok,
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        responseExcerpt: a.responseExcerpt,
        error: a.error,
      })),
  }));
}
