// POST /api/v1/rooms/{roomName}/transcriptions/{transcriptionId}/download-links: signed, short-lived links to a finished
// transcript of this room (.md, .txt, .vtt), for the host (room key or host token), an API key, or a participant of
// that session when the room lets participants download.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { AppError } from "@/lib/errors";
import { roomDownloadLinks, type DownloadRequester } from "@/lib/pipeline/room-downloads";
import { downloadLinksParamsSchema, hostCommandBodySchema } from "@/lib/pipeline/session/validation";
import { verifyRoomKey } from "@/lib/rooms/rooms";

export const dynamic = "force-dynamic";

export const POST = roomRoute(
  { auth: "public", params: downloadLinksParamsSchema, body: hostCommandBodySchema, optionalBody: true, cost: "read" },
  async ({ db, room, caller, params, body }) => {
    let requester: DownloadRequester;
    if (caller.kind === "api_key") requester = { kind: "api_key" };
    else if (verifyRoomKey(room, body.roomKey)) requester = { kind: "host_key" };
    else if (caller.kind === "participant") requester = { kind: "participant", roomSessionId: caller.claims.roomSessionId, participantId: caller.claims.participantId };
    else throw new AppError("unauthorized", "Send the participant token (X-Participant-Token) from the join answer, the room key, or an API key");
    return { json: await roomDownloadLinks(db, room, requester, params.transcriptionId) };
  },
);
