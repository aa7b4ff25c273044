"use client";
// The parts of an error page: "Try again" (fetches the failed server components again, then re-renders the segment) and
// the sentence asking to pass on the error's reference.
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

/** "Try again; if it keeps happening, tell {whom} the reference …." — the reference only when the server gave one. */
export function TellReference({ whom, digest }: { whom: string; digest?: string }) {
  return (
    <>
      Try again; if it keeps happening, tell {whom}
      {digest ? (
        <>
          {" "}
          the reference <code className="font-mono">{digest}</code>
        </>
      ) : null}
      .
    </>
  );
}
