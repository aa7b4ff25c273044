// Makes one delivery attempt: claims it on the delivery row, sends it, logs it, and schedules the retry or finishes the delivery.
import { and, eq, lte } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { outboxEvents, webhookAttempts, webhookDeliveries, webhookEndpoints } from "@/lib/db/schema";
import { retryDelayMs } from "@/lib/webhooks/backoff";
import { sendWebhook, WEBHOOK_TIMEOUT_MS, type SendWebhookResult } from "@/lib/webhooks/send";
import { endpointSigningSecrets } from "@/lib/webhooks/endpoints";
import { scheduleDelivery } from "@/lib/webhooks/dispatch";

export type AttemptOptions = {
  /** The operator's VERBATIM_WEBHOOK_ALLOW_PRIVATE; sendWebhook re-checks the resolved address with it. */
  allowPrivate: boolean;
  /** Delay before the next attempt after failed attempt `n`, or null to give up. Tests pass a short one. */
  retryDelayMs?: (attempt: number) => number | null;
  timeoutMs?: number;
  /** How long a claimed attempt may run before another worker may assume its worker died and take over. */
  leaseMs?: number;
};

export type AttemptOutcome = "not_due" | "delivered" | "retry_scheduled" | "failed" | "endpoint_disabled";

export const DEFAULT_ATTEMPT_LEASE_MS = 60_000;

/**
 * Attempt the delivery if it is due. The claim (row lock, attempt number, lease, log row) commits before anything is
 * sent, so two instances holding jobs for the same delivery cannot make the same attempt: the loser finds it not due.
 */
export async function runDeliveryAttempt(db: Db, deliveryId: string, options: AttemptOptions): Promise<AttemptOutcome> {
  const leaseMs = options.leaseMs ?? DEFAULT_ATTEMPT_LEASE_MS;
  const claimed = await db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, body: outboxEvents.body })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .innerJoin(outboxEvents, eq(outboxEvents.id, webhookDeliveries.eventId))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending"), lte(webhookDeliveries.nextAttemptAt, now)))
      .for("update", { of: webhookDeliveries, skipLocked: true });
    if (!row) return null;
    if (!row.endpoint.enabled) {
      await tx.update(webhookDeliveries).set({ status: "failed", finishedAt: now }).where(eq(webhookDeliveries.id, deliveryId));
      return "endpoint_disabled" as const;
    }
    const attemptNumber = row.delivery.attemptCount + 1;
    await tx
      .update(webhookDeliveries)
      .set({ attemptCount: attemptNumber, nextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(eq(webhookDeliveries.id, deliveryId));
    const [attempt] = await tx
      .insert(webhookAttempts)
      .values({ deliveryId, accountId: row.delivery.accountId, endpointId: row.endpoint.id, attemptNumber, startedAt: now })
      .returning({ id: webhookAttempts.id });
    return { endpoint: row.endpoint, body: row.body, attemptNumber, attemptId: attempt.id };
  });
  if (claimed === null) return "not_due";
  if (claimed === "endpoint_disabled") return claimed;

  let result: SendWebhookResult;
  try {
    result = await sendWebhook({
      url: claimed.endpoint.url,
      body: claimed.body,
      secrets: endpointSigningSecrets(claimed.endpoint),
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs ?? WEBHOOK_TIMEOUT_MS,
    });
  } catch (error) {
    // Only a programming or key error lands here (sendWebhook reports network outcomes); log it as the attempt's error.
    result = { ok: false, status: null, durationMs: 0, responseExcerpt: "", error: `internal error: ${(error as Error).message}` };
  }

  return db.transaction(async (tx) => {
    const finishedAt = new Date();
    await tx
      .update(webhookAttempts)
      .set({
        finishedAt,
        ok: result.ok,
        statusCode: result.status,
        durationMs: result.durationMs,
        responseExcerpt: result.responseExcerpt,
        error: result.error ?? null,
      })
      .where(eq(webhookAttempts.id, claimed.attemptId));
    if (result.ok) {
      await tx.update(webhookDeliveries).set({ status: "delivered", finishedAt }).where(eq(webhookDeliveries.id, deliveryId));
      return "delivered";
    }
    const delay = (options.retryDelayMs ?? retryDelayMs)(claimed.attemptNumber);
    if (delay === null) {
      await tx.update(webhookDeliveries).set({ status: "failed", finishedAt }).where(eq(webhookDeliveries.id, deliveryId));
      return "failed";
    }
    const at = new Date(finishedAt.getTime() + delay);
    await tx.update(webhookDeliveries).set({ nextAttemptAt: at }).where(eq(webhookDeliveries.id, deliveryId));
    await scheduleDelivery(tx, deliveryId, at);
    return "retry_scheduled";
  });
}
