// POST /api/v1/rooms/{roomName}/transcription/pause: the host takes the running transcription off the record (host token, room key in the body, or API key).
import { callerIsHost, roomRoute } from "@/lib/pipeline/http/room-route";
import { commandRoomOffRecord } from "@/lib/pipeline/host-commands";
import { hostCommandBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const POST = roomRoute(
  { auth: "public", params: roomParamsSchema, body: hostCommandBodySchema, optionalBody: true, cost: "write", forward: {} },
  async ({ db, room, caller, body }) => {
    const isHost = await callerIsHost(db, room, caller, body.roomKey);
    return { json: await commandRoomOffRecord(db, room, { isHost, action: "pause" }) };
  },
);
