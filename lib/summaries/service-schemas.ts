// Zod schemas for summaries: the REST body, queries and params, the summary object, and the dashboard form; one source for routes and the OpenAPI doc.
import { z } from "zod";
import { summaryStates } from "@/lib/db/schema/summaries";
import { DEFAULT_SUMMARY_TEMPLATE, SUMMARY_TEMPLATES, summaryTemplateSchema } from "@/lib/summaries/templates";

const templateSchema = z
  .enum(SUMMARY_TEMPLATES, { error: `Use one of the templates ${SUMMARY_TEMPLATES.join(", ")}` })
  .default(DEFAULT_SUMMARY_TEMPLATE)
  .describe(`The summary's shape; default "${DEFAULT_SUMMARY_TEMPLATE}"`);

/** POST /summaries; also the dashboard's "Summarize" form. Unknown keys are dropped, as elsewhere in the API. */
export const createSummarySchema = z.object({
  transcriptionId: z
    .string({ error: "Give the transcriptionId of a ready transcription of your account" })
    .trim()
    .min(1, "Give the transcriptionId of a ready transcription of your account")
    .max(100, "Give the transcriptionId of a ready transcription of your account"),
  template: templateSchema,
});
export type CreateSummaryInput = z.output<typeof createSummarySchema>;

export const summarySortFields = ["createdAt", "startDate", "roomName"] as const;
export type SummarySortField = (typeof summarySortFields)[number];
export type SummarySort = { field: SummarySortField; direction: "asc" | "desc" };
export const defaultSummarySort: SummarySort = { field: "createdAt", direction: "desc" };

const sortByMessage = `Use field:asc or field:desc with field one of ${summarySortFields.join(", ")}`;

/** GET /summaries. */
export const listSummariesQuerySchema = z.object({
  cursor: z
    .string()
    .max(600, "The cursor is not valid; use the cursor of the previous page")
    .optional()
    .describe("Opaque; the `cursor` of the previous page. null on the last page."),
  limit: z.coerce
    .number({ error: "Use a whole number from 1 to 100" })
    .int("Use a whole number from 1 to 100")
    .min(1, "Use a whole number from 1 to 100")
    .max(100, "Use a whole number from 1 to 100")
    .default(50),
  sortBy: z
    .string()
    .regex(/^(createdAt|startDate|roomName):(asc|desc)$/, sortByMessage)
    .optional()
    .transform((v): SummarySort => {
      if (!v) return defaultSummarySort;
      const [field, direction] = v.split(":") as [SummarySortField, "asc" | "desc"];
      return { field, direction };
    })
    .describe(`field:asc|desc with field one of ${summarySortFields.join(", ")}; default createdAt:desc`),
});
export type ListSummariesQuery = z.output<typeof listSummariesQuerySchema>;

// Any string: a malformed id answers 404 like a missing one, not 400.
export const summaryParamsSchema = z.object({ summaryId: z.string() });

/** The summary object of api.md, for the OpenAPI document. */
export const summaryObjectSchema = z.object({
  summaryId: z.string(),
  transcriptionId: z.string(),
  roomSessionId: z.string(),
  roomName: z.string().describe('Starts with "/"'),
  startDate: z.string().describe("When the transcribed session started (ISO-8601 UTC)"),
  endDate: z.string().nullable().describe("When the transcribed session ended"),
  createdAt: z.string().describe("When the summary was requested"),
  modifiedAt: z.string().describe("When the summary last changed state"),
  template: summaryTemplateSchema,
  state: z.enum(summaryStates),
  summary: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'null until ready. `{"summary": "<markdown>"}` plus the template\'s sections: SOAP adds `SOAP: {subjective, objective, assessment, plan}`; Extended SOAP adds `extended_SOAP: {chief_complaint, subjective, medications, allergies, objective, assessment, plan}`; Educational Lecture adds `lecture: {topics, key_points, questions, assignments}`; Educational Tutoring adds `tutoring: {topics, questions, difficulties, progress, next_steps}`.',
    ),
});
export type SummaryObject = z.infer<typeof summaryObjectSchema>;

/** The dashboard's delete button. */
export const summaryIdFormSchema = z.object({ summaryId: z.string().min(1).max(100) });
