// POST /api/v1/transcriptions/{transcriptionId}/retry-upload: save a transcript whose upload failed for good again, now, from its kept text.
import { apiRoute } from "@/lib/api/route";
import { retryTranscriptUpload } from "@/lib/pipeline/finalize";
import { transcriptionJson } from "@/lib/transcripts/transcription-resource";
import { transcriptionParamsSchema } from "@/lib/transcripts/validation";

export const POST = apiRoute({ cost: "write", params: transcriptionParamsSchema }, async ({ actor, db, params }) => {
  return { json: transcriptionJson(await retryTranscriptUpload(db, actor, params.transcriptionId)) };
});
