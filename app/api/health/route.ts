// GET /api/health: ready, degraded or over_capacity, with the reasons (database, speech engines, recognizer pool), for operators and load balancers.
import { getDb } from "@/lib/db/client";
import { instanceHealth } from "@/lib/ops/health";
import { OVER_CAPACITY_RETRY_AFTER_SECONDS } from "@/lib/speech/recognizer-pool";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await instanceHealth(getDb);
  // 503 tells a load balancer to send new work elsewhere: over capacity, or no database to serve from.
  const unavailable = health.status === "over_capacity" || !health.database.reachable;
  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (health.status === "over_capacity") headers["retry-after"] = String(OVER_CAPACITY_RETRY_AFTER_SECONDS);
  return Response.json(health, { status: unavailable ? 503 : 200, headers });
}
