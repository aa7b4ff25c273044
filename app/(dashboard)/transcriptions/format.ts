// Small display helpers shared by the transcription list and view (durations, states, storage labels).
import { formatDuration } from "@/lib/transcripts/render";
export { languageName } from "@/lib/speech/languages";

/** h:mm:ss, the transcript file's own format, so the list, the page and the file read the same. */
export function formatSeconds(total: number | null): string {
  return total === null ? "—" : formatDuration(total * 1000);
}

/** "34 seconds", "12 minutes", "1 hour 5 minutes": a duration to read, not to compare. */
export function durationInWords(total: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (total < 60) return plural(total, "second");
  const minutes = Math.round(total / 60);
  if (minutes < 60) return plural(minutes, "minute");
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${plural(h, "hour")} ${plural(m, "minute")}` : plural(h, "hour");
}

/** What a transcript is called on screen: its own title, its room's title, or the room's address. */
export function transcriptTitle(t: { title?: string | null; roomTitle?: string | null; roomName: string }): string {
  return t.title || t.roomTitle || t.roomName;
}

export const stateLabel = { in_progress: "In progress", ready: "Ready", failed: "Failed" } as const;
export const stateTone = { in_progress: "amber", ready: "green", failed: "red" } as const;
export const storageLabel = { HOSTED: "Hosted", SELF_HOSTED: "Your bucket" } as const;
export const summaryLabel = { in_progress: "Summarizing", ready: "Ready", failed: "Failed" } as const;
