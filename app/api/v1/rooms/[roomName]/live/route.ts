// GET /api/v1/rooms/{roomName}/live: Server-Sent Events with the room's interim and final segments and its transcription
// state, each with an id; with Last-Event-ID (or ?lastEventId=) it first replays the finals the client missed.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { requestedCursor } from "@/lib/pipeline/live/live-cursor";
import { openLiveStream } from "@/lib/pipeline/live/live-stream";
import { roomTranscriptionState } from "@/lib/pipeline/room-state";
import { roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const GET = roomRoute({ auth: "public", params: roomParamsSchema }, async ({ db, room, request }) => {
  const body = await openLiveStream({
    db,
    scope: { roomId: room.id, accountId: room.accountId },
    loadState: () => roomTranscriptionState(db, room),
    resumeFrom: requestedCursor(request),
    signal: request.signal,
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
