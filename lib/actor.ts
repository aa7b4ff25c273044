// Who is acting: a signed-in user or an API key, always within exactly one account.
import { forbidden } from "@/lib/errors";
import type { Role } from "@/lib/db/schema";

export type Actor = {
  accountId: string;
  /** The user acting, or the user who created the API key; null for the operator CLI. */
  userId: string | null;
  role: Role;
  /** For audit records: an email, "API key <name>", or "operator CLI". */
  label: string;
  via: "session" | "api_key" | "cli";
};

export function requireAdmin(actor: Actor) {
  if (actor.role !== "admin") throw forbidden("Only account admins can do this. Ask an admin of your account.");
}
