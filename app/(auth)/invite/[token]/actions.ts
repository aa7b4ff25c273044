"use server";
// Accepting an invite: the single-use token is the credential; creates the member and signs them in.
import { signIn } from "@/lib/auth/next-auth";
import { publicAction, type ActionState } from "@/lib/auth/action";
import { acceptInvite } from "@/lib/accounts/members";
import { acceptInviteSchema } from "@/lib/accounts/validation";

const accept = publicAction(acceptInviteSchema, (input, db) => acceptInvite(db, input));

// Public by design: the single-use invite token is the credential, checked by acceptInvite.
export async function acceptInviteAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await accept(prev as never, form);
  if (!result?.ok) return result;
  const user = result.data as { email: string };
  await signIn("credentials", { email: user.email, password: form.get("password"), redirectTo: "/transcriptions" });
  return null;
}
