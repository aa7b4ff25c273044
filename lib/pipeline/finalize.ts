// Finalize: render a stopped transcription's stored segments as Markdown, upload it, and mark it ready, or retry with backoff and then fail.
import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { notFound } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { storageForDestination } from "@/lib/storage-config/storage-for";
import { StorageError } from "@/lib/storage/storage-error";
import { durationInSeconds as sessionSeconds, renderMarkdown, TRANSCRIPT_CONTENT_TYPES } from "@/lib/transcripts/render";
import { loadSegments, transcriptHeader } from "@/lib/transcripts/segments";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { ENGINE_ERROR_PREFIX, keptOnSave } from "@/lib/pipeline/engine-errors";
import { FINALIZE_CLAIM_MS, type StoredDestination, type TranscriptionRow } from "@/lib/pipeline/session/sessions";
import { unwrittenSegments } from "@/lib/pipeline/session/segment-queue";
import { transition } from "@/lib/transcripts/lifecycle";
import { lifecycleError, mayMove, moveTo } from "@/lib/transcripts/lifecycle-store";
import { uuidPattern } from "@/lib/validation/uuid";
import { appEnv } from "@/lib/config/env";
import { sendWakeUpInTransaction } from "@/lib/jobs/queue";

/** The pg-boss queue that wakes a transcription whose upload retry is due; the job only names it, its row says what is due. */
export const UPLOAD_RETRY_QUEUE = "transcript-upload-retry";

/**
 * Waits before each retry of a failed upload (VERBATIM_UPLOAD_RETRY_DELAYS_MS; by default about 20 minutes in all,
 * long enough to ride out a bucket's outage or an admin fixing a policy, short enough that a broken bucket is reported
 * the same hour). After the last, `failed`.
 */
export function uploadRetryDelaysMs(): readonly number[] {
  return appEnv().VERBATIM_UPLOAD_RETRY_DELAYS_MS;
}

export type FinalizeOptions = {
  /** The owner right after a stop: skip the wait the stop set for it. */
  force?: boolean;
  now?: () => Date;
  backoffMs?: readonly number[];
};

/** Where the transcript goes in its storage: the customer's bucket gets the bare filename; hosted storage is split by account. */
export function transcriptStorageKey(t: Pick<TranscriptionRow, "accountId" | "filename" | "storageType">): string {
  return t.storageType === "SELF_HOSTED" ? t.filename : `${t.accountId}/${t.filename}`;
}

/** The Markdown transcript of a stopped transcription, from its stored segments, with the one header rule. */
export async function renderTranscriptionMarkdown(db: Db, t: TranscriptionRow): Promise<string> {
  const segments = await loadSegments(db, t.accountId, t.id);
  return renderMarkdown(await transcriptHeader(db, t, segments), segments);
}

/**
 * Why an upload failed, in a short fixed description chosen by the storage error's code: shown on the transcript page
 * and in the failed event, so never the storage service's own answer (it may hold anything).
 */
export function uploadFailureReason(error: unknown): string {
  const code = error instanceof StorageError ? error.code : "unknown";
  const reasons: Record<string, string> = {
    no_such_bucket: "the bucket does not exist",
    access_denied: "access was denied (check the key and what it may do)",
    wrong_region: "the bucket is in another region",
    unreachable: "the storage service could not be reached",
    invalid_config: "the storage settings are not valid or not allowed (check the bucket's address)",
    invalid_key: "the storage settings are not valid",
  };
  return reasons[code] ?? "the storage service answered with an error";
}

/**
 * Saves a stopped transcription: renders, uploads, and moves it to `ready` with its duration and the finished event,
 * in one transaction. A failed upload counts an attempt and moves it to `upload_retrying` until the next is due
 * (`error` says why); after the last it is `upload_failed` with the reason and the failed event. The segments stay,
 * so an admin can retry. Claims the row first, so two instances (or the owner and the retry loop) never save it at once.
 */
export async function finalizeTranscription(db: Db, transcriptionId: string, opts: FinalizeOptions = {}): Promise<TranscriptionRow | undefined> {
  const now = opts.now ?? (() => new Date());
  const backoff = opts.backoffMs ?? uploadRetryDelaysMs();
  // Never saved while this instance still holds accepted segments of it (a database outage): the owner saves it once they are stored.
  if (unwrittenSegments(transcriptionId) > 0) return undefined;
  const claimedAt = now();
  // Forced: the holder of the claim (the owner after its stop, an admin's retry). Else only when it is free to take.
  const [t] = await db
    .update(transcriptions)
    .set({ ...moveTo("claim"), claimedUntil: new Date(claimedAt.getTime() + FINALIZE_CLAIM_MS), updatedAt: claimedAt })
    .where(and(eq(transcriptions.id, transcriptionId), opts.force ? eq(transcriptions.phase, "saving") : claimable(claimedAt)))
    .returning();
  if (!t) return undefined;

  // Nothing was ever transcribed (the microphone failed, nobody spoke): no empty file is saved and nothing is called
  // "ready"; it fails with that reason, which the list and the page show.
  const [spoken] = await db.select({ id: transcriptSegments.id }).from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, t.id)).limit(1);
  if (!spoken) return failWithoutSpeech(db, t, now());

  const key = transcriptStorageKey(t);
  let failure: string | undefined;
  let sizeBytes: number | null = null;
  try {
    const markdown = await renderTranscriptionMarkdown(db, t);
    sizeBytes = Buffer.byteLength(markdown, "utf8");
    const stored = JSON.parse(t.destination) as StoredDestination;
    await storageForDestination(stored.destination, stored.sealedFor).put(key, markdown, TRANSCRIPT_CONTENT_TYPES.md);
  } catch (error) {
    failure = uploadFailureReason(error);
    console.warn(`Transcript upload failed (transcription ${t.id}):`, error instanceof Error ? error.message : error);
  }

  const at = now();
  return saveOutcome(db, t, { key, sizeBytes, failure }, at, backoff);
}

/** Records an upload's outcome: ready with the finished event, retrying with its due time, or failed for good with the failed event. */
async function saveOutcome(
  db: Db,
  t: TranscriptionRow,
  { key, sizeBytes, failure }: { key: string; sizeBytes: number | null; failure: string | undefined },
  at: Date,
  backoff: readonly number[],
): Promise<TranscriptionRow | undefined> {
  return db.transaction(async (tx) => {
    const base = { roomName: t.roomName, roomSessionId: t.roomSessionId, transcriptionId: t.id, type: "LIVE_TRANSCRIPTION" as const };
    if (failure === undefined) {
      const durationInSeconds = sessionSeconds(t.startedAt, t.endedAt!);
      const [ready] = await tx
        .update(transcriptions)
        .set({ ...moveTo("saved"), durationSeconds: durationInSeconds, storageKey: key, sizeBytes, error: keptOnSave, claimedUntil: null, uploadDueAt: null, updatedAt: at })
        .where(and(eq(transcriptions.id, t.id), mayMove("saved")))
        .returning();
      if (ready) {
        await enqueueEvent(tx, {
          accountId: t.accountId,
          type: "transcription.finished",
          data: { ...base, status: "ready", filename: t.filename, storageType: t.storageType, durationInSeconds },
        });
      }
      return ready;
    }
    const attempts = t.uploadAttempts + 1;
    if (attempts <= backoff.length) {
      const [waiting] = await tx
        .update(transcriptions)
        .set({
          ...moveTo("upload_failed"),
          uploadAttempts: attempts,
          error: failure,
          claimedUntil: null,
          uploadDueAt: new Date(at.getTime() + backoff[attempts - 1]),
          updatedAt: at,
        })
        .where(and(eq(transcriptions.id, t.id), mayMove("upload_failed")))
        .returning();
      // The next attempt's job, due when the row says; without a queue in this process, the upload sweep makes it.
      if (waiting) await sendWakeUpInTransaction(tx, UPLOAD_RETRY_QUEUE, { transcriptionId: t.id }, { startAfter: waiting.uploadDueAt! });
      console.warn(`Transcript upload failed (attempt ${attempts}, transcription ${t.id}); retrying: ${failure}`);
      return waiting;
    }
    const error = `The transcript could not be saved after ${attempts} attempts: ${failure}`;
    const [failed] = await tx
      .update(transcriptions)
      .set({ ...moveTo("gave_up"), uploadAttempts: attempts, error, claimedUntil: null, uploadDueAt: null, updatedAt: at })
      .where(and(eq(transcriptions.id, t.id), mayMove("gave_up")))
      .returning();
    if (failed) await enqueueEvent(tx, { accountId: t.accountId, type: "transcription.failed", data: { ...base, status: "failed", error } });
    console.error(`Transcript upload failed for good (transcription ${t.id}): ${failure}`);
    return failed;
  });
}

export const NO_SPEECH_ERROR = "No speech was transcribed in this session (check the microphone), so no transcript was saved.";

async function failWithoutSpeech(db: Db, t: TranscriptionRow, at: Date): Promise<TranscriptionRow | undefined> {
  // A speech engine that failed (a refused key) is why nothing was transcribed: that is the reason to give.
  const error = t.error?.startsWith(ENGINE_ERROR_PREFIX) ? t.error : NO_SPEECH_ERROR;
  return db.transaction(async (tx) => {
    const [failed] = await tx
      .update(transcriptions)
      .set({ ...moveTo("nothing_said"), durationSeconds: sessionSeconds(t.startedAt, t.endedAt!), error, claimedUntil: null, uploadDueAt: null, updatedAt: at })
      .where(and(eq(transcriptions.id, t.id), mayMove("nothing_said")))
      .returning();
    if (failed) {
      const data = { roomName: t.roomName, roomSessionId: t.roomSessionId, transcriptionId: t.id, type: "LIVE_TRANSCRIPTION" as const, status: "failed" as const, error };
      await enqueueEvent(tx, { accountId: t.accountId, type: "transcription.failed", data });
    }
    return failed;
  });
}

/**
 * Keeps the owner's claim on a stopped transcription while `work` (flushing its engine streams, storing the segments
 * that waited through a database outage) takes longer than the claim, so no other instance saves it without them.
 */
export async function holdFinalizeClaim(db: Db, transcriptionId: string, work: Promise<unknown>, everyMs = FINALIZE_CLAIM_MS / 3): Promise<void> {
  let finished = false;
  const done = work.finally(() => (finished = true));
  while (!finished) {
    await Promise.race([done.catch(() => {}), new Promise((r) => setTimeout(r, everyMs).unref?.())]);
    if (finished) break;
    const at = new Date();
    await db
      .update(transcriptions)
      .set({ claimedUntil: new Date(at.getTime() + FINALIZE_CLAIM_MS), updatedAt: at })
      .where(and(eq(transcriptions.id, transcriptionId), eq(transcriptions.phase, "saving")))
      .catch(() => {}); // the database is away: nobody else can save it either
  }
  await done;
}

/** Free to take: saving under a claim that ran out (its saver died), or waiting for a retry that is due. */
function claimable(at: Date) {
  return or(
    and(eq(transcriptions.phase, "saving"), or(isNull(transcriptions.claimedUntil), lte(transcriptions.claimedUntil, at))),
    and(eq(transcriptions.phase, "upload_retrying"), lte(transcriptions.uploadDueAt, at)),
  );
}

/**
 * Saves every stopped transcription whose next attempt is due (after a failed upload, or an owner that died while
 * saving). The upload queue's job does this for each one when it is due; the sweep calls this with `overdueByMs` for
 * those whose job was lost.
 */
export async function retryDueUploads(db: Db, opts: FinalizeOptions & { limit?: number; overdueByMs?: number } = {}): Promise<TranscriptionRow[]> {
  const at = (opts.now ?? (() => new Date()))();
  const due = await db
    .select({ id: transcriptions.id })
    .from(transcriptions)
    .where(claimable(new Date(at.getTime() - (opts.overdueByMs ?? 0))))
    .orderBy(asc(transcriptions.uploadDueAt))
    .limit(opts.limit ?? 20);
  const done: TranscriptionRow[] = [];
  for (const { id } of due) {
    const row = await finalizeTranscription(db, id, { ...opts, force: false });
    if (row) done.push(row);
  }
  return done;
}

/**
 * An admin's retry (dashboard button, `POST /transcriptions/{id}/retry-upload`): a transcription whose save failed for
 * good is saved again now from its kept segments, with a fresh round of retries. Another account's id is not found;
 * any other phase is refused by the lifecycle table (409). Returns the row after this attempt.
 */
export async function retryTranscriptUpload(db: Db, actor: Actor, transcriptionId: string, opts: FinalizeOptions = {}): Promise<TranscriptionRow> {
  requireAdmin(actor);
  if (!uuidPattern.test(transcriptionId)) throw notFound();
  const [t] = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.id, transcriptionId), eq(transcriptions.accountId, actor.accountId)));
  if (!t) throw notFound();
  const move = transition(t.phase, "admin_retry");
  if (move.refused) throw lifecycleError(move.refused);
  const claimed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(transcriptions)
      // Claimed for this call (the forced finalize below), so the retry loop does not save it at the same time.
      .set({ ...moveTo("admin_retry"), uploadAttempts: 0, claimedUntil: new Date(Date.now() + FINALIZE_CLAIM_MS), uploadDueAt: null, updatedAt: new Date() })
      .where(and(eq(transcriptions.id, t.id), mayMove("admin_retry")))
      .returning();
    if (row) await recordAudit(tx, actor, { action: "transcription.upload_retried", targetType: "transcription", targetId: t.id, details: { previousError: t.error } });
    return row;
  });
  if (!claimed) throw lifecycleError("not_failed"); // another admin's retry came first
  const after = await finalizeTranscription(db, t.id, { ...opts, force: true });
  if (after) return after;
  const [row] = await db.select().from(transcriptions).where(eq(transcriptions.id, t.id));
  return row;
}
