// GET /usage/export?days=N: the Usage page's figures as CSV (session auth, admins).
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/api/errors";
import { AppError } from "@/lib/errors";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { accountUsage, usageCsv } from "@/lib/usage/usage";
import { usageRangeForDays } from "../range";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  try {
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthorized", "Sign in again");
    if (user.role !== "admin") throw new AppError("forbidden", "Only account admins can export usage");
    const range = usageRangeForDays(new URL(request.url).searchParams.get("days"));
    const usage = await accountUsage(await getDb(), user.accountId, range);
    return new Response(usageCsv(usage), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": attachmentDisposition(`verbatim-usage-${usage.from.slice(0, 10)}-to-${usage.to.slice(0, 10)}.csv`),
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
