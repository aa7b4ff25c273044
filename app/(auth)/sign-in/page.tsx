// The sign-in page.
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { hasAnyAccount } from "@/lib/accounts/accounts";
import { getSessionUser } from "@/lib/auth/session";
import { SignInForm } from "./sign-in-form";

export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (!(await hasAnyAccount(await getDb()))) redirect("/setup");
  if (await getSessionUser()) redirect("/transcriptions");
  const { next } = await searchParams;
  return (
    <>
      <h1 className="text-lg font-semibold">Sign in</h1>
      <p className="mb-5 mt-1 text-sm text-zinc-500 dark:text-zinc-400">Welcome back. Sign in to your account.</p>
      <SignInForm next={next} />
    </>
  );
}
