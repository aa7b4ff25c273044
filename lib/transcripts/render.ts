// Renders a session's final segments as the transcript file (Markdown, product.md) and as .txt, .vtt and .json downloads.
import type { EngineSegment } from "@/lib/speech/types";

export type TranscriptMeta = {
  roomName: string;
  roomSessionId: string;
  startedAt: Date;
  endedAt: Date;
  language: string;
  /** The speech engine that produced the text (lib/speech registry id); null for transcripts made before it was recorded. */
  engine?: string | null;
  /** Display names, in the order they should be listed. */
  participants: string[];
  /** Display names of those who joined not transcribed, at their request (they are among `participants` too). */
  notTranscribed?: string[];
  /** Off-the-record spans (the host paused the transcription), ms from the transcription's start. */
  offRecord?: OffRecordGap[];
};

/** A gap the host left in the transcript: nothing said from `startMs` to `endMs` reached an engine. */
export type OffRecordGap = { startMs: number; endMs: number };

/** The header line every rendering carries: Verbatim never keeps audio, only the text below. */
export const AUDIO_NOT_KEPT = "not kept (only the text below was stored)";

/** Who said a segment: the participant and the name they had. */
export type Speaker = { participantId: string; displayName: string };

/**
 * A final segment as stored and rendered: who said what, when (ms from the transcription's start). The one shape
 * the pipeline stores, the renderings and summaries read, and live segments (lib/pipeline/live/live-bus.ts) extend.
 */
export type TranscriptSegment = Speaker & Pick<EngineSegment, "startMs" | "endMs" | "text">;

export type TranscriptFormat = "md" | "txt" | "vtt" | "json";

export const TRANSCRIPT_CONTENT_TYPES: Record<TranscriptFormat, string> = {
  md: "text/markdown; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** api.md: `<roomName without the slash>-<ISO start>.md` (other formats swap the extension). */
export function transcriptFilename(roomName: string, startedAt: Date, format: TranscriptFormat = "md"): string {
  return `${roomName.replace(/^\//, "")}-${startedAt.toISOString()}.${format}`;
}

/** Newlines, tabs and other control or separator characters become single spaces; names and text stay on one line. */
export function toSingleLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// Backslash-escaping works for every ASCII punctuation character in CommonMark, so anything that could open
// emphasis, code, links, images, HTML, entities, tables, strikethrough or autolinks is escaped. A "." is only
// escaped inside a word ("example.com", "www.x"), which defeats autolinks while "Dr. Smith" stays readable.
const MARKDOWN_SPECIAL = /[\\`*_[\](){}<>#|!~&:@$^+=%]/g;

/** Text safe to place inside a Markdown line: it renders as exactly these characters, never as markup or HTML. */
export function escapeMarkdownInline(value: string): string {
  return toSingleLine(value)
    .replace(MARKDOWN_SPECIAL, "\\$&")
    .replace(/\.(?=\S)/g, "\\.");
}

/** A speaker's name as every text output shows it (transcripts, summaries): one line, no bidi or other invisible controls. */
export function nameOrPlaceholder(name: string): string {
  return toSingleLine(name) || "Unnamed participant";
}

/** h:mm:ss, hours not padded (the header's Duration). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** hh:mm:ss (a segment's timestamp). */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

function sessionDurationMs(meta: TranscriptMeta): number {
  return meta.endedAt.getTime() - meta.startedAt.getTime();
}

/**
 * Whole seconds from start to end, rounded down: the one rule for durationInSeconds, the file header and every
 * screen, so that the list, the transcript page and the file never disagree by a second.
 */
export function durationInSeconds(startedAt: Date, endedAt: Date): number {
  return Math.max(0, Math.floor((endedAt.getTime() - startedAt.getTime()) / 1000));
}

/** Segments in spoken order; empty ones are left out. */
function orderedSegments(segments: TranscriptSegment[]): TranscriptSegment[] {
  return segments
    .filter((s) => toSingleLine(s.text) !== "")
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.startMs - b.s.startMs || a.s.endMs - b.s.endMs || a.i - b.i)
    .map(({ s }) => s);
}

/**
 * Segments and off-the-record gaps in time order. A gap goes before the first segment that starts at or after its end:
 * nothing said inside a gap is ever transcribed, so every segment that starts before its end was said before it (audio
 * a media server sends faster than real time runs ahead of the clock the gap is measured with).
 */
function timeline(meta: TranscriptMeta, segments: TranscriptSegment[]): ({ kind: "segment"; s: TranscriptSegment } | { kind: "gap"; gap: OffRecordGap })[] {
  const gaps = [...(meta.offRecord ?? [])].sort((a, b) => a.endMs - b.endMs);
  const out: ReturnType<typeof timeline> = [];
  let g = 0;
  for (const s of orderedSegments(segments)) {
    while (g < gaps.length && gaps[g].endMs <= s.startMs) out.push({ kind: "gap", gap: gaps[g++] });
    out.push({ kind: "segment", s });
  }
  while (g < gaps.length) out.push({ kind: "gap", gap: gaps[g++] });
  return out;
}

/** "Off the record 00:03:10–00:05:42": the marked gap, the same words in every rendering. */
export function offRecordLabel(gap: OffRecordGap): string {
  return `Off the record ${formatClock(gap.startMs)}–${formatClock(gap.endMs)}`;
}

/** The header lines after Participants, shared by .md and .txt: who asked not to be transcribed, and that no audio was kept. */
function privacyLines(meta: TranscriptMeta, name: (n: string) => string): string[] {
  const lines: string[] = [];
  if (meta.notTranscribed?.length) lines.push(`Not transcribed at their request: ${meta.notTranscribed.map(name).join(", ")}`);
  lines.push(`Audio: ${AUDIO_NOT_KEPT}`);
  return lines;
}

export function renderMarkdown(meta: TranscriptMeta, segments: TranscriptSegment[]): string {
  const lines = [
    `# Transcript: ${escapeMarkdownInline(meta.roomName)}`,
    "",
    `- Session: ${escapeMarkdownInline(meta.roomSessionId)}`,
    `- Started: ${meta.startedAt.toISOString()}  Ended: ${meta.endedAt.toISOString()}  Duration: ${formatDuration(sessionDurationMs(meta))}`,
    `- Language: ${escapeMarkdownInline(meta.language)}`,
    `- Participants: ${meta.participants.map((p) => escapeMarkdownInline(nameOrPlaceholder(p))).join(", ")}`,
    ...privacyLines(meta, (p) => escapeMarkdownInline(nameOrPlaceholder(p))).map((l) => `- ${l}`),
  ];
  for (const item of timeline(meta, segments)) {
    if (item.kind === "gap") {
      lines.push("", `*${offRecordLabel(item.gap)}*`);
      continue;
    }
    const s = item.s;
    lines.push(
      "",
      `**[${formatClock(s.startMs)}] ${escapeMarkdownInline(nameOrPlaceholder(s.displayName))}:** ${escapeMarkdownInline(s.text)}`,
    );
  }
  return lines.join("\n") + "\n";
}

export function renderText(meta: TranscriptMeta, segments: TranscriptSegment[]): string {
  const lines = [
    `Transcript: ${toSingleLine(meta.roomName)}`,
    "",
    `Session: ${toSingleLine(meta.roomSessionId)}`,
    `Started: ${meta.startedAt.toISOString()}  Ended: ${meta.endedAt.toISOString()}  Duration: ${formatDuration(sessionDurationMs(meta))}`,
    `Language: ${toSingleLine(meta.language)}`,
    `Participants: ${meta.participants.map(nameOrPlaceholder).join(", ")}`,
    ...privacyLines(meta, nameOrPlaceholder),
  ];
  for (const item of timeline(meta, segments)) {
    if (item.kind === "gap") lines.push("", `(${offRecordLabel(item.gap)})`);
    else lines.push("", `[${formatClock(item.s.startMs)}] ${nameOrPlaceholder(item.s.displayName)}: ${toSingleLine(item.s.text)}`);
  }
  return lines.join("\n") + "\n";
}

function vttTimestamp(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(t % 1000, 3)}`;
}

/** WebVTT text escaping: &, < and > become entities, so no name or text can open a tag or end a cue ("-->"). */
function escapeVtt(value: string): string {
  return toSingleLine(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function renderWebVtt(meta: TranscriptMeta, segments: TranscriptSegment[]): string {
  const blocks = [`WEBVTT - ${escapeVtt(`Transcript: ${meta.roomName}`)}`];
  let cue = 0;
  for (const item of timeline(meta, segments)) {
    if (item.kind === "gap") {
      blocks.push(`NOTE ${offRecordLabel(item.gap)}`);
      continue;
    }
    const s = item.s;
    const i = cue++;
    // A cue must end after it starts.
    const endMs = Math.max(s.endMs, s.startMs + 1);
    blocks.push(
      `${i + 1}\n${vttTimestamp(s.startMs)} --> ${vttTimestamp(endMs)}\n<v ${escapeVtt(nameOrPlaceholder(s.displayName))}>${escapeVtt(s.text)}`,
    );
  }
  return blocks.join("\n\n") + "\n";
}

export function renderJson(meta: TranscriptMeta, segments: TranscriptSegment[]): string {
  const body = {
    roomName: meta.roomName,
    roomSessionId: meta.roomSessionId,
    startDate: meta.startedAt.toISOString(),
    endDate: meta.endedAt.toISOString(),
    durationInSeconds: durationInSeconds(meta.startedAt, meta.endedAt),
    language: meta.language,
    engine: meta.engine ?? null,
    participants: meta.participants,
    notTranscribed: meta.notTranscribed ?? [],
    offTheRecord: meta.offRecord ?? [],
    audioKept: false,
    segments: orderedSegments(segments).map((s) => ({
      participantId: s.participantId,
      displayName: s.displayName,
      startMs: s.startMs,
      endMs: s.endMs,
      text: toSingleLine(s.text),
    })),
  };
  return JSON.stringify(body, null, 2) + "\n";
}

/** One entry point for downloads. */
export function renderTranscript(format: TranscriptFormat, meta: TranscriptMeta, segments: TranscriptSegment[]): string {
  switch (format) {
    case "md":
      return renderMarkdown(meta, segments);
    case "txt":
      return renderText(meta, segments);
    case "vtt":
      return renderWebVtt(meta, segments);
    case "json":
      return renderJson(meta, segments);
  }
}
