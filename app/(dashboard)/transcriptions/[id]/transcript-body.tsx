// The transcript as people read it: speaker blocks in their colours, a linkable time per block, search matches marked.
// Plain React text throughout, so nothing said or typed as a name can become markup.
import { formatClock } from "@/lib/transcripts/render";
import type { SpeakerBlock } from "@/lib/transcripts/reading";
import type { StoredSegment } from "@/lib/transcripts/segments";
import { speakerTone } from "@/components/transcript/speaker-tone";
import { cn } from "@/components/ui/cn";

function escapeRegExp(value: string) {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The words of a search, longest first, as one case-insensitive pattern (null when there are none). */
export function searchPattern(query: string): RegExp | null {
  const words = [...new Set(query.trim().split(/\s+/).filter(Boolean))].sort((a, b) => b.length - a.length);
  return words.length ? new RegExp(`(${words.map(escapeRegExp).join("|")})`, "giu") : null;
}

/** Text with every match of the pattern in <mark>: plain React text, so nothing in a transcript can become markup. */
function Highlighted({ text, pattern }: { text: string; pattern: RegExp | null }) {
  if (!pattern) return <>{text}</>;
  return (
    <>
      {text.split(pattern).map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} data-hit="" className="rounded-sm bg-amber-200 px-0.5 text-zinc-900 data-[current]:bg-orange-400">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </>
  );
}

export function TranscriptBody({
  blocks,
  anchors,
  pattern,
}: {
  blocks: SpeakerBlock<StoredSegment>[];
  /** Segment id → its anchor id, for the first line of each second. */
  anchors: Map<number, string>;
  pattern: RegExp | null;
}) {
  return (
    <ol className="space-y-5">
      {blocks.map((block) => {
        const tone = speakerTone(block.participantId);
        return (
          <li key={block.lines[0].id} data-testid="speaker-block">
            <div className="flex items-baseline gap-2.5">
              <p className={cn("text-sm font-semibold", tone.text)} data-testid="speaker-name">
                <Highlighted text={block.displayName} pattern={pattern} />
              </p>
              <a
                href={`#${anchors.get(block.lines[0].id) ?? ""}`}
                className="transcript-time font-mono text-xs tabular-nums text-zinc-500 hover:underline dark:text-zinc-400"
                title="Link to this moment"
              >
                {formatClock(block.startMs)}
              </a>
            </div>
            {block.lines.map((line) => (
              <p
                key={line.id}
                id={anchors.get(line.id)}
                className="-mx-1.5 mt-0.5 scroll-mt-24 rounded-md px-1.5 text-[15px] leading-7 text-zinc-800 target:bg-brand-50 dark:text-zinc-200 dark:target:bg-brand-700/20"
                title={formatClock(line.startMs)}
              >
                <Highlighted text={line.text} pattern={pattern} />
              </p>
            ))}
          </li>
        );
      })}
    </ol>
  );
}
