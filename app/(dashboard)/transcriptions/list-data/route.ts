// GET /transcriptions/list-data: one page of the dashboard list as JSON, polled by React Query (session auth, members and admins).
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { dashboardTranscriptionPage } from "@/lib/transcripts/dashboard-list";
import { transcriptionListFiltersSchema } from "@/lib/transcripts/validation";

export const dynamic = "force-dynamic";

export const GET = dashboardRoute({ role: "member" }, async ({ user, db, request }) => {
  // Empty fields of the filter form mean "any".
  const raw = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const page = await dashboardTranscriptionPage(db, user.accountId, transcriptionListFiltersSchema.parse(raw));
  return Response.json(page, { headers: { "Cache-Control": "private, no-store" } });
});
