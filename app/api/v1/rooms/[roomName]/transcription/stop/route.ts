// POST /api/v1/rooms/{roomName}/transcription/stop: the host stops a manual transcription (host token, room key in the body, or API key).
import { callerIsHost, roomRoute } from "@/lib/pipeline/http/room-route";
import { commandRoomTranscription } from "@/lib/pipeline/host-commands";
import { hostCommandBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const POST = roomRoute(
  { auth: "public", params: roomParamsSchema, body: hostCommandBodySchema, optionalBody: true, cost: "write", forward: {} },
  async ({ db, room, caller, body }) => {
    const isHost = await callerIsHost(db, room, caller, body.roomKey);
    return { json: await commandRoomTranscription(db, room, { isHost, action: "stop" }) };
  },
);
