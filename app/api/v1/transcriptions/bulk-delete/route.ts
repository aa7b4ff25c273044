// POST /api/v1/transcriptions/bulk-delete: deletes several transcriptions of the caller's account, all or none checked first.
import { apiRoute } from "@/lib/api/route";
import { deleteTranscriptions } from "@/lib/transcripts/transcriptions";
import { bulkDeleteBodySchema } from "@/lib/transcripts/validation";

export const POST = apiRoute({ cost: "delete", body: bulkDeleteBodySchema }, async ({ actor, db, body }) => {
  await deleteTranscriptions(db, actor, body.transcriptionIds);
  return { status: 204 };
});
