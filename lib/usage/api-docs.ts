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
  failures: z.array(z.object({ transcriptionId: z.string(), roomName: z.string(), startDate: z.string(), error: z.string() })),
});

registerApiRoute({
  method: "get",
  path: "/usage",
  operationId: "getUsage",
  summary: "Usage over a range",
  description:
    "Extension: transcriptions started in [from, to) (default: the last 30 days; at most 366 days): minutes of saved transcripts per UTC day and per room, sessions, languages, and the latest failures with their reasons.",
  tags: ["Usage"],
  query: usageRangeSchema,
  responses: { 200: { description: "The account's usage", schema: usage } },
});
