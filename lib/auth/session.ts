// Loads the signed-in user from the database on every request, so role changes and removals apply at once.
import { auth } from "./next-auth";
import { getDb } from "@/lib/db/client";
import { loadSessionUser } from "@/lib/accounts/accounts";
import type { Actor } from "./actor";

export type SessionUser = NonNullable<Awaited<ReturnType<typeof loadSessionUser>>>;

export async function getSessionUser(): Promise<SessionUser | null> {
  const session = (await auth()) as { uid?: string; sv?: number } | null;
  if (!session?.uid || typeof session.sv !== "number") return null;
  return loadSessionUser(await getDb(), session.uid, session.sv);
}

export function actorOf(user: SessionUser): Actor {
  return { accountId: user.accountId, userId: user.id, role: user.role, label: user.email, via: "session" };
}
