// Zod schemas for transcriptions: the REST queries, params and bodies (also the OpenAPI doc) and the dashboard list filters.
import { z } from "zod";
import { textWithoutNul } from "@/lib/validation/no-nul";
import { transcriptionStates } from "@/lib/db/schema/sessions";

export const transcriptionSortFields = ["roomName", "startDate", "durationInSeconds"] as const;
export type TranscriptionSortField = (typeof transcriptionSortFields)[number];
export type TranscriptionSort = { field: TranscriptionSortField; direction: "asc" | "desc" };
export const defaultTranscriptionSort: TranscriptionSort = { field: "startDate", direction: "desc" };

const sortByPattern = /^(roomName|startDate|durationInSeconds):(asc|desc)$/;
const sortByMessage = "Use field:asc or field:desc with field one of roomName, startDate, durationInSeconds";

export function parseTranscriptionSort(value: string | undefined): TranscriptionSort {
  if (value === undefined || value === "") return defaultTranscriptionSort;
  const [field, direction] = value.split(":") as [TranscriptionSortField, "asc" | "desc"];
  return { field, direction };
}

const sortBySchema = z
  .string()
  .regex(sortByPattern, sortByMessage)
  .optional()
  .transform(parseTranscriptionSort)
  .describe("field:asc|desc with field one of roomName, startDate, durationInSeconds; default startDate:desc");

const cursorSchema = z
  .string()
  .max(600, "The cursor is not valid; use the cursor of the previous page")
  .optional()
  .describe("Opaque; the `cursor` of the previous page. null on the last page.");

const limitSchema = z.coerce
  .number({ error: "Use a whole number from 1 to 100" })
  .int("Use a whole number from 1 to 100")
  .min(1, "Use a whole number from 1 to 100")
  .max(100, "Use a whole number from 1 to 100")
  .default(50);

/** GET /transcriptions. */
export const listTranscriptionsQuerySchema = z.object({
  roomName: textWithoutNul().max(200, "Use at most 200 characters").optional().describe('Only this room\'s transcriptions, e.g. "/sales-3f2a…"'),
  cursor: cursorSchema,
  limit: limitSchema,
  sortBy: sortBySchema,
});

// Any string: a malformed id answers 404 like a missing one, not 400.
export const transcriptionParamsSchema = z.object({ transcriptionId: z.string() });

export const accessLinkQuerySchema = z.object({
  validForSeconds: z.coerce
    .number({ error: "Use a whole number of seconds from 1 to 43200" })
    .int("Use a whole number of seconds from 1 to 43200")
    .min(1, "Use a whole number of seconds from 1 to 43200")
    .max(43200, "Use a whole number of seconds from 1 to 43200")
    .default(3600)
    .describe("How long the link works, 1..43200 seconds; default 3600"),
});

export const MAX_BULK_DELETE = 500;

export const bulkDeleteBodySchema = z.object({
  transcriptionIds: z
    .array(z.string({ error: "Each id must be a string" }).max(100, "Not a transcription id"), { error: "Give transcriptionIds as an array of ids" })
    .min(1, "Give at least one transcription id")
    .max(MAX_BULK_DELETE, `Give at most ${MAX_BULK_DELETE} ids at a time`),
});

const isoDateTime = z.iso.datetime({ offset: true, error: "Give a date and time in ISO-8601, such as 2026-12-01T00:00:00Z" });

/** The dashboard list: search, filters, sort and paging (query string of the list's JSON route). */
export const transcriptionListFiltersSchema = z.object({
  q: textWithoutNul().max(200, "Use at most 200 characters").optional(),
  room: textWithoutNul().max(200).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  state: z.enum(transcriptionStates, { error: "Use in_progress, ready or failed" }).optional(),
  storage: z.enum(["HOSTED", "SELF_HOSTED"], { error: "Use HOSTED or SELF_HOSTED" }).optional(),
  sort: sortBySchema,
  cursor: cursorSchema,
  limit: limitSchema,
});
export type TranscriptionListFilters = z.output<typeof transcriptionListFiltersSchema>;
