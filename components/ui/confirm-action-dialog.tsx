"use client";
// Confirmation dialogs for destructive server actions.
import { useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import type { ActionState } from "@/lib/auth/action";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog, DialogClose } from "./dialog";
import { SubmitButton } from "./submit-button";

/**
 * A destructive action behind a confirmation: the dialog names what will happen, runs the server action with the
 * given hidden fields, shows its refusal inline, and on success closes and refreshes the page's data.
 */
export function ConfirmActionDialog<T>({
  action,
  fields,
  trigger,
  title,
  description,
  confirmLabel,
  pendingLabel,
}: {
  action: (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>;
  fields: Record<string, string>;
  trigger: React.ReactNode;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  pendingLabel: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [state, run] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  return (
    <Dialog open={open} onOpenChange={setOpen} trigger={trigger} title={title} description={description}>
      <form action={run} className="space-y-3">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <SubmitButton variant="danger" pendingLabel={pendingLabel}>
            {confirmLabel}
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}
