"use client";
// A dialog whose form runs a server action: open state, the action's state, and on success close and refresh the page.
import { startTransition, useActionState, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import type { ActionState } from "@/lib/auth/action";

export function useDialogAction<T>(action: (prev: ActionState<T>, form: FormData) => Promise<ActionState<T>>) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [state, run, pending] = useActionState(action, null);
  useEffect(() => {
    if (state?.ok) {
      setOpen(false);
      router.refresh();
    }
  }, [state, router]);
  return { open, setOpen, state, pending, onSubmit: submitByHand(run) };
}

/**
 * A form's onSubmit that runs the action itself: React resets a form after its `action`, which would empty the
 * controlled fields of a refused one (and the selects, even controlled).
 */
export function submitByHand(run: (data: FormData) => void) {
  return (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => run(data));
  };
}
