// The webhook outbox: modules record events in their own transaction; the webhook worker delivers them after commit.
import type { Db } from "@/lib/db/client";
import { outboxEvents } from "@/lib/db/schema";
import { buildEnvelope, eventId } from "@/lib/webhooks/sign";
import type { WebhookEventData, WebhookEventType } from "@/lib/webhooks/events";

/** A drizzle transaction (or the database itself, when the event is the only write). */
export type OutboxExecutor = Pick<Db, "insert">;

export type OutboxEventInput<T extends WebhookEventType> = {
  /** The account whose endpoints receive the event; no other account's endpoint ever does. */
  accountId: string;
  type: T;
  /** The event's `data` as api.md lists it; validated here, so a malformed event throws in the caller's transaction. */
  data: WebhookEventData<T>;
};

/**
 * Records a webhook event INSIDE the caller's transaction, so it exists exactly when the change it reports commits
 * (a rolled-back change sends nothing; a committed one is never lost, even if the process dies right after).
 *
 *   await db.transaction(async (tx) => {
 *     await tx.update(transcriptions).set({ phase: "ready", ... }).where(...);
 *     await enqueueEvent(tx, { accountId, type: "transcription.finished", data: { roomName, roomSessionId, ... } });
 *   });
 *
 * The webhook worker (lib/webhooks/worker.ts) turns the event into one delivery per enabled endpoint of that account
 * subscribed to `type`, usually within a second or two. Returns the event id, the envelope `id` every attempt carries.
 * Throws a ZodError when `data` does not match the event's schema (lib/webhooks/events.ts).
 */
export async function enqueueEvent<T extends WebhookEventType>(tx: OutboxExecutor, event: OutboxEventInput<T>): Promise<{ eventId: string }> {
  const id = eventId();
  const createdAt = new Date();
  const envelope = buildEnvelope(event.type, event.data, { id, createdAt });
  await tx.insert(outboxEvents).values({
    id,
    accountId: event.accountId,
    type: event.type,
    data: envelope.data as Record<string, unknown>,
    // Serialized once: every attempt and every redelivery sends these exact bytes.
    body: JSON.stringify(envelope),
    createdAt,
  });
  return { eventId: id };
}
