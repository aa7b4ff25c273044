"use server";
// Server actions of Configure → Members: invite, change a role, remove a member, revoke an invite (admins).
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { appEnv } from "@/lib/config/env";
import { changeMemberRole, inviteMember, removeMember, resetMemberPassword, revokeInvite } from "@/lib/accounts/members";
import { inviteSchema, roleSchema } from "@/lib/accounts/validation";

export const inviteMemberAction = adminAction(inviteSchema, async (input, { db, actor }) => {
  const { token, invite } = await inviteMember(db, actor, input);
  return { email: invite.email, url: `${appEnv().publicUrl}/invite/${token}`, expiresAt: invite.expiresAt.toISOString() };
});

export const changeRoleAction = adminAction(z.object({ userId: z.uuid(), role: roleSchema }), async ({ userId, role }, { db, actor }) => {
  await changeMemberRole(db, actor, userId, role);
  return { userId, role };
});

export const removeMemberAction = adminAction(z.object({ userId: z.uuid() }), async ({ userId }, { db, actor }) => {
  await removeMember(db, actor, userId);
  return { userId };
});

export const revokeInviteAction = adminAction(z.object({ inviteId: z.uuid() }), async ({ inviteId }, { db, actor }) => {
  await revokeInvite(db, actor, inviteId);
  return { inviteId };
});

export const resetMemberPasswordAction = adminAction(z.object({ userId: z.uuid() }), async ({ userId }, { db, actor }) => {
  return resetMemberPassword(db, actor, userId);
});
