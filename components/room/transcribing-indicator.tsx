// The red dot: tells everyone in the room that what they say is being transcribed right now (amber while off the record).
import { cn } from "@/components/ui/cn";

export function TranscribingIndicator({ active, available, offRecord = false }: { active: boolean; available: boolean; offRecord?: boolean }) {
  if (active && offRecord) {
    return (
      <div role="status" aria-live="polite" data-testid="transcription-status" className="inline-flex items-center gap-2 rounded-full bg-amber-50 px-3 py-1 text-sm font-medium text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-950/60 dark:text-amber-200 dark:ring-amber-900">
        <span className="inline-flex size-2.5 rounded-full bg-amber-500" aria-hidden="true" />
        Off the record
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" data-testid="transcription-status" className={cn("inline-flex items-center gap-2 rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset", active ? "bg-red-50 text-red-700 ring-red-200 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-900" : "bg-zinc-100 text-zinc-600 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700")}>
      {active ? (
        <>
          <span className="relative flex size-2.5" aria-hidden="true">
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-red-500 opacity-60 motion-reduce:animate-none" />
            <span className="relative inline-flex size-2.5 rounded-full bg-red-600" data-testid="red-dot" />
          </span>
          Transcribing
        </>
      ) : (
        <>
          <span className="inline-flex size-2.5 rounded-full bg-zinc-400" aria-hidden="true" />
          {available ? "Not transcribing" : "Transcription not available"}
        </>
      )}
    </div>
  );
}
