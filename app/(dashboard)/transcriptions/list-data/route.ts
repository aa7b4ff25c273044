// GET /transcriptions/list-data: one page of the dashboard list as JSON, polled by React Query (session auth, members and admins).
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";
import { dashboardTranscriptionPage } from "@/lib/transcripts/dashboard-list";
import { transcriptionListFiltersSchema } from "@/lib/transcripts/validation";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthorized", "Sign in again");
    const raw = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
    const filters = transcriptionListFiltersSchema.parse(raw);
    const page = await dashboardTranscriptionPage(await getDb(), user.accountId, filters);
    return Response.json(page, { headers: { "Cache-Control": "private, no-store" } });
  } catch (error) {
    return errorResponse(error, { "Cache-Control": "private, no-store" });
  }
}
