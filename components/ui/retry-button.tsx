"use client";
// The "Try again" of an error page: fetches the failed server components again, then re-renders the segment.
import { startTransition } from "react";
import { useRouter } from "next/navigation";
import { Button } from "./button";

/** `reset` alone re-renders what the browser already has; a server component that failed must be fetched again. */
export function RetryButton({ reset }: { reset: () => void }) {
  const router = useRouter();
  return (
    <Button
      onClick={() =>
        startTransition(() => {
          router.refresh();
          reset();
        })
      }
    >
      Try again
    </Button>
  );
}
