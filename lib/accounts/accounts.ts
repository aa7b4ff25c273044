// Accounts and their users: first-run setup, the operator's provisioning, sign-in lookups and password resets.
import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accounts, users } from "@/lib/db/schema";
import { AppError, invalid } from "@/lib/errors";
import { burnPasswordCheck, hashPassword, passwordProblem, verifyPassword } from "@/lib/crypto/password";
import { emailSchema } from "./validation";
import { recordAudit } from "@/lib/audit/audit-log";
import type { Actor } from "@/lib/actor";

export async function hasAnyAccount(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(accounts);
  return row.n > 0;
}

type NewAdmin = { accountName: string; name: string; email: string; password: string };

/**
 * Creates an account with its first admin. With `onlyIfEmpty` (the web setup page) it refuses once any
 * account exists, so that the setup page cannot be replayed to take over an install.
 */
export async function createAccountWithAdmin(db: Db, input: NewAdmin, opts: { onlyIfEmpty: boolean; via: "setup" | "cli" }) {
  const email = emailSchema.parse(input.email);
  const problem = passwordProblem(input.password);
  if (problem) throw invalid("password", problem);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (opts.onlyIfEmpty) {
      // Serializes concurrent first visits: only one of them creates the first account.
      await tx.execute(sql`select pg_advisory_xact_lock(7301216)`);
      const [row] = await tx.select({ n: count() }).from(accounts);
      if (row.n > 0) throw new AppError("conflict", "This Verbatim install is already set up. Sign in instead.");
    }
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw new AppError("conflict", `A user with the email ${email} already exists`, [{ path: "email", message: "This email is already in use" }]);
    const [account] = await tx.insert(accounts).values({ name: input.accountName.trim() }).returning();
    const [user] = await tx
      .insert(users)
      .values({ accountId: account.id, email, name: input.name.trim(), passwordHash, role: "admin" })
      .returning();
    await recordAudit(tx, { accountId: account.id, userId: user.id, role: "admin", label: opts.via === "cli" ? "operator CLI" : email, via: opts.via === "cli" ? "cli" : "session" }, {
      action: "account.created",
      targetType: "account",
      targetId: account.id,
      details: { admin: email },
    });
    return { account, user };
  });
}

export async function findUserByEmail(db: Db, email: string) {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return undefined;
  const [user] = await db.select().from(users).where(eq(users.email, parsed.data));
  return user;
}

/** Checks an email and password; the same time is spent whether or not the email exists. */
export async function verifyCredentials(db: Db, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? user : null;
}

/** The user behind a session, or null when the user is gone or the session predates a reset. */
export async function loadSessionUser(db: Db, userId: string, sessionVersion: number) {
  const [row] = await db
    .select({ user: users, accountName: accounts.name })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.id, userId));
  if (!row || row.user.sessionVersion !== sessionVersion) return null;
  const { passwordHash: _, ...user } = row.user;
  return { ...user, accountName: row.accountName };
}

/**
 * Sign-out: ends the session on the server, so a copy of its cookie stops working too. Sessions carry only the user
 * and a version, so this ends every session of the user (their other devices sign in again). Only a session that is
 * still current bumps the version: an old cookie cannot sign the user out of newer sessions.
 */
export async function endSessions(db: Db, userId: string, sessionVersion: number): Promise<boolean> {
  const ended = await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(and(eq(users.id, userId), eq(users.sessionVersion, sessionVersion)))
    .returning({ id: users.id });
  return ended.length > 0;
}

/** Sets a new password and ends every session of the user (the operator CLI). */
export async function resetPassword(db: Db, email: string, newPassword: string) {
  const user = await findUserByEmail(db, email);
  if (!user) {
    const problem = passwordProblem(newPassword);
    if (problem) throw invalid("password", problem);
    throw new AppError("not_found", `No user with the email ${email}`);
  }
  await storeNewPassword(db, { accountId: user.accountId, userId: null, role: "admin", label: "operator CLI", via: "cli" }, user, newPassword);
  return user;
}

/** Checks and stores a user's new password, ends their sessions, and records who did it. */
export async function storeNewPassword(db: Db, actor: Actor, user: { id: string; email: string }, newPassword: string): Promise<void> {
  const problem = passwordProblem(newPassword);
  if (problem) throw invalid("password", problem);
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, user.id));
    await recordAudit(tx, actor, { action: "user.password_reset", targetType: "user", targetId: user.id, details: { email: user.email } });
  });
}
