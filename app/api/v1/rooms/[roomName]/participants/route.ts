// POST /api/v1/rooms/{roomName}/participants: join (the first join opens the session; the room key grants the host role; a taken participantId needs its own token).
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { assertAnonymousJoinAllowed } from "@/lib/api/room-limits";
import { joinParticipant } from "@/lib/pipeline/participants";
import { joinBodySchema, roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const POST = roomRoute({ auth: "public", params: roomParamsSchema, body: joinBodySchema, cost: "write", forward: {} }, async ({ db, room, body, caller, request }) => {
  // An API key is held to its account's budget; anyone else with the room link to the room's and the address's.
  if (caller.kind !== "api_key") await assertAnonymousJoinAllowed(db, room.id, request);
  return {
    status: 201,
    json: await joinParticipant(db, room, body, {
      apiKey: caller.kind === "api_key",
      token: caller.kind === "participant" ? caller.claims : undefined,
    }),
  };
});
