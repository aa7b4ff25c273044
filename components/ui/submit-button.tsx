"use client";
// The submit button of server-action forms, pending while the action runs.
import { useFormStatus } from "react-dom";
import { Button } from "./button";

/** A submit button that shows a pending label while its form's action runs. */
export function SubmitButton({ children, pendingLabel, variant }: { children: React.ReactNode; pendingLabel: string; variant?: "primary" | "danger" | "secondary" }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant={variant} disabled={pending} aria-disabled={pending}>
      {pending ? (
        <>
          <span className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />
          {pendingLabel}
        </>
      ) : (
        children
      )}
    </Button>
  );
}
