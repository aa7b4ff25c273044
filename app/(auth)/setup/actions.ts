"use server";
// The setup form's server action: creates the first account and its admin, only while the install has none.
import { signIn } from "@/lib/auth/next-auth";
import { publicAction, type ActionState } from "@/lib/auth/action";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { setupSchema } from "@/lib/accounts/validation";

const createFirstAdmin = publicAction(setupSchema, (input, db) => createAccountWithAdmin(db, input, { onlyIfEmpty: true, via: "setup" }));

// Public by design, but only while the install has no account: createAccountWithAdmin refuses afterwards.
export async function setupAction(prev: ActionState, form: FormData): Promise<ActionState> {
  const result = await createFirstAdmin(prev as never, form);
  if (!result?.ok) return result;
  await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirectTo: "/transcriptions" });
  return null;
}
