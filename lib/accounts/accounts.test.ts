import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { auditEvents, invites, users } from "@/lib/db/schema";
import { createAccountWithAdmin, endSessions, hasAnyAccount, loadSessionUser, resetPassword, verifyCredentials } from "./accounts";
import { acceptInvite, changeMemberRole, inspectInvite, inviteMember, listMembers, removeMember, resetMemberPassword, INVITE_TTL_MS } from "./members";
import type { Actor } from "@/lib/actor";
import { AppError } from "@/lib/errors";

const password = "correct horse battery";

describeEachDatabase("accounts and members", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let otherAdmin: Actor;

  it("creates the first account once through setup, and refuses a replay", async () => {
    expect(await hasAnyAccount(db())).toBe(false);
    const { account, user } = await createAccountWithAdmin(db(), { accountName: "Acme", name: "Ana", email: " Ana@Example.com ", password }, { onlyIfEmpty: true, via: "setup" });
    expect(user.email).toBe("ana@example.com");
    expect(user.role).toBe("admin");
    admin = { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
    await expect(
      createAccountWithAdmin(db(), { accountName: "Evil", name: "Eve", email: "eve@example.com", password }, { onlyIfEmpty: true, via: "setup" }),
    ).rejects.toThrow(/already set up/);
    const other = await createAccountWithAdmin(db(), { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    otherAdmin = { accountId: other.account.id, userId: other.user.id, role: "admin", label: "otto", via: "session" };
  });

  it("refuses a duplicate email and a weak password", async () => {
    await expect(createAccountWithAdmin(db(), { accountName: "X", name: "X", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" })).rejects.toThrow(/already exists/);
    await expect(createAccountWithAdmin(db(), { accountName: "X", name: "X", email: "x@example.com", password: "short" }, { onlyIfEmpty: false, via: "cli" })).rejects.toThrow(/at least 10/);
    expect(await db().select().from(users).where(eq(users.email, "x@example.com"))).toHaveLength(0);
  });

  it("verifies credentials with argon2id and never stores the password", async () => {
    const [row] = await db().select().from(users).where(eq(users.email, "ana@example.com"));
    expect(row.passwordHash.startsWith("$argon2id$")).toBe(true);
    expect(row.passwordHash).not.toContain(password);
    expect((await verifyCredentials(db(), "ANA@example.com", password))?.id).toBe(row.id);
    expect(await verifyCredentials(db(), "ana@example.com", "wrong password")).toBeNull();
    expect(await verifyCredentials(db(), "nobody@example.com", password)).toBeNull();
  });

  it("invites a member with a single-use link", async () => {
    const { token } = await inviteMember(db(), admin, { email: "ben@example.com", role: "member" });
    expect((await inspectInvite(db(), token)).status).toBe("valid");
    const [stored] = await db().select().from(invites).where(eq(invites.email, "ben@example.com"));
    expect(stored.tokenHash).not.toBe(token);
    const ben = await acceptInvite(db(), { token, name: "Ben", password });
    expect(ben.accountId).toBe(admin.accountId);
    expect(ben.role).toBe("member");
    expect((await inspectInvite(db(), token)).status).toBe("used");
    await expect(acceptInvite(db(), { token, name: "Ben again", password })).rejects.toThrow(/invalid, expired or already used/);
  });

  it("an invite of an email registered in another account looks like any other: it reveals nothing", async () => {
    const elsewhere = await inviteMember(db(), admin, { email: "otto@example.com", role: "member" });
    const nobody = await inviteMember(db(), admin, { email: "new-person@example.com", role: "member" });
    expect(Object.keys(elsewhere).sort()).toEqual(Object.keys(nobody).sort());
    expect((await inspectInvite(db(), elsewhere.token)).status).toBe("valid");
    // Only the invited person, at acceptance, learns that their email is taken.
    await expect(acceptInvite(db(), { token: elsewhere.token, name: "Otto", password })).rejects.toThrow(/already has a Verbatim account/);
    // A member of this very account is named, as the members page shows them anyway.
    await expect(inviteMember(db(), admin, { email: "ben@example.com", role: "member" })).rejects.toThrow(/already a member of this account/);
  });

  it("refuses an expired invite", async () => {
    const past = new Date(Date.now() - INVITE_TTL_MS - 1000);
    const { token } = await inviteMember(db(), admin, { email: "cy@example.com", role: "member" }, past);
    expect((await inspectInvite(db(), token)).status).toBe("expired");
    await expect(acceptInvite(db(), { token, name: "Cy", password })).rejects.toThrow(AppError);
    expect(await db().select().from(users).where(eq(users.email, "cy@example.com"))).toHaveLength(0);
  });

  it("refuses admin actions to a member, with a clear message", async () => {
    const [ben] = await db().select().from(users).where(eq(users.email, "ben@example.com"));
    const member: Actor = { accountId: ben.accountId, userId: ben.id, role: "member", label: ben.email, via: "session" };
    await expect(inviteMember(db(), member, { email: "dan@example.com", role: "admin" })).rejects.toThrow(/Only account admins/);
    await expect(changeMemberRole(db(), member, ben.id, "admin")).rejects.toThrow(/Only account admins/);
    await expect(removeMember(db(), member, admin.userId!)).rejects.toThrow(/Only account admins/);
    const [still] = await db().select().from(users).where(eq(users.id, ben.id));
    expect(still.role).toBe("member");
  });

  it("keeps the last admin", async () => {
    await expect(changeMemberRole(db(), admin, admin.userId!, "member")).rejects.toThrow(/at least one admin/);
    await expect(removeMember(db(), admin, admin.userId!)).rejects.toThrow(/last admin/);
    const [ben] = await db().select().from(users).where(eq(users.email, "ben@example.com"));
    await changeMemberRole(db(), admin, ben.id, "admin");
    await changeMemberRole(db(), admin, admin.userId!, "member");
    const roles = (await listMembers(db(), admin.accountId)).map((m) => [m.email, m.role]);
    expect(roles).toEqual([["ana@example.com", "member"], ["ben@example.com", "admin"]]);
    const benActor: Actor = { ...admin, userId: ben.id, label: ben.email };
    await changeMemberRole(db(), benActor, admin.userId!, "admin");
  });

  it("never touches another account's members", async () => {
    const [ben] = await db().select().from(users).where(eq(users.email, "ben@example.com"));
    await expect(removeMember(db(), otherAdmin, ben.id)).rejects.toThrow(/No such member/);
    await expect(changeMemberRole(db(), otherAdmin, ben.id, "member")).rejects.toThrow(/No such member/);
    expect((await listMembers(db(), otherAdmin.accountId)).map((m) => m.email)).toEqual(["otto@example.com"]);
  });

  it("removes a member and ends their sessions", async () => {
    const [ben] = await db().select().from(users).where(eq(users.email, "ben@example.com"));
    expect(await loadSessionUser(db(), ben.id, ben.sessionVersion)).not.toBeNull();
    await removeMember(db(), admin, ben.id);
    expect(await loadSessionUser(db(), ben.id, ben.sessionVersion)).toBeNull();
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.accountId, admin.accountId))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["account.created", "member.invited", "member.joined", "member.role_changed", "member.removed"]));
  });

  it("sign-out ends the session on the server: the same session version no longer loads", async () => {
    const [ana] = await db().select().from(users).where(eq(users.email, "ana@example.com"));
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion)).not.toBeNull();
    expect(await endSessions(db(), ana.id, ana.sessionVersion)).toBe(true);
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion)).toBeNull();
    // The old cookie signing out again does not end the newer sessions.
    expect(await endSessions(db(), ana.id, ana.sessionVersion)).toBe(false);
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion + 1)).not.toBeNull();
  });

  it("lets an admin give a member a temporary password, once, ending their sessions; members and other accounts may not", async () => {
    const [ana] = await db().select().from(users).where(eq(users.email, "ana@example.com"));
    const { email, password: temporary } = await resetMemberPassword(db(), admin, ana.id);
    expect(email).toBe("ana@example.com");
    expect(temporary.length).toBeGreaterThanOrEqual(20);
    expect(await verifyCredentials(db(), "ana@example.com", temporary)).not.toBeNull();
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion)).toBeNull();
    await expect(resetMemberPassword(db(), { ...admin, role: "member" }, ana.id)).rejects.toThrow(/Only account admins/);
    await expect(resetMemberPassword(db(), otherAdmin, ana.id)).rejects.toThrow(/No such member/);
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.targetId, ana.id));
    expect(audit.some((e) => e.action === "user.password_reset" && e.actorUserId === admin.userId)).toBe(true);
  });

  it("resets a password and invalidates earlier sessions", async () => {
    const [ana] = await db().select().from(users).where(eq(users.email, "ana@example.com"));
    await resetPassword(db(), "ana@example.com", "a brand new passphrase");
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion)).toBeNull();
    expect(await loadSessionUser(db(), ana.id, ana.sessionVersion + 1)).not.toBeNull();
    expect(await verifyCredentials(db(), "ana@example.com", "a brand new passphrase")).not.toBeNull();
    await expect(resetPassword(db(), "nobody@example.com", "a brand new passphrase")).rejects.toThrow(/No user/);
  });
});

describe("password policy", () => {
  it("explains why a password is weak", async () => {
    const { passwordProblem } = await import("@/lib/crypto/password");
    expect(passwordProblem("aaaaaaaaaaaa")).toMatch(/4 different/);
    expect(passwordProblem("Password123")).toMatch(/too common/);
    expect(passwordProblem("a good long passphrase")).toBeNull();
  });
});
