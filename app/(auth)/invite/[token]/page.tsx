// The invite link's page: who invited you to which account, and the form to accept.
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { inspectInvite } from "@/lib/accounts/members";
import { Alert } from "@/components/ui/alert";
import { AcceptInviteForm } from "./accept-form";

export const metadata = { title: "Join your team" };

const problems = {
  invalid: "This invite link is not valid. Ask an admin of your account for a new one.",
  expired: "This invite link has expired. Ask an admin of your account for a new one.",
  used: "This invite link was already used. If it was you, sign in.",
};

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const db = await getDb();
  const invite = await inspectInvite(db, token);
  if (invite.status !== "valid") {
    return (
      <>
        <h1 className="mb-4 text-lg font-semibold">Join Verbatim</h1>
        <Alert tone="error">{problems[invite.status]}</Alert>
        <Link href="/sign-in" className="mt-5 inline-block text-sm font-medium text-brand-600 hover:underline">
          Go to sign-in
        </Link>
      </>
    );
  }
  return (
    <>
      <h1 className="text-lg font-semibold">Join {invite.accountName}</h1>
      <p className="mb-5 mt-1 text-sm text-zinc-500 dark:text-zinc-400">
        You were invited as {invite.role === "admin" ? "an admin" : "a member"}. Choose your name and password.
      </p>
      <AcceptInviteForm token={token} email={invite.email} />
    </>
  );
}
