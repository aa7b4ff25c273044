// Loads the signed-in user from the database on every request, so role changes and removals apply at once.
import { auth } from "./next-auth";
import { getDb } from "@/lib/db/client";
import { endSessions, loadSessionUser } from "@/lib/accounts/accounts";
import type { Actor } from "@/lib/actor";

export type SessionUser = NonNullable<Awaited<ReturnType<typeof loadSessionUser>>>;

export async function getSessionUser(): Promise<SessionUser | null> {
  const session = (await auth()) as { uid?: string; sv?: number } | null;
  if (!session?.uid || typeof session.sv !== "number") return null;
  return loadSessionUser(await getDb(), session.uid, session.sv);
}

/** Ends the caller's session on the server (sign-out), if it is still valid. */
export async function endCurrentSession(): Promise<void> {
  const session = (await auth()) as { uid?: string; sv?: number } | null;
  if (!session?.uid || typeof session.sv !== "number") return;
  await endSessions(await getDb(), session.uid, session.sv);
}

export function actorOf(user: SessionUser): Actor {
  return { accountId: user.accountId, userId: user.id, role: user.role, label: user.email, via: "session" };
}
