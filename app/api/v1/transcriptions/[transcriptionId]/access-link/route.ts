// GET /api/v1/transcriptions/{transcriptionId}/access-link: a signed, expiring download link for the hosted .md file.
import { apiRoute } from "@/lib/api/route";
import { createAccessLink } from "@/lib/transcripts/transcriptions";
import { accessLinkQuerySchema, transcriptionParamsSchema } from "@/lib/transcripts/validation";

export const GET = apiRoute({ cost: "read", params: transcriptionParamsSchema, query: accessLinkQuerySchema }, async ({ actor, db, params, query }) => {
  return { json: await createAccessLink(db, actor.accountId, params.transcriptionId, query.validForSeconds) };
});
