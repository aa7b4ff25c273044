// A transcript shaped for reading: consecutive lines of one speaker grouped, and each speaker's share of the talking.
import type { TranscriptSegment } from "./render";

export type SpeakerBlock<S extends TranscriptSegment> = { participantId: string; displayName: string; startMs: number; lines: S[] };

/** Consecutive lines of the same speaker, in spoken order, become one block. */
export function groupConsecutive<S extends TranscriptSegment>(segments: S[]): SpeakerBlock<S>[] {
  const blocks: SpeakerBlock<S>[] = [];
  for (const s of segments) {
    const last = blocks.at(-1);
    if (last && last.participantId === s.participantId) last.lines.push(s);
    else blocks.push({ participantId: s.participantId, displayName: s.displayName, startMs: s.startMs, lines: [s] });
  }
  return blocks;
}

export type TalkTime = { participantId: string; displayName: string; ms: number; share: number };

/**
 * How long each speaker spoke (the sum of their lines' durations, overlaps counted for each), most first; `share` is
 * of all speaking time, 0..1. A speaker's latest name is the one shown.
 */
export function talkTime(segments: TranscriptSegment[]): TalkTime[] {
  const bySpeaker = new Map<string, { displayName: string; ms: number }>();
  for (const s of segments) {
    const entry = bySpeaker.get(s.participantId) ?? { displayName: s.displayName, ms: 0 };
    entry.displayName = s.displayName;
    entry.ms += Math.max(0, s.endMs - s.startMs);
    bySpeaker.set(s.participantId, entry);
  }
  const total = [...bySpeaker.values()].reduce((sum, e) => sum + e.ms, 0);
  return [...bySpeaker.entries()]
    .map(([participantId, e]) => ({ participantId, displayName: e.displayName, ms: e.ms, share: total ? e.ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms || a.displayName.localeCompare(b.displayName));
}
