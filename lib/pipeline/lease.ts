// Session ownership: one app instance at a time holds a room session's live state, through a renewed lease row in the database.
import { appEnv } from "@/lib/config/env";
import os from "node:os";
import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { roomSessions } from "@/lib/db/schema";

/** How long a lease lasts without renewal (VERBATIM_LEASE_SECONDS); the renew loop runs every leaseRenewMs(). */
export function leaseMs(): number {
  return appEnv().VERBATIM_LEASE_SECONDS * 1000;
}

/** A third of the lease: two renewals may fail (a slow database) before another instance may take the session. */
export function leaseRenewMs(): number {
  return Math.max(1000, Math.floor(leaseMs() / 3));
}

type Executor = Pick<Db, "update" | "select">;

let configuredId: string | undefined;

/**
 * This process's instance id: VERBATIM_INSTANCE_ID, else "<hostname>:<port>". Stable across restarts on purpose: a
 * process that comes back under the same id knows the previous holder of its leases is dead and may take them at once.
 * Two live processes cannot share a host and a port, so the default is unique among live instances.
 */
export function instanceId(): string {
  configuredId ??= appEnv().VERBATIM_INSTANCE_ID || `${os.hostname()}:${process.env.PORT || "3000"}`;
  return configuredId;
}

/** Tests simulate a second instance (or a restart under a new id) by switching the id. */
export function setInstanceIdForTests(id: string | undefined) {
  configuredId = id;
}

let internalUrlOverride: string | undefined;

/**
 * Where the other instances reach this one (recorded with each lease, so that a request for a room reaching another
 * instance is forwarded here): VERBATIM_INTERNAL_URL, else http://<hostname>:<PORT>. No trailing slash.
 */
export function internalUrl(): string {
  const url = internalUrlOverride ?? appEnv().VERBATIM_INTERNAL_URL ?? `http://${os.hostname()}:${process.env.PORT || "3000"}`;
  return url.replace(/\/+$/, "");
}

/** Tests point the recorded address at a server of their own. */
export function setInternalUrlForTests(url: string | undefined) {
  internalUrlOverride = url;
}

export const leaseExpiry = (now: Date) => new Date(now.getTime() + leaseMs());

/** Whether `session` may be driven by this instance now: unowned, owned by us, or its owner's lease has run out. */
export function mayOwn(session: { ownerInstance: string | null; leaseExpiresAt: Date | null }, now = new Date()): boolean {
  return !session.ownerInstance || session.ownerInstance === instanceId() || !session.leaseExpiresAt || session.leaseExpiresAt <= now;
}

/** Takes (or renews) the lease of an open session when this instance may own it; false when another instance holds it. */
export async function acquireLease(db: Executor, sessionId: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(roomSessions)
    .set({ ownerInstance: instanceId(), ownerAddress: internalUrl(), leaseExpiresAt: leaseExpiry(now) })
    .where(
      and(
        eq(roomSessions.id, sessionId),
        isNull(roomSessions.endedAt),
        or(isNull(roomSessions.ownerInstance), eq(roomSessions.ownerInstance, instanceId()), isNull(roomSessions.leaseExpiresAt), lt(roomSessions.leaseExpiresAt, now)),
      ),
    )
    .returning({ id: roomSessions.id });
  return rows.length === 1;
}

/** Renews this instance's leases on the given open sessions; returns the ids whose lease it still holds. */
export async function renewLeases(db: Executor, sessionIds: string[], now = new Date()): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .update(roomSessions)
    .set({ leaseExpiresAt: leaseExpiry(now), ownerAddress: internalUrl() })
    .where(and(inArray(roomSessions.id, sessionIds), eq(roomSessions.ownerInstance, instanceId()), isNull(roomSessions.endedAt)))
    .returning({ id: roomSessions.id });
  return rows.map((r) => r.id);
}
