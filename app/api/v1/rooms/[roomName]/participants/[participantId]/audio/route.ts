// PUT /api/v1/rooms/{roomName}/participants/{participantId}/audio: one long streamed body of 16 kHz mono s16le PCM (a media server's track).
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { pacedAudio } from "@/lib/api/room-limits";
import { assertPcmContentType } from "@/lib/pipeline/http/audio-request";
import { acceptAudioStream, openSessionFor } from "@/lib/pipeline/participant-audio";
import { participantParamsSchema } from "@/lib/pipeline/session/validation";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export const PUT = roomRoute({ auth: "participant", params: participantParamsSchema, forward: { longStream: true } }, async ({ db, room, caller, params, request }) => {
  assertPcmContentType(request);
  if (!request.body) throw new AppError("validation", "Validation failed", [{ path: "", message: "Send the audio as the request body" }]);
  const session = await openSessionFor(db, room, caller.kind === "participant" ? caller.claims.roomSessionId : undefined);
  // A participant token's stream is read no faster than real time allows; a media server's (API key) as it comes.
  const body = caller.kind === "participant" ? pacedAudio(request.body, room.id, params.participantId) : request.body;
  const { receivedBytes } = await acceptAudioStream(db, session, params.participantId, body);
  return { json: { receivedBytes } };
});
