// POST /api/v1/rooms/{roomName}/transcription/resume: the host takes the running transcription back on the record (host token, room key in the body, or API key).
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { commandRoomOffRecord, participantIsHost } from "@/lib/pipeline/service";
import { hostCommandBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";
import { verifyRoomKey } from "@/lib/rooms/rooms";

export const dynamic = "force-dynamic";

export const POST = roomRoute(
  { auth: "public", params: roomParamsSchema, body: hostCommandBodySchema, optionalBody: true, cost: "write" },
  async ({ db, room, caller, body }) => {
    const isHost =
      caller.kind === "api_key" ||
      verifyRoomKey(room, body.roomKey) ||
      (caller.kind === "participant" && (await participantIsHost(db, room, caller.claims.participantId, caller.claims.roomSessionId)));
    return { json: await commandRoomOffRecord(db, room, { isHost, action: "resume" }) };
  },
);
