// GET /transcriptions/{id}/live-events: Server-Sent Events of the transcription's room (interim and final segments,
// state changes), with ids and resume (Last-Event-ID), for the dashboard view while it is in progress (session auth, members and admins, own account only).
import { z } from "zod";
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { AppError } from "@/lib/errors";
import { requestedCursor } from "@/lib/pipeline/live/live-cursor";
import { openLiveStream } from "@/lib/pipeline/live/live-stream";
import { roomTranscriptionState } from "@/lib/pipeline/room-state";
import { findRoom } from "@/lib/rooms/rooms";
import { getTranscription } from "@/lib/transcripts/transcriptions";

export const dynamic = "force-dynamic";

const pathSchema = z.object({ id: z.string() });

export const GET = dashboardRoute({ role: "member", params: pathSchema }, async ({ user, db, request, params: { id } }) => {
  const row = await getTranscription(db, user.accountId, id);
  const room = row.roomId ? await findRoom(db, user.accountId, row.roomId) : null;
  // Over, or its room deleted: nothing will happen live any more (the view polls the stored state).
  if (row.state !== "in_progress" || !room) throw new AppError("conflict", "This transcription is not in progress");
  // Its own transcription's segments only; Last-Event-ID (EventSource sends it on reconnecting) replays missed finals.
  const body = await openLiveStream({
    db,
    scope: { roomId: room.id, accountId: user.accountId, transcriptionId: row.id },
    loadState: () => roomTranscriptionState(db, room),
    resumeFrom: requestedCursor(request),
    signal: request.signal,
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "private, no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
