// What the dashboard says about a transcript's save while it is not simply running or saved: retrying after a failed upload, or failed.
import type { TranscriptionPhase } from "@/lib/db/schema";

export type SaveStatus =
  | { kind: "saving" }
  /** An upload failed; the next attempt is at `retryAt` (ISO). `reason` is a short fixed description. */
  | { kind: "retrying"; reason: string; retryAt: string; where: string }
  | null;

/** Where the transcript is saved, as the sentence "Saving to … failed" names it. */
export const saveTarget = (storageType: "HOSTED" | "SELF_HOSTED") => (storageType === "SELF_HOSTED" ? "your bucket" : "storage");

export function saveStatus(row: {
  phase: TranscriptionPhase;
  error: string | null;
  uploadDueAt: Date | null;
  storageType: "HOSTED" | "SELF_HOSTED";
}): SaveStatus {
  if (row.phase === "saving") return { kind: "saving" };
  if (row.phase === "upload_retrying" && row.uploadDueAt) {
    return { kind: "retrying", reason: row.error ?? "the storage service answered with an error", retryAt: row.uploadDueAt.toISOString(), where: saveTarget(row.storageType) };
  }
  return null;
}
