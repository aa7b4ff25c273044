// The retention sweep: deletes transcripts older than their account's retention period (Configure → Transcription),
// through the same path as a person's delete (file, segments, row, audit record), once an hour in each server process.
import { and, asc, eq, gt, inArray, isNotNull, lt, ne, notInArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accountSettings, transcriptions } from "@/lib/db/schema";
import type { Actor } from "@/lib/actor";
import { AppError } from "@/lib/errors";
import { startSweep, type Sweep } from "@/lib/jobs/sweep";
import { deleteTranscriptions } from "@/lib/transcripts/transcriptions";

const DAY_MS = 86_400_000;
const BATCH = 100;

export type RetentionSweepResult = { accounts: number; deleted: number; kept: number };

/** The actor the audit log shows for deletions made by the retention policy. */
export function retentionActor(accountId: string, days: number): Actor {
  return { accountId, userId: null, role: "admin", label: `Retention policy (${days} days)`, via: "cli" };
}

/**
 * Deletes, in every account with a retention period, the finished transcripts (ready or failed) that started more
 * than that many days before `now`. A transcript whose file cannot be deleted (its bucket does not answer) is kept
 * and tried again at the next sweep. Several instances may sweep at once: deletion is idempotent.
 */
export async function deleteExpiredTranscriptions(db: Db, now = new Date()): Promise<RetentionSweepResult> {
  const policies = await db
    .select({ accountId: accountSettings.accountId, days: accountSettings.retentionDays })
    .from(accountSettings)
    .where(and(isNotNull(accountSettings.retentionDays), gt(accountSettings.retentionDays, 0)));
  const result: RetentionSweepResult = { accounts: 0, deleted: 0, kept: 0 };
  for (const policy of policies) {
    const days = policy.days!;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    const actor = retentionActor(policy.accountId, days);
    const kept: string[] = [];
    let touched = false;
    for (;;) {
      const batch = await db
        .select({ id: transcriptions.id })
        .from(transcriptions)
        .where(
          and(
            eq(transcriptions.accountId, policy.accountId),
            lt(transcriptions.startedAt, cutoff),
            ne(transcriptions.state, "in_progress"),
            kept.length ? notInArray(transcriptions.id, kept) : undefined,
          ),
        )
        .orderBy(asc(transcriptions.startedAt))
        .limit(BATCH);
      if (batch.length === 0) break;
      touched = true;
      const ids = batch.map((b) => b.id);
      try {
        result.deleted += (await deleteTranscriptions(db, actor, ids, { reason: "retention" })).deleted.length;
      } catch (error) {
        // Files that could not be deleted keep their transcripts; everything else in the batch is gone.
        if (!(error instanceof AppError)) throw error;
        const left = await db.select({ id: transcriptions.id }).from(transcriptions).where(inArray(transcriptions.id, ids));
        const stillThere = new Set(left.map((l) => l.id));
        const notDeleted = ids.filter((id) => stillThere.has(id));
        result.deleted += ids.length - notDeleted.length;
        kept.push(...notDeleted);
        result.kept += notDeleted.length;
        console.error(`Retention for account ${policy.accountId}: ${error.message}`);
      }
      if (batch.length < BATCH) break;
    }
    if (touched) result.accounts++;
  }
  return result;
}

/**
 * Sweeps a minute after start and then every hour, never two at once (a sweep held up by an unreachable bucket can
 * outlast the hour). Nothing is lost when it stops: the next sweep (here or in another instance) picks up where this
 * one left off.
 */
export function startRetentionJob(db: Db, opts: { firstAfterMs?: number; everyMs?: number } = {}): Sweep {
  return startSweep(
    async () => {
      const r = await deleteExpiredTranscriptions(db);
      if (r.deleted + r.kept > 0) {
        console.log(`Retention: deleted ${r.deleted} transcript(s) in ${r.accounts} account(s)${r.kept ? `, kept ${r.kept} whose storage did not answer` : ""}.`);
      }
    },
    { name: "Retention sweep", everyMs: opts.everyMs ?? 3600_000, firstAfterMs: opts.firstAfterMs ?? 60_000 },
  );
}
