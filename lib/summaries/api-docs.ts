// Registers the summaries routes with the OpenAPI document, from the same zod schemas the routes validate with.
import { z } from "zod";
import { registerApiRoute } from "@/lib/api/openapi";
import { createSummarySchema, listSummariesQuerySchema, summaryObjectSchema, summaryParamsSchema } from "./service-schemas";

const engines =
  "Summaries are made in the background by the engine the operator configured: an OpenAI-compatible chat model, or the embedded extractive summarizer, which quotes the transcript's most representative sentences. The `summary.finished` or `summary.failed` webhook says when it is done.";

registerApiRoute({
  method: "post",
  path: "/summaries",
  operationId: "createSummary",
  summary: "Summarize a transcription",
  description:
    "Requests a summary of a ready transcription of the account, with `state: in_progress` until it is made. One summary per transcription at a time: a second request answers 409 until the first is deleted. A transcription still in progress, or one that failed, also answers 409 (with its own message). An id that is not a transcription of the account answers 404. " +
    engines,
  tags: ["Summaries"],
  body: createSummarySchema,
  responses: {
    201: { description: "The summary was requested", schema: z.object({ summaryId: z.string() }) },
    404: { description: "The requested resource doesn't exist" },
    409: { description: "The transcription already has a summary, or is not ready" },
    413: { description: "The body is larger than the server accepts" },
    415: { description: "The body is not sent as application/json" },
  },
});

registerApiRoute({
  method: "get",
  path: "/summaries",
  operationId: "listSummaries",
  summary: "List summaries",
  description:
    "The account's summaries, newest first unless `sortBy` says otherwise. `cursor` is opaque and null on the last page; paging is stable while summaries are added or deleted.",
  tags: ["Summaries"],
  query: listSummariesQuerySchema,
  responses: { 200: { description: "A page of summaries", schema: z.object({ results: z.array(summaryObjectSchema), cursor: z.string().nullable() }) } },
});

registerApiRoute({
  method: "get",
  path: "/summaries/{summaryId}",
  operationId: "getSummary",
  summary: "Get a summary",
  description: "One summary of the account; `summary` is null until `state` is ready. Another account's or a deleted summary answers 404.",
  tags: ["Summaries"],
  params: summaryParamsSchema,
  responses: { 200: { description: "The summary", schema: summaryObjectSchema } },
});

registerApiRoute({
  method: "delete",
  path: "/summaries/{summaryId}",
  operationId: "deleteSummary",
  summary: "Delete a summary",
  description:
    "Deletes a summary; the transcription may then be summarized again. Idempotent: deleting it again answers 204. An id that was never a summary of the account (another account's included) answers 404.",
  tags: ["Summaries"],
  params: summaryParamsSchema,
  responses: { 204: { description: "Deleted (or already deleted)" } },
});
