// POST /api/v1/summaries (request a summary of a transcription) and GET /api/v1/summaries (the account's summaries, cursor paged).
import { apiRoute } from "@/lib/api/route";
import { listSummaries, requestSummary, summaryJson } from "@/lib/summaries/service";
import { createSummarySchema, listSummariesQuerySchema } from "@/lib/summaries/service-schemas";

export const POST = apiRoute({ cost: "write", body: createSummarySchema }, async ({ actor, db, body }) => {
  const { summaryId } = await requestSummary(db, actor, body);
  return { status: 201, json: { summaryId } };
});

export const GET = apiRoute({ cost: "read", query: listSummariesQuerySchema }, async ({ actor, db, query }) => {
  const page = await listSummaries(db, actor.accountId, query);
  return { json: { results: page.summaries.map(summaryJson), cursor: page.nextCursor } };
});
