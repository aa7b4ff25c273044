// Configure → Members: who belongs to the account and who is invited.
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listMembers, listPendingInvites } from "@/lib/accounts/members";
import { PageHeader } from "@/components/ui/page-header";
import { MembersClient } from "./members-client";

export const metadata = { title: "Members" };

export default async function MembersPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const db = await getDb();
  const [members, invites] = await Promise.all([listMembers(db, user.accountId), user.role === "admin" ? listPendingInvites(db, user.accountId) : []]);
  return (
    <>
      <PageHeader title="Members" description="People in your account. Admins manage settings, keys, webhooks and members; members work with transcripts." />
      <MembersClient
        currentUserId={user.id}
        isAdmin={user.role === "admin"}
        members={members.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() }))}
        invites={invites.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() }))}
      />
    </>
  );
}
