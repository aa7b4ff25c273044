// The instance's health for operators and load balancers: ready, degraded or over capacity, with the reasons.
import { sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { currentRecognizerPool, type PoolStats } from "@/lib/speech/recognizer-pool";
import { configuredSpeechEngineStatuses } from "@/lib/speech/status";

export type HealthStatus = "ready" | "degraded" | "over_capacity";

export type Health = {
  status: HealthStatus;
  /** Why the status is not ready (empty when ready). */
  reasons: string[];
  database: { reachable: boolean; problem: string | null };
  engines: { engineId: string; ok: boolean; problem: string | null }[];
  /** The recognizer pool, once an engine that uses it has been opened. */
  pool: PoolStats | null;
};

/**
 * Over capacity wins (the instance must shed new sessions); degraded means it serves but something is wrong: the
 * database does not answer, or a configured engine cannot run.
 */
export async function instanceHealth(db: () => Promise<Db>): Promise<Health> {
  const database = await probeDatabase(db);
  const engines = (await configuredSpeechEngineStatuses()).map((s) => ({ engineId: s.engineId, ok: s.ok, problem: s.problem }));
  const pool = currentRecognizerPool()?.stats() ?? null;
  const reasons: string[] = [];
  if (pool?.overCapacity) {
    reasons.push(`Utterances waited more than the pool's bound for one of ${pool.max} recognizers (VERBATIM_ENGINE_POOL_MAX); new sessions are refused for now.`);
  }
  if (!database.reachable) reasons.push(`The database does not answer: ${database.problem}`);
  for (const e of engines) if (!e.ok) reasons.push(`Speech engine ${e.engineId} cannot run: ${e.problem}`);
  if (engines.length > 0 && engines.every((e) => !e.ok)) reasons.push("No configured speech engine can run: transcription cannot start.");
  const status: HealthStatus = pool?.overCapacity ? "over_capacity" : reasons.length > 0 ? "degraded" : "ready";
  return { status, reasons, database, engines, pool };
}

async function probeDatabase(db: () => Promise<Db>): Promise<Health["database"]> {
  try {
    await (await db()).execute(sql`select 1`);
    return { reachable: true, problem: null };
  } catch (e) {
    return { reachable: false, problem: e instanceof Error ? e.message : String(e) };
  }
}
