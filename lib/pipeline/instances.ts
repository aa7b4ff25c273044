// The instances sharing one PostgreSQL database: each renews its row, and one that would keep per-host state (generated secrets, directory storage) refuses to start beside another.
import fs from "node:fs";
import path from "node:path";
import { and, eq, gt, ne, sql } from "drizzle-orm";
import type { AppEnv } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { appInstances } from "@/lib/db/schema";
import { hostedS3FromEnv } from "@/lib/storage/hosted";
import { instanceId, internalUrl, leaseMs } from "@/lib/pipeline/lease";
import { overCapacity } from "@/lib/speech/recognizer-pool";

/** Another instance counts as live when its row was renewed this recently (it renews with every lease sweep). */
export const instanceLiveWindowMs = () => Math.max(60_000, 3 * leaseMs());

/** Records (or renews) this instance's row, with whether it is over capacity; called at start and with every sweep. */
export async function heartbeatInstance(db: Pick<Db, "insert">, now = new Date(), full = overCapacity()): Promise<void> {
  await db
    .insert(appInstances)
    .values({ id: instanceId(), address: internalUrl(), startedAt: now, lastSeenAt: now, overCapacity: full })
    .onConflictDoUpdate({ target: appInstances.id, set: { address: internalUrl(), lastSeenAt: now, overCapacity: full } });
}


/** The other instances renewed within the live window, by id (only those over capacity at their last renewal, if asked). */
async function liveOthers(db: Pick<Db, "select">, now: Date, opts: { overCapacity?: boolean } = {}): Promise<string[]> {
  const since = new Date(now.getTime() - instanceLiveWindowMs());
  const rows = await db
    .select({ id: appInstances.id })
    .from(appInstances)
    .where(and(ne(appInstances.id, instanceId()), gt(appInstances.lastSeenAt, since), opts.overCapacity ? eq(appInstances.overCapacity, true) : undefined))
    .orderBy(sql`${appInstances.id}`);
  return rows.map((r) => r.id);
}

/** The other instances renewed within the live window, by id. */
export function otherLiveInstances(db: Pick<Db, "select">, now = new Date()): Promise<string[]> {
  return liveOthers(db, now);
}

/**
 * The other live instances that said at their last renewal that they are over capacity (refusing new sessions), by
 * id: this instance's dashboard shows them beside its own state, which it knows first-hand.
 */
export function otherInstancesOverCapacity(db: Pick<Db, "select">, now = new Date()): Promise<string[]> {
  return liveOthers(db, now, { overCapacity: true });
}

type StateEnv = Pick<AppEnv, "AUTH_SECRET" | "VERBATIM_ENCRYPTION_KEYS" | "dataDir"> & Parameters<typeof hostedS3FromEnv>[0];

/**
 * What this instance would keep per host, each with the setting that fixes it: secrets generated into the data
 * directory (another host generates different ones, so its sessions, tokens and sealed secrets are unreadable here)
 * and the directory storage (transcripts saved on one host are missing on the others).
 */
export function perHostState(env: StateEnv): string[] {
  const problems: string[] = [];
  if (!env.AUTH_SECRET || env.AUTH_SECRET === generatedAuthSecret(env.dataDir)) {
    problems.push("AUTH_SECRET is not set (a secret generated in this host's data directory signs sign-in sessions): set the same AUTH_SECRET on every instance");
  }
  if (!env.VERBATIM_ENCRYPTION_KEYS?.trim()) {
    problems.push(
      "VERBATIM_ENCRYPTION_KEYS is not set (a key generated in this host's data directory seals stored secrets and signs participant tokens): set the same VERBATIM_ENCRYPTION_KEYS on every instance",
    );
  }
  if (!hostedS3FromEnv(env)) {
    problems.push("VERBATIM_HOSTED_S3_* is not set (hosted transcripts would be saved in this host's data directory): set the same VERBATIM_HOSTED_S3_* on every instance");
  }
  return problems;
}

/** The secret `npm start` generated (and passes on as AUTH_SECRET), if there is one: still per host. */
function generatedAuthSecret(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, "secrets", "auth-secret"), "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * With DATABASE_URL set: records this instance, then returns the reason it must not start when another instance is
 * live on the same database and this one would keep per-host state; undefined when it may start. Without
 * DATABASE_URL (the embedded database is one process's) there is nothing to share.
 */
export async function clusterStartRefusal(db: Pick<Db, "select" | "insert">, env: StateEnv & Pick<AppEnv, "DATABASE_URL">): Promise<string | undefined> {
  if (!env.DATABASE_URL) return undefined;
  const others = await otherLiveInstances(db);
  const problems = perHostState(env);
  if (others.length === 0 || problems.length === 0) {
    await heartbeatInstance(db);
    return undefined;
  }
  const shown = others.slice(0, 5).join(", ") + (others.length > 5 ? `, and ${others.length - 5} more` : "");
  return [
    `Refusing to start: another Verbatim instance (${shown}) is live on this database, and this instance (${instanceId()}) would keep state only this host has:`,
    ...problems.map((p) => `  - ${p}`),
    "Every instance must share these settings (see the README's \"Running several instances\").",
  ].join("\n");
}

/** A graceful stop removes this instance's row: it is no longer live, and a replacement may start at once. */
export async function forgetInstance(db: Pick<Db, "delete">): Promise<void> {
  await db.delete(appInstances).where(eq(appInstances.id, instanceId()));
}
