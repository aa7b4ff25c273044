"use client";
// Configure → Members client island: members and roles, pending invites, the invite form.
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { changeRoleAction, inviteMemberAction, removeMemberAction, resetMemberPasswordAction, revokeInviteAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
import { Dialog, DialogActions, DialogClose } from "@/components/ui/dialog";
import { submitByHand } from "@/components/ui/use-dialog-action";
import { FormattedDate } from "@/components/ui/formatted-date";

type Member = { id: string; email: string; name: string; role: "admin" | "member"; createdAt: string };
type Invite = { id: string; email: string; role: "admin" | "member"; expiresAt: string };

function useRefreshOnSuccess(state: { ok: boolean } | null, after?: () => void) {
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) {
      after?.();
      router.refresh();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state, router]);
}

export function MembersClient({ members, invites, isAdmin, currentUserId }: { members: Member[]; invites: Invite[]; isAdmin: boolean; currentUserId: string }) {
  const [invited, inviteAction] = useActionState(inviteMemberAction, null);
  useRefreshOnSuccess(invited);
  // Controlled and submitted by hand, so a refused invite keeps the email and role as typed.
  const [inviteEmail, setInviteEmail] = useState("");
  const [inviteRole, setInviteRole] = useState("member");
  const adminCount = members.filter((m) => m.role === "admin").length;
  return (
    <div className="space-y-6">
      {isAdmin ? (
        <Card>
          <CardHeader title="Invite someone" description="They get a link that works once and expires in 7 days. Send it to them yourself." />
          <form onSubmit={submitByHand(inviteAction)} className="flex flex-wrap items-end gap-3 px-4 py-4 md:px-5">
            <Field
              label="Email"
              name="email"
              type="email"
              required
              className="w-full sm:w-72"
              value={inviteEmail}
              onChange={(e) => setInviteEmail(e.target.value)}
              error={invited && !invited.ok ? invited.fieldErrors?.email : undefined}
            />
            <SelectField label="Role" name="role" value={inviteRole} onChange={(e) => setInviteRole(e.target.value)}>
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </SelectField>
            <SubmitButton pendingLabel="Creating link…">Create invite link</SubmitButton>
            {invited && !invited.ok && !invited.fieldErrors?.email && <Alert tone="error" className="w-full">{invited.error}</Alert>}
            {invited?.ok && (
              <div className="w-full space-y-2">
                <Alert tone="success">Invite link for {invited.data.email}. It works once; copy it now.</Alert>
                <div className="flex gap-2">
                  <code data-testid="invite-link" className="flex-1 break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs dark:bg-zinc-800">
                    {invited.data.url}
                  </code>
                  <CopyButton value={invited.data.url} />
                </div>
              </div>
            )}
          </form>
        </Card>
      ) : (
        <Alert tone="info">Only account admins can invite people or change roles.</Alert>
      )}

      <Card>
        <CardHeader title={`Members (${members.length})`} />
        <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
          {members.map((m) => (
            <li key={m.id} className="flex flex-wrap items-center gap-4 px-5 py-3" data-testid="member-row">
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium">
                  {m.name} {m.id === currentUserId && <span className="text-xs text-zinc-400">(you)</span>}
                </p>
                <p className="truncate text-xs text-zinc-500">{m.email}</p>
              </div>
              {isAdmin ? (
                <RoleSelect member={m} lastAdmin={m.role === "admin" && adminCount <= 1} />
              ) : (
                <Badge tone={m.role === "admin" ? "brand" : "gray"}>{m.role === "admin" ? "Admin" : "Member"}</Badge>
              )}
              {isAdmin && m.id !== currentUserId && <ResetPassword member={m} />}
              {isAdmin && <RemoveMember member={m} lastAdmin={m.role === "admin" && adminCount <= 1} />}
              {isAdmin && m.role === "admin" && adminCount <= 1 && (
                <p className="w-full text-xs text-zinc-600 dark:text-zinc-400" id={`last-admin-${m.id}`}>
                  The only admin: make someone else an admin before changing this role or removing {m.id === currentUserId ? "yourself" : "them"}.
                </p>
              )}
            </li>
          ))}
        </ul>
      </Card>

      {isAdmin && invites.length > 0 && (
        <Card>
          <CardHeader title="Pending invites" />
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60">
            {invites.map((i) => (
              <li key={i.id} className="flex items-center gap-4 px-5 py-3 text-sm">
                <span className="flex-1">{i.email}</span>
                <Badge>{i.role === "admin" ? "Admin" : "Member"}</Badge>
                <span className="text-xs text-zinc-500">
                  expires <FormattedDate iso={i.expiresAt} />
                </span>
                <RevokeInvite inviteId={i.id} />
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}

function RoleSelect({ member, lastAdmin }: { member: Member; lastAdmin: boolean }) {
  const [state, action] = useActionState(changeRoleAction, null);
  useRefreshOnSuccess(state);
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="userId" value={member.id} />
      <label className="sr-only" htmlFor={`role-${member.id}`}>
        Role of {member.name}
      </label>
      <select
        id={`role-${member.id}`}
        name="role"
        defaultValue={member.role}
        key={member.role}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
        disabled={lastAdmin}
        aria-describedby={lastAdmin ? `last-admin-${member.id}` : undefined}
        className="rounded-md border-0 bg-white py-1.5 pl-2.5 pr-8 text-sm ring-1 ring-inset ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
      >
        <option value="member">Member</option>
        <option value="admin">Admin</option>
      </select>
      {state && !state.ok && (
        <span role="alert" className="max-w-64 text-xs text-red-600 dark:text-red-400">
          {state.error}
        </span>
      )}
      {state?.ok && (
        <span role="status" className="text-xs text-emerald-600 dark:text-emerald-400">
          Saved
        </span>
      )}
    </form>
  );
}

function RemoveMember({ member, lastAdmin }: { member: Member; lastAdmin: boolean }) {
  if (lastAdmin) {
    return (
      <Button variant="dangerGhost" disabled aria-describedby={`last-admin-${member.id}`} className="disabled:opacity-50">
        Remove
      </Button>
    );
  }
  return (
    <ConfirmActionDialog
      action={removeMemberAction}
      fields={{ userId: member.id }}
      trigger={<Button variant="dangerGhost">Remove</Button>}
      title={`Remove ${member.name}?`}
      description={`${member.email} will lose access to this account at once.`}
      confirmLabel="Remove member"
      pendingLabel="Removing…"
    />
  );
}

/** An admin gives someone who forgot their password a temporary one, shown once here. */
function ResetPassword({ member }: { member: Member }) {
  const [open, setOpen] = useState(false);
  // Each opening starts afresh: a password once shown is not shown again.
  const [opened, setOpened] = useState(0);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (setOpen(next), next && setOpened((n) => n + 1))}
      trigger={<Button variant="ghost">Reset password</Button>}
      title={`Reset ${member.name}’s password?`}
      description={`${member.email} gets a temporary password and is signed out everywhere. Give it to them yourself; they can sign in with it at once.`}
    >
      <ResetPasswordBody key={opened} member={member} />
    </Dialog>
  );
}

function ResetPasswordBody({ member }: { member: Member }) {
  const [state, action, pending] = useActionState(resetMemberPasswordAction, null);
  return (
    <>
      {state?.ok ? (
        <div className="space-y-4">
          <Alert tone="success">Temporary password for {state.data.email}. It is shown only once.</Alert>
          <div className="flex gap-2">
            <code data-testid="temporary-password" className="flex-1 break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm dark:bg-zinc-800">
              {state.data.password}
            </code>
            <CopyButton value={state.data.password} />
          </div>
          <div className="flex justify-end">
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </div>
        </div>
      ) : (
        <form onSubmit={submitByHand(action)} className="space-y-3">
          <input type="hidden" name="userId" value={member.id} />
          {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
          <DialogActions pending={pending} submitLabel="Reset password" pendingLabel="Resetting…" />
        </form>
      )}
    </>
  );
}

function RevokeInvite({ inviteId }: { inviteId: string }) {
  const [state, action] = useActionState(revokeInviteAction, null);
  useRefreshOnSuccess(state);
  return (
    <form action={action}>
      <input type="hidden" name="inviteId" value={inviteId} />
      <SubmitButton variant="secondary" pendingLabel="Revoking…">Revoke</SubmitButton>
    </form>
  );
}
