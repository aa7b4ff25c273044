// Registers GET /usage with the OpenAPI document, from the schema the route validates with.
import { z } from "zod";
import { registerApiRoute } from "@/lib/api/openapi";
import { usageRangeSchema } from "./usage";

const usage = z.object({
  from: z.string(),
  to: z.string(),
  totals: z.object({ transcribedMinutes: z.number(), transcriptions: z.number(), sessions: z.number(), failed: z.number() }),
  days: z.array(z.object({ date: z.string().describe("UTC day, YYYY-MM-DD"), transcribedMinutes: z.number(), transcriptions: z.number() })),
  rooms: z.array(z.object({ roomName: z.string(), title: z.string().nullable(), transcribedMinutes: z.number(), transcriptions: z.number() })),
  languages: z.array(z.object({ language: z.string(), transcriptions: z.number() })),
  storage: z
    .object({
      savedBytes: z.number().describe("Bytes of transcript files saved in the range"),
      storedBytes: z.number().describe("Bytes the account's saved transcripts hold now, whatever the range"),
      storedTranscripts: z.number().describe("Saved transcripts the account holds now"),
      unknownSize: z.number().describe("Saved transcripts whose size was not recorded (saved before sizes were kept), left out of the sums"),
    })
    .describe("Storage used by transcript files"),
  failures: z.array(z.object({ transcriptionId: z.string(), roomName: z.string(), startDate: z.string(), error: z.string() })),
});

registerApiRoute({
  method: "get",
  path: "/usage",
  operationId: "getUsage",
  summary: "Usage over a range",
  description:
    "Extension: transcriptions started in [from, to) (default: the last 30 days; at most 366 days): minutes of saved transcripts per UTC day and per room, sessions, languages, and the latest failures with their reasons, and storage used by transcript files.",
  tags: ["Usage"],
  query: usageRangeSchema,
  responses: { 200: { description: "The account's usage", schema: usage } },
});
