// The front door: sends each visitor to setup, sign-in or the dashboard.
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { hasAnyAccount } from "@/lib/accounts/accounts";
import { getSessionUser } from "@/lib/auth/session";

// The front door: an empty install goes to setup, a visitor to sign-in, a member to the dashboard.
export default async function Home() {
  if (!(await hasAnyAccount(await getDb()))) redirect("/setup");
  if (!(await getSessionUser())) redirect("/sign-in");
  redirect("/transcriptions");
}
