// GET /api/v1/rooms/{roomName}: the room's public live state (transcription state, who is present); no secrets, participant ids only for the account's API key.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { roomSnapshot } from "@/lib/pipeline/room-state";
import { roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const GET = roomRoute({ auth: "public", params: roomParamsSchema, cost: "read" }, async ({ db, room, caller }) => ({
  json: await roomSnapshot(db, room, { withParticipantIds: caller.kind === "api_key" }),
}));
