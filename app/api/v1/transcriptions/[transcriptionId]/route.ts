// GET and DELETE /api/v1/transcriptions/{transcriptionId}: one transcription of the caller's account.
import { apiRoute } from "@/lib/api/route";
import { deleteTranscriptions, getTranscription } from "@/lib/transcripts/transcriptions";
import { transcriptionJson } from "@/lib/transcripts/transcription-resource";
import { transcriptionParamsSchema } from "@/lib/transcripts/validation";

export const GET = apiRoute({ cost: "read", params: transcriptionParamsSchema }, async ({ actor, db, params }) => {
  return { json: transcriptionJson(await getTranscription(db, actor.accountId, params.transcriptionId)) };
});

export const DELETE = apiRoute({ cost: "delete", params: transcriptionParamsSchema }, async ({ actor, db, params }) => {
  await deleteTranscriptions(db, actor, [params.transcriptionId]);
  return { status: 204 };
});
