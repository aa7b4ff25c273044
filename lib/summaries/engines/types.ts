// The one interface every summary engine implements, and the error it throws for an admin to read.
import { z } from "zod";
import type { TranscriptSegment } from "@/lib/transcripts/render";
import { summaryTemplateSchema, type SummaryContent, type SummaryTemplate } from "@/lib/summaries/templates";

/** One final utterance of one participant, as the transcription pipeline stores it (lib/transcripts/render.ts). */
export const transcriptSegmentSchema = z.object({
  participantId: z.string(),
  displayName: z.string(),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
  text: z.string(),
}) satisfies z.ZodType<TranscriptSegment>;
export type { TranscriptSegment };

export const summaryInputSchema = z.object({
  segments: z.array(transcriptSegmentSchema),
  template: summaryTemplateSchema,
  /** Transcript language code (api.md's list), so answers come back in that language. */
  language: z.string().min(2),
});
export interface SummaryInput {
  segments: readonly TranscriptSegment[];
  template: SummaryTemplate;
  language: string;
}

export interface SummaryResult {
  template: SummaryTemplate;
  /** The engine's id, for the record. */
  engine: string;
  /** The model that wrote it, when a language model did. */
  model?: string;
  /** api.md's `summary` field, already validated against the template. */
  summary: SummaryContent;
}

export interface SummarizeOptions {
  signal?: AbortSignal;
}

export interface SummaryEngine {
  id: string;
  label: string;
  summarize(input: SummaryInput, options?: SummarizeOptions): Promise<SummaryResult>;
}

export type SummaryErrorCode =
  | "invalid_input"
  | "empty_transcript"
  | "unauthorized"
  | "not_found"
  | "rate_limited"
  | "http_error"
  | "unreachable"
  | "timeout"
  | "bad_answer"
  | "aborted"
  | "config";

/** A failure whose message is written for the admin who reads the summary's `failed` reason. */
export class SummaryEngineError extends Error {
  constructor(
    readonly code: SummaryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SummaryEngineError";
  }
}

/** Checks the input's shape once, so engines can trust it. */
export function parseSummaryInput(input: SummaryInput): SummaryInput {
  const result = summaryInputSchema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    throw new SummaryEngineError("invalid_input", `The summary input is invalid: ${detail}`);
  }
  return result.data;
}

/** Throws the standard abort error when the caller gave up. */
export function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new SummaryEngineError("aborted", "The summary was cancelled", { cause: signal.reason });
}
