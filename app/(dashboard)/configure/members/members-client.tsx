"use client";
// Configure → Members client island: members and roles, pending invites, the invite form.
import { useActionState, useEffect } from "react";
import { useRouter } from "next/navigation";
import { changeRoleAction, inviteMemberAction, removeMemberAction, revokeInviteAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { ConfirmActionDialog } from "@/components/ui/confirm-action-dialog";
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
  return (
    <div className="space-y-6">
      {isAdmin ? (
        <Card>
          <CardHeader title="Invite someone" description="They get a link that works once and expires in 7 days. Send it to them yourself." />
          <form action={inviteAction} className="flex flex-wrap items-end gap-3 px-5 py-4">
            <Field label="Email" name="email" type="email" required className="w-72" error={invited && !invited.ok ? invited.fieldErrors?.email : undefined} />
            <SelectField label="Role" name="role" defaultValue="member">
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
              {isAdmin ? <RoleSelect member={m} /> : <Badge tone={m.role === "admin" ? "brand" : "gray"}>{m.role === "admin" ? "Admin" : "Member"}</Badge>}
              {isAdmin && <RemoveMember member={m} />}
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

function RoleSelect({ member }: { member: Member }) {
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

function RemoveMember({ member }: { member: Member }) {
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
