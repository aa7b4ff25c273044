"use client";
// The live transcript panel: final segments with speaker and time, the interim text in grey, kept scrolled to the end.
import { useEffect, useRef } from "react";
import type { LiveSegment } from "@/lib/pipeline/live/live-bus";
import { cn } from "@/components/ui/cn";
import { speakerTone } from "@/components/transcript/speaker-tone";

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function LiveTranscript({ finals, interims, placeholder }: { finals: (LiveSegment & { key: string })[]; interims: LiveSegment[]; placeholder: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    // Follow new text only when the reader is already near the end (do not yank someone reading back). Only the box
    // scrolls: scrollIntoView would move the page too, away from the buttons above.
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [finals.length, interims]);

  return (
    <div ref={box} className="max-h-[55vh] min-h-48 overflow-y-auto px-5 py-4" role="log" aria-live="polite" aria-label="Live transcript" data-testid="live-transcript">
      {finals.length === 0 && interims.length === 0 ? (
        <p className="py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">{placeholder}</p>
      ) : (
        <ol className="space-y-3">
          {finals.map((s) => (
            <li key={s.key} className="flex gap-3 text-[15px] leading-relaxed" data-testid="final-segment">
              <span className="mt-0.5 w-12 shrink-0 text-right font-mono text-xs tabular-nums text-zinc-400">{clock(s.startMs)}</span>
              <p>
                <span className={cn("font-semibold", speakerTone(s.participantId).text)}>{s.displayName}:</span> <span>{s.text}</span>
              </p>
            </li>
          ))}
          {interims.map((s) => (
            <li key={`interim-${s.participantId}`} className="flex gap-3 text-[15px] leading-relaxed" aria-hidden="true" data-testid="interim-segment">
              <span className="mt-0.5 w-12 shrink-0 text-right font-mono text-xs tabular-nums text-zinc-300 dark:text-zinc-600">{clock(s.startMs)}</span>
              <p className="italic text-zinc-400 dark:text-zinc-500">
                <span className="font-semibold">{s.displayName}:</span> {s.text}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
