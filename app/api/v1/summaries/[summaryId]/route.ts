// GET and DELETE /api/v1/summaries/{summaryId}: one summary of the caller's account.
import { apiRoute } from "@/lib/api/route";
import { deleteSummary, getSummary, summaryJson } from "@/lib/summaries/service";
import { summaryParamsSchema } from "@/lib/summaries/service-schemas";

export const GET = apiRoute({ cost: "read", params: summaryParamsSchema }, async ({ actor, db, params }) => {
  return { json: summaryJson(await getSummary(db, actor.accountId, params.summaryId)) };
});

export const DELETE = apiRoute({ cost: "delete", params: summaryParamsSchema }, async ({ actor, db, params }) => {
  await deleteSummary(db, actor, params.summaryId);
  return { status: 204 };
});
