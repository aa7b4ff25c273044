// GET /api/v1/rooms/{roomName}: the room's public live state (transcription state, who is present); no secrets.
import { roomRoute } from "@/lib/api/participant-route";
import { roomSnapshot } from "@/lib/pipeline/service";
import { roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const GET = roomRoute({ auth: "public", params: roomParamsSchema, cost: "read" }, async ({ db, room }) => ({
  json: await roomSnapshot(db, room),
}));
