// GET /transcriptions/{id}/summary-data: the transcription's summary for the summary panel, or null for none; polled
// by React Query while the summary is being made (session auth, members and admins).
import { z } from "zod";
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { getSummaryOfTranscription, summaryPanelData } from "@/lib/summaries/service";

export const dynamic = "force-dynamic";

const pathSchema = z.object({ id: z.string() });

export const GET = dashboardRoute({ role: "member", params: pathSchema }, async ({ user, db, params: { id } }) => {
  const view = await getSummaryOfTranscription(db, user.accountId, id);
  return Response.json(view ? summaryPanelData(view) : null, { headers: { "Cache-Control": "private, no-store" } });
});
