// POST /api/v1/rooms/{roomName}/participants/{participantId}/audio/chunks/{seq}: one short numbered chunk of PCM (a browser).
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { assertAudioChunkAllowed } from "@/lib/api/room-limits";
import { assertPcmContentType, readChunkBody } from "@/lib/pipeline/http/audio-request";
import { acceptAudioChunk, openSessionFor } from "@/lib/pipeline/participant-audio";
import { MAX_CHUNK_BYTES } from "@/lib/pipeline/session/runtime";
import { chunkParamsSchema, parseSeq } from "@/lib/pipeline/session/validation";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const POST = roomRoute({ auth: "participant", params: chunkParamsSchema, forward: { maxBodyBytes: MAX_CHUNK_BYTES } }, async ({ db, room, caller, params, request }) => {
  const seq = parseSeq(params.seq);
  if (seq === undefined) {
    throw new AppError("validation", "Validation failed", [{ path: "seq", message: "The chunk number must be a whole number from 0" }]);
  }
  assertPcmContentType(request);
  const pcm = await readChunkBody(request, MAX_CHUNK_BYTES);
  if (caller.kind === "participant") await assertAudioChunkAllowed(room.id, params.participantId, pcm.length);
  const session = await openSessionFor(db, room, caller.kind === "participant" ? caller.claims.roomSessionId : undefined);
  const outcome = await acceptAudioChunk(db, session, params.participantId, seq, pcm);
  if (outcome === "duplicate" || outcome === "late") return { status: 200, json: { duplicate: true } };
  return { status: 202, json: { accepted: true, transcribed: outcome !== "not_transcribed" } };
});
