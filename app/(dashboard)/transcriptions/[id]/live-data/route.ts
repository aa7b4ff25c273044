// GET /transcriptions/{id}/live-data?after=N: the state and the segments stored after segment N, polled by the view
// while a transcription is in progress (session auth, members and admins).
import { z } from "zod";
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { getTranscription } from "@/lib/transcripts/transcriptions";
import { loadSegments } from "@/lib/transcripts/segments";

export const dynamic = "force-dynamic";

const pathSchema = z.object({ id: z.string() });

export const GET = dashboardRoute({ role: "member", params: pathSchema }, async ({ user, db, request, params: { id } }) => {
  const afterRaw = new URL(request.url).searchParams.get("after");
  const after = afterRaw && /^\d{1,15}$/.test(afterRaw) ? Number(afterRaw) : undefined;
  const row = await getTranscription(db, user.accountId, id);
  const segments = await loadSegments(db, user.accountId, row.id, after);
  return Response.json({ state: row.state, phase: row.phase, error: row.error, segments }, { headers: { "Cache-Control": "private, no-store" } });
});
