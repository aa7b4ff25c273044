"use client";
// What a dashboard page shows when it fails to load: what happened, a retry, and a way back; the navigation stays.
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { RetryButton, TellReference } from "@/components/ui/retry-button";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="max-w-xl">
      <h1 className="mb-2 text-2xl font-semibold tracking-tight">This page could not be loaded</h1>
      <Alert tone="error" className="mb-5">
        Something went wrong on the server, often for a moment only (the database busy or restarting). Nothing you saved
        was lost. <TellReference whom="your Verbatim operator" digest={error.digest} />
      </Alert>
      <div className="flex gap-3">
        <RetryButton reset={reset} />
        <Link href="/transcriptions" className={buttonClass("secondary")}>
          Go to transcriptions
        </Link>
      </div>
    </div>
  );
}
