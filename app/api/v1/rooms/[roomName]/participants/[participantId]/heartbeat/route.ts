// POST /api/v1/rooms/{roomName}/participants/{participantId}/heartbeat: "still here" from a participant sending no audio.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { openSessionFor, participantHeartbeat } from "@/lib/pipeline/participant-audio";
import { participantParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const POST = roomRoute({ auth: "participant", params: participantParamsSchema, forward: {} }, async ({ db, room, caller, params }) => {
  const session = await openSessionFor(db, room, caller.kind === "participant" ? caller.claims.roomSessionId : undefined);
  await participantHeartbeat(db, session, params.participantId);
  return { status: 204 };
});
