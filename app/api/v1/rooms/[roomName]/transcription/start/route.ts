// POST /api/v1/rooms/{roomName}/transcription/start: the host starts a manual transcription (host token, room key in the body, or API key).
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { commandRoomTranscription, participantIsHost } from "@/lib/pipeline/service";
import { hostCommandBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";
import { verifyRoomKey } from "@/lib/rooms/rooms";

export const dynamic = "force-dynamic";

export const POST = roomRoute(
  { auth: "public", params: roomParamsSchema, body: hostCommandBodySchema, optionalBody: true, cost: "write", forward: {} },
  async ({ db, room, caller, body }) => {
    const isHost =
      caller.kind === "api_key" ||
      verifyRoomKey(room, body.roomKey) ||
      (caller.kind === "participant" && (await participantIsHost(db, room, caller.claims.participantId, caller.claims.roomSessionId)));
    return { json: await commandRoomTranscription(db, room, { isHost, action: "start" }) };
  },
);
