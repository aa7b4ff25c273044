// Members of an account: list, invite (single-use, expiring links), accept, change role, remove; the last admin stays.
import { createHash, randomBytes } from "node:crypto";
import { and, asc, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accounts, invites, users, type Role } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { hashPassword } from "@/lib/crypto/password";
import { acceptInviteSchema, inviteSchema } from "./validation";
import { storeNewPassword } from "./accounts";

export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function listMembers(db: Db, accountId: string) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.accountId, accountId))
    .orderBy(asc(users.createdAt));
}

export async function listPendingInvites(db: Db, accountId: string) {
  return db
    .select({ id: invites.id, email: invites.email, role: invites.role, expiresAt: invites.expiresAt, createdAt: invites.createdAt })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, new Date())))
    .orderBy(desc(invites.createdAt));
}

/** Creates an invite and returns its token once; only a hash is stored. */
export async function inviteMember(db: Db, actor: Actor, input: { email: string; role: Role }, now = new Date()) {
  requireAdmin(actor);
  const { email, role } = inviteSchema.parse(input);
  // Only this account's own members are named: an email registered in another account gets an invite like any other
  // (which cannot be accepted), so an admin cannot probe who uses this install.
  const [member] = await db.select({ id: users.id }).from(users).where(and(eq(users.email, email), eq(users.accountId, actor.accountId)));
  if (member) throw new AppError("conflict", "This person is already a member of this account", [{ path: "email", message: "Already a member" }]);
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const invite = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({ accountId: actor.accountId, email, role, tokenHash: hashToken(token), invitedByUserId: actor.userId, expiresAt })
      .returning();
    await recordAudit(tx, actor, { action: "member.invited", targetType: "invite", targetId: row.id, details: { email, role } });
    return row;
  });
  return { invite, token };
}

export async function revokeInvite(db: Db, actor: Actor, inviteId: string) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ revokedAt: new Date() })
      .where(and(eq(invites.id, inviteId), eq(invites.accountId, actor.accountId), isNull(invites.acceptedAt)))
      .returning();
    if (!row) throw notFound("This invite does not exist or was already used");
    await recordAudit(tx, actor, { action: "member.invite_revoked", targetType: "invite", targetId: row.id, details: { email: row.email } });
  });
}

type InviteState = { status: "valid"; email: string; role: Role; accountId: string; accountName: string } | { status: "invalid" | "expired" | "used" };

export async function inspectInvite(db: Db, token: string, now = new Date()): Promise<InviteState> {
  const [found] = await db
    .select({ invite: invites, accountName: accounts.name })
    .from(invites)
    .innerJoin(accounts, eq(accounts.id, invites.accountId))
    .where(eq(invites.tokenHash, hashToken(token)));
  const invite = found?.invite;
  if (!invite || invite.revokedAt) return { status: "invalid" };
  if (invite.acceptedAt) return { status: "used" };
  if (invite.expiresAt <= now) return { status: "expired" };
  return { status: "valid", email: invite.email, role: invite.role, accountId: invite.accountId, accountName: found.accountName };
}

/** Turns a valid invite into a user; the invite works once. */
export async function acceptInvite(db: Db, input: { token: string; name: string; password: string }, now = new Date()) {
  const { token, name, password } = acceptInviteSchema.parse(input);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Marking the invite used first, conditionally, makes two concurrent accepts end with one user.
    const [invite] = await tx
      .update(invites)
      .set({ acceptedAt: now })
      .where(and(eq(invites.tokenHash, hashToken(token)), isNull(invites.acceptedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
      .returning();
    if (!invite) throw new AppError("not_found", "This invite link is invalid, expired or already used. Ask an admin for a new one.");
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, invite.email));
    if (taken) throw new AppError("conflict", "This email already has a Verbatim account. Sign in instead.");
    const [user] = await tx
      .insert(users)
      .values({ accountId: invite.accountId, email: invite.email, name, passwordHash, role: invite.role })
      .returning();
    await recordAudit(
      tx,
      { accountId: invite.accountId, userId: user.id, role: user.role, label: user.email, via: "session" },
      { action: "member.joined", targetType: "user", targetId: user.id, details: { email: user.email, role: user.role } },
    );
    return user;
  });
}

/** Locks the account's admins so that two concurrent demotions cannot remove the last one. */
async function lockAdmins(tx: Parameters<Parameters<Db["transaction"]>[0]>[0], accountId: string) {
  return tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.role, "admin")))
    .for("update");
}

export async function changeMemberRole(db: Db, actor: Actor, userId: string, role: Role) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const admins = await lockAdmins(tx, actor.accountId);
    const [target] = await tx.select().from(users).where(and(eq(users.id, userId), eq(users.accountId, actor.accountId)));
    if (!target) throw notFound("No such member in this account");
    if (target.role === role) return;
    if (target.role === "admin" && admins.length <= 1) {
      throw new AppError("conflict", "An account needs at least one admin: make someone else an admin first.");
    }
    await tx.update(users).set({ role }).where(eq(users.id, target.id));
    await recordAudit(tx, actor, { action: "member.role_changed", targetType: "user", targetId: target.id, details: { email: target.email, from: target.role, to: role } });
  });
}

export async function removeMember(db: Db, actor: Actor, userId: string) {
  requireAdmin(actor);
  await db.transaction(async (tx) => {
    const admins = await lockAdmins(tx, actor.accountId);
    const [target] = await tx.select().from(users).where(and(eq(users.id, userId), eq(users.accountId, actor.accountId)));
    if (!target) throw notFound("No such member in this account");
    if (target.role === "admin" && admins.length <= 1) {
      throw new AppError("conflict", "The last admin cannot be removed: make someone else an admin first.");
    }
    await tx.delete(users).where(eq(users.id, target.id));
    await recordAudit(tx, actor, { action: "member.removed", targetType: "user", targetId: target.id, details: { email: target.email } });
  });
}


/**
 * An admin sets a temporary password for someone of the account who forgot theirs: a generated one, returned once
 * for the admin to hand over. Their sessions end; they sign in with it.
 */
export async function resetMemberPassword(db: Db, actor: Actor, userId: string): Promise<{ email: string; password: string }> {
  requireAdmin(actor);
  const [target] = await db.select().from(users).where(and(eq(users.id, userId), eq(users.accountId, actor.accountId)));
  if (!target) throw notFound("No such member in this account");
  // 16 random bytes in base64url: 22 characters, well over the minimum length, easy to read out.
  const password = randomBytes(16).toString("base64url");
  await storeNewPassword(db, actor, target, password);
  return { email: target.email, password };
}
