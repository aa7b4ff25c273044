// POST /api/v1/rooms/{roomName}/participants: join (the first join opens the session; the room key grants the host role).
import { roomRoute } from "@/lib/api/participant-route";
import { joinParticipant } from "@/lib/pipeline/service";
import { joinBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const POST = roomRoute({ auth: "public", params: roomParamsSchema, body: joinBodySchema, cost: "write" }, async ({ db, room, body }) => ({
  status: 201,
  json: await joinParticipant(db, room, body),
}));
