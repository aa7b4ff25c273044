"use client";
// The first-run setup form: account name, admin name, email and password.
import { useActionState } from "react";
import { setupAction } from "./actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";

export function SetupForm() {
  const [state, action] = useActionState(setupAction, null);
  const errors = state && !state.ok ? (state.fieldErrors ?? {}) : {};
  return (
    <form action={action} className="space-y-4">
      {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
      <Field label="Organization name" name="accountName" required autoFocus error={errors.accountName} placeholder="Acme Clinic" />
      <Field label="Your name" name="name" autoComplete="name" required error={errors.name} />
      <Field label="Work email" name="email" type="email" autoComplete="email" required error={errors.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={10} error={errors.password} hint="At least 10 characters." />
      <div className="pt-1 [&>button]:w-full">
        <SubmitButton pendingLabel="Creating your account…">Create account</SubmitButton>
      </div>
    </form>
  );
}
