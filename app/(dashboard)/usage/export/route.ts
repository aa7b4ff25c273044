// GET /usage/export?days=N: the Usage page's figures as CSV (session auth, admins).
import { dashboardRoute } from "@/lib/auth/dashboard-route";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { accountUsage, usageCsv } from "@/lib/usage/usage";
import { usageRangeForDays } from "../range";

export const dynamic = "force-dynamic";

export const GET = dashboardRoute({ role: "admin" }, async ({ user, db, request }) => {
  const range = usageRangeForDays(new URL(request.url).searchParams.get("days"));
  const usage = await accountUsage(db, user.accountId, range);
  return new Response(usageCsv(usage), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": attachmentDisposition(`verbatim-usage-${usage.from.slice(0, 10)}-to-${usage.to.slice(0, 10)}.csv`),
      "Cache-Control": "private, no-store",
    },
  });
});
