// GET /transcriptions/{id}/live-events: Server-Sent Events of the transcription's room (interim and final segments,
// state changes), with ids and resume (Last-Event-ID), for the dashboard view while it is in progress (session auth, members and admins, own account only).
import { eq } from "drizzle-orm";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { rooms } from "@/lib/db/schema";
import { errorResponse } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";
import { requestedCursor } from "@/lib/pipeline/live/live-cursor";
import { openLiveStream } from "@/lib/pipeline/live/live-stream";
import { roomTranscriptionState } from "@/lib/pipeline/service";
import { getTranscription } from "@/lib/transcripts/transcriptions";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthorized", "Sign in again");
    const { id } = await params;
    const db = await getDb();
    const row = await getTranscription(db, user.accountId, id);
    const [room] = row.roomId ? await db.select().from(rooms).where(eq(rooms.id, row.roomId)) : [];
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
  } catch (error) {
    return errorResponse(error, { "Cache-Control": "private, no-store" });
  }
}
