// Registers the transcriptions routes with the OpenAPI document, from the same zod schemas the routes validate with.
import { z } from "zod";
import { registerApiRoute } from "@/lib/api/openapi";
import { transcriptionStates } from "@/lib/db/schema/sessions";
import { accessLinkQuerySchema, bulkDeleteBodySchema, listTranscriptionsQuerySchema, transcriptionParamsSchema } from "./validation";

const transcription = z
  .object({
    transcriptionId: z.string(),
    roomSessionId: z.string(),
    roomName: z.string().describe('Starts with "/"'),
    filename: z.string().describe("`<roomName without the slash>-<ISO start>.md`"),
    startDate: z.string().describe("ISO-8601 UTC"),
    endDate: z.string().nullable().describe("ISO-8601 UTC; null while in progress"),
    createdAt: z.string(),
    state: z.enum(transcriptionStates),
    durationInSeconds: z.number().int().nullable().describe("null while in progress"),
    type: z.literal("LIVE_TRANSCRIPTION"),
    storageType: z.enum(["HOSTED", "SELF_HOSTED"]),
    language: z.string(),
    engine: z
      .string()
      .nullable()
      .describe("Extension: the speech engine that produced the text, such as `pocketsphinx` or `deepgram` (chosen by language when the transcription started); null when none could be chosen"),
  })
  .openapi("Transcription");

const scoped = "Only the key's account's transcriptions; another account's id answers 404 exactly as a missing one.";

registerApiRoute({
  method: "get",
  path: "/transcriptions",
  operationId: "listTranscriptions",
  summary: "List transcriptions",
  description:
    "The account's transcriptions, newest first unless `sortBy` says otherwise. `cursor` is opaque and null on the last page; paging is stable while transcriptions are added or deleted (a cursor only works with the `sortBy` it was made for). " +
    scoped,
  tags: ["Transcriptions"],
  query: listTranscriptionsQuerySchema,
  responses: { 200: { description: "A page of transcriptions", schema: z.object({ results: z.array(transcription), cursor: z.string().nullable() }) } },
});

registerApiRoute({
  method: "get",
  path: "/transcriptions/{transcriptionId}",
  operationId: "getTranscription",
  summary: "Get a transcription",
  description: scoped,
  tags: ["Transcriptions"],
  params: transcriptionParamsSchema,
  responses: { 200: { description: "The transcription", schema: transcription } },
});

registerApiRoute({
  method: "post",
  path: "/transcriptions/{transcriptionId}/retry-upload",
  operationId: "retryTranscriptionUpload",
  summary: "Retry saving a failed transcript",
  description:
    "For a transcription whose transcript could not be saved to its storage (state `failed` after its upload retries, for example while a customer bucket was down or refused access): saves it again now from the text kept in Verbatim, with a fresh round of retries if this attempt fails too. Answers the transcription after this attempt: `ready` when saved, else `in_progress` while it is retried. 409 when it has not failed (running, being saved or retried, already ready, or failed before there was anything to save). Audited. " +
    scoped,
  tags: ["Transcriptions"],
  params: transcriptionParamsSchema,
  responses: {
    200: { description: "The transcription after the attempt", schema: transcription },
    404: { description: "Not a transcription of this account" },
    409: { description: "Not failed" },
  },
});

registerApiRoute({
  method: "get",
  path: "/transcriptions/{transcriptionId}/access-link",
  operationId: "getTranscriptionAccessLink",
  summary: "Get a download link for the transcript file",
  description:
    "A signed URL that downloads the `.md` file without further auth until `expires` (epoch milliseconds), and not after. 403 for a SELF_HOSTED transcription (the file is in your own bucket); 409 while the transcription is in progress or has no stored file. " +
    scoped,
  tags: ["Transcriptions"],
  params: transcriptionParamsSchema,
  query: accessLinkQuerySchema,
  responses: {
    200: { description: "The link", schema: z.object({ accessLink: z.string(), expires: z.number().int().describe("epoch ms") }) },
    409: { description: "No stored file yet" },
  },
});

registerApiRoute({
  method: "delete",
  path: "/transcriptions/{transcriptionId}",
  operationId: "deleteTranscription",
  summary: "Delete a transcription",
  description:
    "Deletes the stored file, every segment of the transcript's text and the transcription, and records who did it in the account's audit log. Idempotent: deleting it again answers 204. 409 while it is still in progress; 503 when the file's storage does not answer (nothing is deleted then). " +
    scoped,
  tags: ["Transcriptions"],
  params: transcriptionParamsSchema,
  responses: { 204: { description: "Deleted (or already deleted)" }, 409: { description: "Still in progress" }, 503: { description: "The storage did not answer; kept" } },
});

registerApiRoute({
  method: "post",
  path: "/transcriptions/bulk-delete",
  operationId: "bulkDeleteTranscriptions",
  summary: "Delete several transcriptions",
  description:
    "Deletes each listed transcription as DELETE /transcriptions/{id} does. Every id is checked first: if one is not (and never was) a transcription of the account, the answer is 404 and nothing is deleted. Ids already deleted are fine (idempotent). " +
    scoped,
  tags: ["Transcriptions"],
  body: bulkDeleteBodySchema,
  responses: {
    204: { description: "Deleted (or already deleted)" },
    404: { description: "An id is not a transcription of the account; nothing was deleted" },
    409: { description: "One is still in progress; nothing was deleted" },
    503: { description: "A file's storage did not answer; that transcript was kept" },
  },
});
