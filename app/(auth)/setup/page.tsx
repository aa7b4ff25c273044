// First-run setup: creates the first account and its admin.
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { hasAnyAccount } from "@/lib/accounts/accounts";
import { SetupForm } from "./setup-form";

export const metadata = { title: "Set up" };

export default async function SetupPage() {
  if (await hasAnyAccount(await getDb())) redirect("/sign-in");
  return (
    <>
      <h1 className="text-lg font-semibold">Set up Verbatim</h1>
      <p className="mb-5 mt-1 text-sm text-zinc-500 dark:text-zinc-400">Create your organization and its first admin. You can invite your team next.</p>
      <SetupForm />
    </>
  );
}
