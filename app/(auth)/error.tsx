"use client";
// What a signed-out page (sign-in, setup, invite) shows when it fails to load: what happened and a retry, in the card.
import { Alert } from "@/components/ui/alert";
import { RetryButton, TellReference } from "@/components/ui/retry-button";

export default function AuthError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">This page could not be loaded</h1>
      <Alert tone="error" className="mb-5">
        Something went wrong on the server, often for a moment only (the database busy or restarting).{" "}
        <TellReference whom="your Verbatim operator" digest={error.digest} />
      </Alert>
      <RetryButton reset={reset} />
    </>
  );
}
