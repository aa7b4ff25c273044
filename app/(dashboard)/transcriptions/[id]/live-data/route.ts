// GET /transcriptions/{id}/live-data?after=N: the state and the segments stored after segment N, polled by the view
// while a transcription is in progress (session auth, members and admins).
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";
import { getTranscription } from "@/lib/transcripts/transcriptions";
import { loadSegments } from "@/lib/transcripts/segments";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthorized", "Sign in again");
    const { id } = await params;
    const afterRaw = new URL(request.url).searchParams.get("after");
    const after = afterRaw && /^\d{1,15}$/.test(afterRaw) ? Number(afterRaw) : undefined;
    const db = await getDb();
    const row = await getTranscription(db, user.accountId, id);
    const segments = await loadSegments(db, user.accountId, row.id, after);
    return Response.json(
      { state: row.state, phase: row.phase, error: row.error, segments },
      { headers: { "Cache-Control": "private, no-store" } },
    );
  } catch (error) {
    return errorResponse(error, { "Cache-Control": "private, no-store" });
  }
}
