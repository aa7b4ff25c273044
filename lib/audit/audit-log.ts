// Records who changed what in an account, and reads it back for the dashboard.
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { auditEvents } from "@/lib/db/schema";
import type { Actor } from "@/lib/actor";

type Executor = Pick<Db, "insert">;

export async function recordAudit(
  db: Executor,
  actor: Actor,
  event: { action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> },
) {
  await db.insert(auditEvents).values({
    accountId: actor.accountId,
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    details: event.details ?? {},
  });
}

export async function listAudit(db: Db, accountId: string, opts: { action?: string; targetType?: string; limit?: number } = {}) {
  const filters = [eq(auditEvents.accountId, accountId)];
  if (opts.action) filters.push(eq(auditEvents.action, opts.action));
  if (opts.targetType) filters.push(eq(auditEvents.targetType, opts.targetType));
  return db
    .select()
    .from(auditEvents)
    .where(and(...filters))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(opts.limit ?? 50);
}
