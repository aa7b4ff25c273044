"use client";
// The sign-in form: email and password, with the action's error in place.
import { useActionState, useState } from "react";
import { signInAction } from "./actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";

export function SignInForm({ next }: { next?: string }) {
  const [state, action] = useActionState(signInAction, null);
  // React resets a form after its action: a refused sign-in keeps the email as the reset's default. The field is not
  // controlled, so what is typed before the page came alive (hydration) is not undone either.
  const [email, setEmail] = useState("");
  return (
    <form action={action} onSubmit={(e) => setEmail(String(new FormData(e.currentTarget).get("email") ?? ""))} className="space-y-4">
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="next" value={next ?? ""} />
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus defaultValue={email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <div className="pt-1 [&>button]:w-full">
        <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
      </div>
      <details className="text-sm text-zinc-600 dark:text-zinc-400">
        <summary className="cursor-pointer font-medium text-brand-700 dark:text-brand-100">Forgot password?</summary>
        <p className="mt-2">
          Ask an admin of your account: in Configure → Members they can give you a temporary password. If you are the only admin, the person who
          runs Verbatim can set one with <code className="font-mono text-xs">npm run admin -- reset-password</code>.
        </p>
      </details>
    </form>
  );
}
