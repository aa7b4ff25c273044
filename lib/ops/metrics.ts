// The Prometheus metrics of this instance (prom-client), served at /metrics: sessions, speakers, recognizer pool, latency, backlogs.
import { timingSafeEqual } from "node:crypto";
import { and, count, eq, gt } from "drizzle-orm";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "@/lib/db/client";
import { transcriptions, webhookDeliveries } from "@/lib/db/schema";
import { ownedRuntimes } from "@/lib/pipeline/runtime-registry";
import { engineMetrics, onFinalLatency, speakingTracks } from "@/lib/speech/engine-metrics";
import { currentRecognizerPool } from "@/lib/speech/recognizer-pool";

// One registry per process, on globalThis: Next.js may load this module once per bundle.
const key = Symbol.for("verbatim.metrics-registry");
type Holder = { [key]?: Registry };

/** The registry, built on first use with every metric; `db` answers the backlog gauges (read at each scrape). */
export function metricsRegistry(db: () => Promise<Db>): Registry {
  const holder = globalThis as Holder;
  holder[key] ??= buildRegistry(db);
  return holder[key];
}

function buildRegistry(db: () => Promise<Db>): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "verbatim_" });
  const registers = [registry];
  const pool = () => currentRecognizerPool()?.stats();

  new Gauge({
    name: "verbatim_active_sessions",
    help: "Room sessions this instance runs.",
    registers,
    collect() {
      this.set(ownedRuntimes().size);
    },
  });
  new Gauge({
    name: "verbatim_active_participants",
    help: "Participants present in the sessions this instance runs.",
    registers,
    collect() {
      let n = 0;
      for (const rt of ownedRuntimes().values()) n += rt.participantCount;
      this.set(n);
    },
  });
  new Gauge({
    name: "verbatim_speaking_tracks",
    help: "Tracks in an utterance now (the voice activity detector heard speech); only these hold a recognizer.",
    registers,
    collect() {
      this.set(speakingTracks());
    },
  });
  new Gauge({
    name: "verbatim_engine_pool_max",
    help: "Recognizers that may be lent at once (VERBATIM_ENGINE_POOL_MAX).",
    registers,
    collect() {
      this.set(pool()?.max ?? 0);
    },
  });
  new Gauge({
    name: "verbatim_engine_pool_in_use",
    help: "Recognizers lent now, for final text or for interim previews.",
    labelNames: ["purpose"] as const,
    registers,
    collect() {
      const s = pool();
      this.set({ purpose: "final" }, s?.finalInUse ?? 0);
      this.set({ purpose: "interim" }, s?.interimInUse ?? 0);
    },
  });
  new Gauge({
    name: "verbatim_engine_pool_queued",
    help: "Utterances waiting for a recognizer (their audio is kept).",
    registers,
    collect() {
      this.set(pool()?.queued ?? 0);
    },
  });
  new Gauge({
    name: "verbatim_over_capacity",
    help: "1 while the instance is over capacity (utterances waited past VERBATIM_ENGINE_POOL_WAIT_MS; new sessions get 503).",
    registers,
    collect() {
      this.set(pool()?.overCapacity ? 1 : 0);
    },
  });
  new Counter({
    name: "verbatim_engine_pool_overflows_total",
    help: "Utterances that waited for a recognizer longer than VERBATIM_ENGINE_POOL_WAIT_MS.",
    registers,
    collect() {
      this.reset();
      this.inc(pool()?.overCapacityEvents ?? 0);
    },
  });
  new Counter({
    name: "verbatim_engine_restarts_total",
    help: "Recognizer processes restarted after dying mid-stream.",
    registers,
    collect() {
      this.reset();
      this.inc(engineMetrics().restarts);
    },
  });
  const latency = new Histogram({
    name: "verbatim_eou_final_latency_seconds",
    help: "From the end of an utterance's audio arriving to its final segment.",
    buckets: [0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.5, 2, 3, 5, 10],
    registers,
  });
  onFinalLatency((seconds) => latency.observe(seconds));
  new Gauge({
    name: "verbatim_transcript_uploads_awaiting_retry",
    help: "Stopped transcriptions whose upload failed and waits for its next attempt.",
    registers,
    async collect() {
      const [row] = await (await db())
        .select({ n: count() })
        .from(transcriptions)
        .where(and(eq(transcriptions.state, "in_progress"), gt(transcriptions.uploadAttempts, 0)));
      this.set(row?.n ?? 0);
    },
  });
  new Gauge({
    name: "verbatim_webhook_backlog",
    help: "Webhook deliveries not yet delivered (pending), across the database.",
    registers,
    async collect() {
      const [row] = await (await db()).select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.status, "pending"));
      this.set(row?.n ?? 0);
    },
  });
  return registry;
}

/**
 * Whether a scrape may read the metrics: with VERBATIM_METRICS_TOKEN set, only with `Authorization: Bearer <token>`
 * (compared in constant time); unset, anyone who reaches the server (keep /metrics off the public proxy then).
 */
export function metricsAuthorized(authorization: string | null, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
