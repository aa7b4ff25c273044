// GET /api/v1/rooms/{roomName}/live: Server-Sent Events with the room's interim and final segments and its transcription state.
import { roomRoute } from "@/lib/pipeline/http/room-route";
import { liveEventStream } from "@/lib/pipeline/live/live-stream";
import { roomTranscriptionState } from "@/lib/pipeline/service";
import { roomParamsSchema } from "@/lib/pipeline/session/validation";

export const dynamic = "force-dynamic";

export const GET = roomRoute({ auth: "public", params: roomParamsSchema }, async ({ db, room, request }) => {
  return new Response(liveEventStream(room.id, () => roomTranscriptionState(db, room), request.signal), {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
