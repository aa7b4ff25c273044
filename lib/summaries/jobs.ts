// The summary job: a pg-boss job names a requested summary; its handler claims the summary's row (a lease, so a
// duplicate job or the sweep never makes it twice), runs the engine on the stored segments, and stores the result or
// the reason it failed with summary.finished / summary.failed in the same transaction. The sweep (runPendingSummaries)
// makes those whose job was lost or whose worker died.
import { randomUUID } from "node:crypto";
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { summaries, transcriptions } from "@/lib/db/schema";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { sendWakeUpInTransaction } from "@/lib/jobs/queue";
import { createSummaryEngine, type SummaryEngineEnv } from "@/lib/summaries/engines/registry";
import { SummaryEngineError, type SummaryEngine } from "@/lib/summaries/engines/types";
import { checkSummaryContent, summaryTemplateSchema, type SummaryTemplate } from "@/lib/summaries/templates";
import { loadSegments } from "@/lib/transcripts/segments";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type SummaryJobOptions = {
  /** The engine to use; by default the one the environment chooses (createSummaryEngine). */
  engine?: SummaryEngine;
  /** The environment the default engine is chosen from (process.env by default). */
  env?: SummaryEngineEnv;
  /** How long a claim holds before another worker may take the summary over (default 60 s); renewed every third of it while running. */
  leaseMs?: number;
  /** A summary claimed this many times without finishing (the server died each time) fails instead (default 3). */
  maxAttempts?: number;
  /** Names this worker in the lease, for the log. */
  workerId?: string;
  /** Cancels the running engine call: the summary is handed back, not failed (a graceful stop). */
  signal?: AbortSignal;
};

export const DEFAULT_SUMMARY_LEASE_MS = 60_000;
export const DEFAULT_SUMMARY_MAX_ATTEMPTS = 3;

type Claim = { id: string; accountId: string; transcriptionId: string; template: SummaryTemplate; leaseOwner: string };

/** The pg-boss queue of summaries to make; a job only names the summary, whose row says what to do. */
export const SUMMARY_QUEUE = "summary";

/** What making one summary came to: finished (ready or failed), handed back (a graceful stop), or nothing to do (held elsewhere, deleted, done). */
export type SummaryRunOutcome = "finished" | "handed_back" | "not_claimed";

/**
 * Makes the summary `summaryId` if it is still requested and no live worker holds it (a job's handler). A summary
 * claimed too often without finishing (the server died each time) fails instead.
 */
export async function runSummary(db: Db, summaryId: string, options: SummaryJobOptions = {}): Promise<SummaryRunOutcome> {
  const claim = await claimSummary(db, options, summaryId);
  if (!claim) return "not_claimed";
  if (claim === "failed") return "finished";
  return (await runClaimedSummary(db, claim, options)) ? "finished" : "handed_back";
}

/**
 * The sweep: makes every requested summary that no live worker holds, one after the other, until none is left
 * (those whose job was lost, or whose worker died and whose lease ran out). Several processes may run this at once:
 * each summary is claimed by one. Returns how many it finished (ready or failed).
 */
export async function runPendingSummaries(db: Db, options: SummaryJobOptions = {}): Promise<number> {
  let done = 0;
  while (!options.signal?.aborted) {
    const claim = await claimSummary(db, options);
    if (!claim) break;
    if (claim === "failed") {
      done++;
      continue;
    }
    if (await runClaimedSummary(db, claim, options)) done++;
  }
  return done;
}

/** Claims `summaryId` (else the oldest requested summary) if its lease is free or expired; a summary claimed too often fails instead. */
async function claimSummary(db: Db, options: SummaryJobOptions, summaryId?: string): Promise<Claim | "failed" | undefined> {
  const leaseMs = options.leaseMs ?? DEFAULT_SUMMARY_LEASE_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_SUMMARY_MAX_ATTEMPTS;
  const leaseOwner = `${options.workerId ?? "worker"}:${randomUUID()}`;
  return db.transaction(async (tx) => {
    // The database's clock decides leases, so instances with skewed clocks agree.
    const [row] = await tx
      .select({ id: summaries.id, accountId: summaries.accountId, transcriptionId: summaries.transcriptionId, template: summaries.template, attempts: summaries.attempts })
      .from(summaries)
      .where(
        and(
          summaryId ? eq(summaries.id, summaryId) : undefined,
          eq(summaries.state, "in_progress"),
          isNull(summaries.deletedAt),
          or(isNull(summaries.leaseExpiresAt), lt(summaries.leaseExpiresAt, sql`now()`)),
        ),
      )
      .orderBy(asc(summaries.createdAt))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!row) return undefined;
    const template = summaryTemplateSchema.parse(row.template);
    if (row.attempts >= maxAttempts) {
      await finishSummary(tx, { ...row, template }, {
        state: "failed",
        error:
          `The summary was interrupted ${row.attempts} times before it could finish (the server stopped or ran out of memory while making it). ` +
          "Check the server log, then delete this summary and request it again.",
      });
      return "failed";
    }
    await tx
      .update(summaries)
      .set({ leaseOwner, leaseExpiresAt: sql`now() + (${Math.round(leaseMs)})::integer * interval '1 millisecond'`, attempts: sql`${summaries.attempts} + 1` })
      .where(eq(summaries.id, row.id));
    return { id: row.id, accountId: row.accountId, transcriptionId: row.transcriptionId, template, leaseOwner };
  });
}

type Outcome = { state: "ready"; summary: Record<string, unknown>; engine: string } | { state: "failed"; error: string; engine?: string };

/** Runs the engine for a claimed summary and stores the outcome; false when it was handed back or deleted meanwhile. */
async function runClaimedSummary(db: Db, claim: Claim, options: SummaryJobOptions): Promise<boolean> {
  const leaseMs = options.leaseMs ?? DEFAULT_SUMMARY_LEASE_MS;
  // A long engine call keeps its claim alive; a worker that died stops renewing and its summary is taken over.
  const renew = setInterval(() => {
    db.update(summaries)
      .set({ leaseExpiresAt: sql`now() + (${Math.round(leaseMs)})::integer * interval '1 millisecond'` })
      .where(and(eq(summaries.id, claim.id), eq(summaries.leaseOwner, claim.leaseOwner)))
      .catch((error) => console.error("Could not renew a summary's lease:", error));
  }, Math.max(1000, Math.floor(leaseMs / 3)));
  let outcome: Outcome;
  try {
    outcome = await makeSummary(db, claim, options);
  } catch (error) {
    if (options.signal?.aborted) {
      // Stopping, not failing: the next worker (here after a restart, or another instance) makes it.
      await db
        .update(summaries)
        .set({ leaseOwner: null, leaseExpiresAt: null, attempts: sql`greatest(${summaries.attempts} - 1, 0)` })
        .where(and(eq(summaries.id, claim.id), eq(summaries.leaseOwner, claim.leaseOwner)));
      return false;
    }
    console.error(`Summary ${claim.id} failed unexpectedly:`, error);
    outcome = {
      state: "failed",
      error: `The summary could not be made because of an internal error (${(error as Error)?.message ?? String(error)}). Check the server log, then request it again.`,
    };
  } finally {
    clearInterval(renew);
  }
  return db.transaction((tx) => finishSummary(tx, claim, outcome, claim.leaseOwner));
}

async function makeSummary(db: Db, claim: Claim, options: SummaryJobOptions): Promise<Outcome> {
  let engine: SummaryEngine;
  try {
    engine = options.engine ?? createSummaryEngine(options.env ?? process.env);
  } catch (error) {
    if (error instanceof SummaryEngineError) return { state: "failed", error: `The summary engine is not configured correctly: ${error.message}` };
    throw error;
  }
  const [t] = await db
    .select({ language: transcriptions.language })
    .from(transcriptions)
    .where(and(eq(transcriptions.id, claim.transcriptionId), eq(transcriptions.accountId, claim.accountId)));
  if (!t) return { state: "failed", error: "The transcription was deleted before it could be summarized", engine: engine.id };
  const segments = await loadSegments(db, claim.accountId, claim.transcriptionId);
  try {
    const result = await engine.summarize({ segments, template: claim.template, language: t.language }, { signal: options.signal });
    const engineName = result.model ? `${result.engine}/${result.model}` : result.engine;
    // Engines validate their own answers; checked again because this is what the API will serve as the template's shape.
    const check = checkSummaryContent(claim.template, result.summary);
    if (!check.ok) {
      const detail = check.issues.map((i) => `${i.path || "summary"}: ${i.message}`).join("; ");
      return { state: "failed", engine: engineName, error: `The summary engine's answer does not fit the ${claim.template} template (${detail}). Request it again, or try another model.` };
    }
    return { state: "ready", summary: check.content as Record<string, unknown>, engine: engineName };
  } catch (error) {
    if (error instanceof SummaryEngineError && !(error.code === "aborted" && options.signal?.aborted)) {
      return { state: "failed", error: error.message, engine: engine.id };
    }
    throw error;
  }
}

/**
 * Stores the outcome and records its webhook event in the same transaction. Only while the summary is still live and
 * in progress (and, given an owner, still held by it): a deleted or taken-over summary is left alone.
 */
async function finishSummary(
  tx: Tx,
  claim: { id: string; accountId: string; transcriptionId: string; template: SummaryTemplate },
  outcome: Outcome,
  leaseOwner?: string,
): Promise<boolean> {
  const [row] = await tx
    .update(summaries)
    .set({
      state: outcome.state,
      summary: outcome.state === "ready" ? outcome.summary : null,
      error: outcome.state === "failed" ? outcome.error : null,
      engine: outcome.engine ?? null,
      leaseOwner: null,
      leaseExpiresAt: null,
      modifiedAt: new Date(),
    })
    .where(
      and(
        eq(summaries.id, claim.id),
        eq(summaries.state, "in_progress"),
        isNull(summaries.deletedAt),
        leaseOwner ? eq(summaries.leaseOwner, leaseOwner) : undefined,
      ),
    )
    .returning({ id: summaries.id });
  if (!row) return false;
  const data = { summaryId: claim.id, transcriptionId: claim.transcriptionId, template: claim.template };
  if (outcome.state === "ready") {
    await enqueueEvent(tx, { accountId: claim.accountId, type: "summary.finished", data: { ...data, status: "ready" } });
  } else {
    await enqueueEvent(tx, { accountId: claim.accountId, type: "summary.failed", data: { ...data, status: "failed" } });
  }
  return true;
}

/**
 * Queues a summary just requested, in the request's transaction: a job on the summary queue (any instance's worker
 * may take it) when a worker runs in this process; otherwise the sweep makes it.
 */
export async function queueSummary(tx: Tx, summaryId: string): Promise<void> {
  await sendWakeUpInTransaction(tx, SUMMARY_QUEUE, { summaryId });
}
