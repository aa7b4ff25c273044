// Whether each endpoint's deliveries are getting through: what the Webhooks page shows beside the endpoint, so a
// failing receiver is seen without opening its delivery log.
import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { webhookAttempts, webhookDeliveries } from "@/lib/db/schema";

export type EndpointHealth = {
  /** Deliveries that gave up (every retry failed) in the window. */
  failed: number;
  /** Deliveries whose last attempt failed and that will be tried again. */
  retrying: number;
  /** The latest failed attempt in the window: when, and what the receiver answered. */
  lastFailure: { at: Date; statusCode: number | null; error: string | null } | null;
};

export const HEALTH_WINDOW_MS = 24 * 3600_000;

/** Per endpoint id of the account (those with no trouble are absent), over the last 24 hours. */
export async function endpointHealth(db: Db, accountId: string, now = new Date()): Promise<Map<string, EndpointHealth>> {
  const since = new Date(now.getTime() - HEALTH_WINDOW_MS);
  const troubled = await db
    .select({
      endpointId: webhookDeliveries.endpointId,
      failed: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'failed')`.mapWith(Number),
      retrying: sql<number>`count(*) filter (where ${webhookDeliveries.status} = 'pending' and ${webhookDeliveries.attemptCount} > 0)`.mapWith(Number),
    })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.accountId, accountId),
        gt(webhookDeliveries.createdAt, since),
        or(eq(webhookDeliveries.status, "failed"), and(eq(webhookDeliveries.status, "pending"), gt(webhookDeliveries.attemptCount, 0))),
      ),
    )
    .groupBy(webhookDeliveries.endpointId);
  const health = new Map<string, EndpointHealth>();
  if (troubled.length === 0) return health;
  const last = await db
    .selectDistinctOn([webhookAttempts.endpointId], {
      endpointId: webhookAttempts.endpointId,
      at: webhookAttempts.startedAt,
      statusCode: webhookAttempts.statusCode,
      error: webhookAttempts.error,
    })
    .from(webhookAttempts)
    .where(
      and(
        eq(webhookAttempts.accountId, accountId),
        inArray(
          webhookAttempts.endpointId,
          troubled.map((t) => t.endpointId),
        ),
        eq(webhookAttempts.ok, false),
        gt(webhookAttempts.startedAt, since),
      ),
    )
    .orderBy(webhookAttempts.endpointId, sql`${webhookAttempts.startedAt} desc`);
  const lastBy = new Map(last.map((l) => [l.endpointId, { at: l.at, statusCode: l.statusCode, error: l.error }]));
  for (const t of troubled) health.set(t.endpointId, { failed: t.failed, retrying: t.retrying, lastFailure: lastBy.get(t.endpointId) ?? null });
  return health;
}
