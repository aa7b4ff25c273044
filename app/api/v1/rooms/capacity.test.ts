// Over capacity, through the route handlers: /api/health and /metrics say so, a new session is refused with 503 and
// Retry-After, a running room still admits, and the instance recovers once recognizers are free again.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { resetAppEnvForTests } from "@/lib/config/env";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { engineMetrics } from "@/lib/speech/engine-metrics";
import { RecognizerPool, type PoolLease } from "@/lib/speech/recognizer-pool";
import * as health from "@/app/api/health/route";
import * as metrics from "@/app/metrics/route";
import { callRoute, newAccount, newRoom, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => {
  delete process.env.VERBATIM_METRICS_TOKEN;
  resetAppEnvForTests();
  env.cleanup();
});

async function scrape(authorization?: string) {
  const res = await metrics.GET(new Request("http://localhost/metrics", { headers: authorization ? { authorization } : {} }));
  return { status: res.status, text: await res.text() };
}

function metricValue(text: string, line: string): number {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  if (!found) throw new Error(`no ${line} in the metrics`);
  return Number(found.slice(line.length + 1));
}

describeEachDatabase("capacity", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("health and metrics report the pool; past the wait bound the instance refuses new sessions until it recovers", async () => {
    const pool = new RecognizerPool({ max: 1, waitMs: 100, overCapacityHoldMs: 300 });
    engineMetrics().pool = pool;
    const running = await newRoom(db(), acct, { startTrigger: "none" });
    expect((await callRoute("POST", `/rooms/${running.name}/participants`, { json: { displayName: "Ana" } })).status).toBe(201);

    const ready = await health.GET();
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", reasons: [], database: { reachable: true }, pool: { max: 1, inUse: 0, queued: 0 } });

    // One utterance holds the only recognizer, a second waits past the bound.
    const held = await pool.acquireFinal();
    let second: PoolLease | undefined;
    const waiting = pool.acquireFinal().then((l) => (second = l));
    await new Promise((r) => setTimeout(r, 250));

    const over = await health.GET();
    expect(over.status).toBe(503);
    expect(over.headers.get("retry-after")).toBe("30");
    const body = await over.json();
    expect(body).toMatchObject({ status: "over_capacity", pool: { inUse: 1, queued: 1, overCapacity: true } });
    expect(body.reasons[0]).toMatch(/VERBATIM_ENGINE_POOL_MAX/);

    const scraped = await scrape();
    expect(scraped.status).toBe(200);
    expect(metricValue(scraped.text, "verbatim_over_capacity")).toBe(1);
    expect(metricValue(scraped.text, "verbatim_engine_pool_queued")).toBe(1);
    expect(metricValue(scraped.text, 'verbatim_engine_pool_in_use{purpose="final"}')).toBe(1);
    expect(metricValue(scraped.text, "verbatim_engine_pool_overflows_total")).toBe(1);
    expect(metricValue(scraped.text, "verbatim_active_sessions")).toBeGreaterThanOrEqual(1);
    expect(metricValue(scraped.text, "verbatim_active_participants")).toBeGreaterThanOrEqual(1);
    expect(metricValue(scraped.text, "verbatim_webhook_backlog")).toBeGreaterThanOrEqual(0);
    expect(scraped.text).toContain("verbatim_eou_final_latency_seconds_bucket");

    // A new session is refused; a participant joining the running room is not.
    const fresh = await newRoom(db(), acct, { startTrigger: "none" });
    const refused = await callRoute("POST", `/rooms/${fresh.name}/participants`, { json: { displayName: "Bo" } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(refused.json.error).toMatch(/as many people as it can/);
    expect(refused.json.code).toBe("over_capacity");
    expect((await callRoute("POST", `/rooms/${running.name}/participants`, { json: { displayName: "Cy" } })).status).toBe(201);

    // The waiting utterance got its recognizer when the first was returned; after the hold, sessions start again.
    held.release();
    await waiting;
    second!.release();
    await new Promise((r) => setTimeout(r, 400));
    expect((await (await health.GET()).json()).status).toBe("ready");
    expect((await callRoute("POST", `/rooms/${fresh.name}/participants`, { json: { displayName: "Bo" } })).status).toBe(201);
    await settlePipelineTasks();
  });

  it("/metrics asks for the bearer token when VERBATIM_METRICS_TOKEN is set", async () => {
    process.env.VERBATIM_METRICS_TOKEN = "a-long-enough-metrics-token";
    resetAppEnvForTests();
    try {
      expect((await scrape()).status).toBe(401);
      expect((await scrape("Bearer wrong-token-of-some-length")).status).toBe(401);
      const ok = await scrape("Bearer a-long-enough-metrics-token");
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("verbatim_speaking_tracks 0");
    } finally {
      delete process.env.VERBATIM_METRICS_TOKEN;
      resetAppEnvForTests();
    }
  });
});
