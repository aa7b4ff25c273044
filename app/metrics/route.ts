// GET /metrics: Prometheus metrics (lib/ops/metrics.ts); with VERBATIM_METRICS_TOKEN set, only for `Authorization: Bearer <token>`.
import { appEnv } from "@/lib/config/env";
import { getDb } from "@/lib/db/client";
import { metricsAuthorized, metricsRegistry } from "@/lib/ops/metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  if (!metricsAuthorized(request.headers.get("authorization"), appEnv().VERBATIM_METRICS_TOKEN)) {
    return new Response("Unauthorized: send Authorization: Bearer <VERBATIM_METRICS_TOKEN>\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="metrics"' },
    });
  }
  const registry = metricsRegistry(getDb);
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
