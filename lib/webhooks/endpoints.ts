// Webhook endpoints of an account: create (secret shown once), list, rotate the secret with a grace period, enable/disable, delete.
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accounts, webhookEndpoints } from "@/lib/db/schema";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { appEnv } from "@/lib/config/env";
import { appKeyring } from "@/lib/config/keyring";
import { openSecret, sealSecret } from "@/lib/crypto/seal";
import { AppError, invalid, notFound } from "@/lib/errors";
import { generateWebhookSecret } from "@/lib/webhooks/sign";
import { resolveDeliveryTarget, systemResolver, validateTargetUrl, type Resolver } from "@/lib/net/address-policy";
import type { WebhookEventType } from "@/lib/webhooks/events";
import { createEndpointBodySchema, MAX_ENDPOINTS_PER_ACCOUNT, type CreateEndpointInput } from "@/lib/webhooks/endpoint-schemas";
import { uuidPattern } from "@/lib/validation/uuid";

/** After a rotation the old secret keeps signing (both signatures are sent) for this long, so receivers can switch over. */
export const SECRET_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export type WebhookEndpoint = {
  webhookId: string;
  url: string;
  events: WebhookEventType[];
  description: string;
  enabled: boolean;
  createdAt: Date;
  /** While a rotation's grace period runs: when the previous secret stops signing. */
  previousSecretExpiresAt: Date | null;
};

// The sealed secret is bound to its endpoint row: copied into another row, it fails to open.
const secretAad = (endpointId: string) => `webhook-endpoint:${endpointId}`;

export function toWebhookEndpoint(row: WebhookEndpointRow, now = new Date()): WebhookEndpoint {
  const graceRunning = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    webhookId: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    description: row.description,
    enabled: row.enabled,
    createdAt: row.createdAt,
    previousSecretExpiresAt: graceRunning ? row.previousSecretExpiresAt : null,
  };
}

/** The secrets that sign a delivery now: the current one first, then the previous one during its grace period. */
export function endpointSigningSecrets(row: WebhookEndpointRow, now = new Date()): string[] {
  const secrets = [openSecret(row.secretSealed, appKeyring(), secretAad(row.id))];
  if (row.previousSecretSealed && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) {
    secrets.push(openSecret(row.previousSecretSealed, appKeyring(), secretAad(row.id)));
  }
  return secrets;
}

const allowPrivateDefault = () => appEnv().VERBATIM_WEBHOOK_ALLOW_PRIVATE;

/** Names under the special-use domains of RFC 2606/6761 never resolve publicly: no DNS query is sent for them. */
const reservedName = /(^|\.)(test|example|invalid|example\.com|example\.net|example\.org)\.?$/i;
const resolveUnlessReserved: Resolver = async (hostname) => {
  if (reservedName.test(hostname)) throw Object.assign(new Error(`${hostname} is a reserved name`), { code: "ENOTFOUND" });
  return systemResolver(hostname);
};

/** Refuses a URL that cannot receive webhooks, by the address policy and by what its host resolves to now; the URL as stored. */
async function receivableUrl(url: string, opts: { allowPrivate: boolean; resolve?: Resolver }): Promise<string> {
  const check = validateTargetUrl(url, { allowPrivate: opts.allowPrivate });
  if (!check.ok) throw invalid("url", `This URL cannot receive webhooks: ${check.reason}.`);
  // A host name that resolves to a refused address would fail every delivery: say so now. A name that does not
  // resolve (yet) is taken; each delivery checks again anyway.
  const resolved = await resolveDeliveryTarget(url, { allowPrivate: opts.allowPrivate, resolve: opts.resolve ?? resolveUnlessReserved });
  if (!resolved.ok && resolved.stage === "policy") {
    throw invalid("url", `This URL cannot receive webhooks: its host ${check.url.hostname} resolves to ${resolved.reason}.`);
  }
  return check.url.toString();
}

/**
 * Adds an endpoint and returns it with its signing secret, which is never shown again.
 * `allowPrivate` defaults to the operator's VERBATIM_WEBHOOK_ALLOW_PRIVATE.
 */
export async function createWebhookEndpoint(
  db: Db,
  actor: Actor,
  input: CreateEndpointInput,
  options: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireAdmin(actor);
  const parsed = createEndpointBodySchema.parse(input);
  const allowPrivate = options.allowPrivate ?? allowPrivateDefault();
  const url = await receivableUrl(parsed.url, { allowPrivate, resolve: options.resolve });
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const row = await db.transaction(async (tx) => {
    // Locking the account row serializes concurrent creations, so the limit holds under races.
    await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, actor.accountId)).for("update");
    const [{ n }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.accountId, actor.accountId));
    if (n >= MAX_ENDPOINTS_PER_ACCOUNT) {
      throw new AppError("validation", `An account can have at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints. Delete one first.`, [
        { path: "url", message: `An account can have at most ${MAX_ENDPOINTS_PER_ACCOUNT} webhook endpoints. Delete one first.` },
      ]);
    }
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({
        id,
        accountId: actor.accountId,
        url,
        description: parsed.description,
        events: parsed.events,
        secretSealed: sealSecret(secret, appKeyring(), secretAad(id)),
        createdByUserId: actor.userId,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: "webhook.created",
      targetType: "webhook",
      targetId: id,
      details: { url: created.url, events: parsed.events },
    });
    return created;
  });
  return { endpoint: toWebhookEndpoint(row), secret };
}

export async function listWebhookEndpoints(db: Db, accountId: string): Promise<WebhookEndpoint[]> {
  const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.accountId, accountId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return rows.map((row) => toWebhookEndpoint(row));
}

/** The endpoint, or null when the id is malformed, unknown, or another account's. */
export async function findWebhookEndpoint(db: Pick<Db, "select">, accountId: string, webhookId: string): Promise<WebhookEndpointRow | null> {
  if (!uuidPattern.test(webhookId)) return null;
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.accountId, accountId)));
  return row ?? null;
}

/** A new secret; the previous one keeps signing for SECRET_ROTATION_GRACE_MS. Returns the new secret, shown once. */
export async function rotateWebhookSecret(db: Db, actor: Actor, webhookId: string, now = new Date()): Promise<{ secret: string; previousSecretExpiresAt: Date }> {
  requireAdmin(actor);
  const secret = generateWebhookSecret();
  const previousSecretExpiresAt = new Date(now.getTime() + SECRET_ROTATION_GRACE_MS);
  await db.transaction(async (tx) => {
    const row = await findWebhookEndpoint(tx, actor.accountId, webhookId);
    if (!row) throw notFound("This webhook endpoint does not exist");
    // Rotating again during a grace period drops the oldest secret: at most two ever sign.
    await tx
      .update(webhookEndpoints)
      .set({
        secretSealed: sealSecret(secret, appKeyring(), secretAad(row.id)),
        previousSecretSealed: row.secretSealed,
        previousSecretExpiresAt,
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, row.id));
    await recordAudit(tx, actor, { action: "webhook.secret_rotated", targetType: "webhook", targetId: row.id, details: { url: row.url } });
  });
  return { secret, previousSecretExpiresAt };
}

/**
 * Changes an endpoint's URL, description and events; its signing secret stays, so the receiver needs no change.
 * The URL policy is checked as when it was added.
 */
export async function updateWebhookEndpoint(
  db: Db,
  actor: Actor,
  webhookId: string,
  input: CreateEndpointInput,
  options: { allowPrivate?: boolean; resolve?: Resolver } = {},
): Promise<WebhookEndpoint> {
  requireAdmin(actor);
  const parsed = createEndpointBodySchema.parse(input);
  const url = await receivableUrl(parsed.url, { allowPrivate: options.allowPrivate ?? allowPrivateDefault(), resolve: options.resolve });
  return db.transaction(async (tx) => {
    const row = await findWebhookEndpoint(tx, actor.accountId, webhookId);
    if (!row) throw notFound("This webhook endpoint does not exist");
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ url, description: parsed.description, events: parsed.events, updatedAt: sql`now()` })
      .where(eq(webhookEndpoints.id, row.id))
      .returning();
    await recordAudit(tx, actor, {
      action: "webhook.updated",
      targetType: "webhook",
      targetId: row.id,
      details: { url: updated.url, events: parsed.events, previousUrl: row.url === updated.url ? undefined : row.url },
    });
    return toWebhookEndpoint(updated);
  });
}

/** A disabled endpoint gets no new deliveries, and pending retries to it stop. */
export async function setWebhookEndpointEnabled(db: Db, actor: Actor, webhookId: string, enabled: boolean): Promise<void> {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const row = await findWebhookEndpoint(tx, actor.accountId, webhookId);
    if (!row) throw notFound("This webhook endpoint does not exist");
    await tx.update(webhookEndpoints).set({ enabled, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, row.id));
    await recordAudit(tx, actor, { action: enabled ? "webhook.enabled" : "webhook.disabled", targetType: "webhook", targetId: row.id, details: { url: row.url } });
  });
}

/** Deletes the endpoint with its delivery log. Idempotent: false when there was nothing (of this account) to delete. */
export async function deleteWebhookEndpoint(db: Db, actor: Actor, webhookId: string): Promise<boolean> {
  requireAdmin(actor);
  if (!uuidPattern.test(webhookId)) return false;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, webhookId), eq(webhookEndpoints.accountId, actor.accountId)))
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (!row) return false;
    await recordAudit(tx, actor, { action: "webhook.deleted", targetType: "webhook", targetId: row.id, details: { url: row.url } });
    return true;
  });
}
