"use client";
// The accept-invite form: the new member's name and password.
import { useActionState } from "react";
import { acceptInviteAction } from "./actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";

export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState(acceptInviteAction, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Field label="Email" name="email" value={email} readOnly disabled />
      <Field label="Your name" name="name" autoComplete="name" required autoFocus error={errors.name} />
      <Field label="Choose a password" name="password" type="password" autoComplete="new-password" required minLength={10} error={errors.password} hint="At least 10 characters." />
      <div className="pt-1 [&>button]:w-full">
        <SubmitButton pendingLabel="Joining…">Join</SubmitButton>
      </div>
    </form>
  );
}
