// DELETE /api/v1/rooms/{roomName}/participants/{participantId}: leave (idempotent); the last leave ends the session.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { leaveParticipant } from "@/lib/pipeline/participants";
import { participantParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const DELETE = roomRoute({ auth: "participant", params: participantParamsSchema, cost: "delete", forward: {} }, async ({ db, room, caller, params }) => {
  await leaveParticipant(db, room, params.participantId, { sessionId: caller.kind === "participant" ? caller.claims.roomSessionId : undefined });
  return { status: 204 };
});
