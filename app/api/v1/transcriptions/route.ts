// GET /api/v1/transcriptions: the account's transcriptions, filtered by room, sorted, cursor paged (api.md).
import { apiRoute } from "@/lib/api/route";
import { listTranscriptions } from "@/lib/transcripts/list";
import { transcriptionJson } from "@/lib/transcripts/transcription-resource";
import { listTranscriptionsQuerySchema } from "@/lib/transcripts/validation";

export const GET = apiRoute({ cost: "read", query: listTranscriptionsQuerySchema }, async ({ actor, db, query }) => {
  const page = await listTranscriptions(db, actor.accountId, { roomName: query.roomName, sort: query.sortBy, cursor: query.cursor, limit: query.limit });
  return { json: { results: page.items.map(transcriptionJson), cursor: page.nextCursor } };
});
