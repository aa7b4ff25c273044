"use server";
// The sign-in form's server action: checks the credentials (throttled) and starts a session.
import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth/next-auth";
import { throttledMessage } from "@/lib/auth/sign-in-throttle";
import type { ActionState } from "@/lib/auth/action";

// Public by design: signing in is how a visitor gets a session. Auth.js checks the credentials.
export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const next = String(form.get("next") ?? "");
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      // Only same-site paths, so the form cannot be used to redirect elsewhere.
      redirectTo: next.startsWith("/") && !next.startsWith("//") ? next : "/transcriptions",
    });
    return null;
  } catch (error) {
    const throttled = error instanceof CredentialsSignin ? /^too_many_attempts:(\d+)$/.exec(error.code) : null;
    if (throttled) return { ok: false, error: throttledMessage(Number(throttled[1])) };
    if (error instanceof AuthError) return { ok: false, error: "The email or password is not right." };
    throw error; // the redirect after a successful sign-in
  }
}
