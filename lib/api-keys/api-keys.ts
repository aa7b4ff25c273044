// API keys: created by admins, shown once, stored as a SHA-256 hash, revocable; each belongs to one account.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";
import { notFound } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";

const KEY_PREFIX = "vbt_";

export const apiKeyNameSchema = z.string().trim().min(1, "Give the key a name").max(80, "Name is too long");

// Keys carry 192 random bits, so a fast hash is enough: there is nothing to brute-force.
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export async function createApiKey(db: Db, actor: Actor, name: string) {
  requireAdmin(actor);
  const parsedName = apiKeyNameSchema.parse(name);
  const key = KEY_PREFIX + randomBytes(24).toString("base64url");
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({ accountId: actor.accountId, name: parsedName, displayPrefix: key.slice(0, 10), keyHash: hashApiKey(key), createdByUserId: actor.userId })
      .returning({ id: apiKeys.id, name: apiKeys.name, displayPrefix: apiKeys.displayPrefix, createdAt: apiKeys.createdAt });
    await recordAudit(tx, actor, { action: "api_key.created", targetType: "api_key", targetId: created.id, details: { name: parsedName } });
    return created;
  });
  return { ...row, key };
}

export async function listApiKeys(db: Db, accountId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      displayPrefix: apiKeys.displayPrefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      createdBy: users.email,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdByUserId))
    .where(eq(apiKeys.accountId, accountId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(db: Db, actor: Actor, keyId: string) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.accountId, actor.accountId), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw notFound("This key does not exist or is already revoked");
    await recordAudit(tx, actor, { action: "api_key.revoked", targetType: "api_key", targetId: row.id, details: { name: row.name } });
  });
}

/** The actor behind a bearer key, or null for a missing, unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string | null | undefined): Promise<Actor | null> {
  if (!key || !key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(key)));
  if (!row || row.revokedAt) return null;
  // Last use is informational; minute precision keeps hot keys from writing on every request.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.id));
  }
  // Keys are created by admins and act with the account's admin rights (documented in README and OpenAPI).
  return { accountId: row.accountId, userId: row.createdByUserId, role: "admin", label: `API key ${row.name}`, via: "api_key" };
}
