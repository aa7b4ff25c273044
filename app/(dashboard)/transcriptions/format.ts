// Small display helpers shared by the transcription list and view (durations, states, storage labels).
export { languageName } from "@/lib/speech/languages";

export function formatSeconds(total: number | null): string {
  if (total === null) return "—";
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}

export const stateLabel = { in_progress: "In progress", ready: "Ready", failed: "Failed" } as const;
export const stateTone = { in_progress: "amber", ready: "green", failed: "red" } as const;
export const storageLabel = { HOSTED: "Hosted", SELF_HOSTED: "Your bucket" } as const;
export const summaryLabel = { in_progress: "Summarizing", ready: "Ready", failed: "Failed" } as const;
