// Finalize: render a stopped transcription's stored segments as Markdown, upload it, and mark it ready, or retry with backoff and then fail.
import { and, asc, eq, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { sessionParticipants, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { notFound, conflict } from "@/lib/errors";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { storageForDestination } from "@/lib/storage-config/storage-for";
import { StorageError } from "@/lib/storage/storage-error";
import { renderMarkdown, TRANSCRIPT_CONTENT_TYPES, type TranscriptSegment } from "@/lib/transcripts/render";
import { enqueueEvent } from "@/lib/webhooks/outbox";
import { keptOnSave } from "@/lib/pipeline/engine-errors";
import { FINALIZE_CLAIM_MS, type StoredDestination, type TranscriptionRow } from "@/lib/pipeline/session/sessions";

/**
 * Waits before each retry of a failed upload: about 20 minutes in all, long enough to ride out a bucket's outage or
 * an admin fixing a policy, short enough that a broken bucket is reported the same hour. After the last, `failed`.
 */
export const UPLOAD_BACKOFF_MS: readonly number[] = [2_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000];

export type FinalizeOptions = {
  /** The owner right after a stop: skip the wait the stop set for it. */
  force?: boolean;
  now?: () => Date;
  backoffMs?: readonly number[];
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where the transcript goes in its storage: the customer's bucket gets the bare filename; hosted storage is split by account. */
export function transcriptStorageKey(t: Pick<TranscriptionRow, "accountId" | "filename" | "storageType">): string {
  return t.storageType === "SELF_HOSTED" ? t.filename : `${t.accountId}/${t.filename}`;
}

/** The final segments of a transcription, in spoken order (the text kept for retries and for the dashboard). */
export async function loadSegments(db: Db, accountId: string, transcriptionId: string): Promise<TranscriptSegment[]> {
  return db
    .select({
      participantId: transcriptSegments.participantId,
      displayName: transcriptSegments.displayName,
      startMs: transcriptSegments.startMs,
      endMs: transcriptSegments.endMs,
      text: transcriptSegments.text,
    })
    .from(transcriptSegments)
    .where(and(eq(transcriptSegments.accountId, accountId), eq(transcriptSegments.transcriptionId, transcriptionId)))
    .orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.id));
}

/** The Markdown transcript of a stopped transcription, from its stored segments. */
export async function renderTranscriptionMarkdown(db: Db, t: TranscriptionRow): Promise<string> {
  const endedAt = t.endedAt ?? new Date();
  const segments = await loadSegments(db, t.accountId, t.id);
  const people = await db
    .select()
    .from(sessionParticipants)
    .where(and(eq(sessionParticipants.accountId, t.accountId), eq(sessionParticipants.roomSessionId, t.roomSessionId)))
    .orderBy(asc(sessionParticipants.joinedAt), asc(sessionParticipants.participantId));
  // Everyone present at some point while it ran, plus anyone who spoke in it, once each, in join order.
  const names: string[] = [];
  const add = (name: string) => {
    if (!names.includes(name)) names.push(name);
  };
  for (const p of people) {
    const overlaps = p.joinedAt <= endedAt && (p.leftAt === null || p.leftAt >= t.startedAt);
    if (overlaps || segments.some((s) => s.participantId === p.participantId)) add(p.displayName);
  }
  for (const s of segments) add(s.displayName);
  return renderMarkdown(
    { roomName: t.roomName, roomSessionId: t.roomSessionId, startedAt: t.startedAt, endedAt, language: t.language, engine: t.engineId, participants: names },
    segments,
  );
}

function uploadErrorMessage(error: unknown): string {
  if (error instanceof StorageError) return error.userMessage;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Saves a stopped transcription: renders, uploads, and sets `ready` with its duration and the finished event, in one
 * transaction. A failed upload counts an attempt and schedules the next (state stays in_progress, `error` says why);
 * after the last it is `failed` with the reason and the failed event. The segments stay, so an admin can retry.
 * Claims the row first, so two instances (or the owner and the retry loop) never save it at once.
 */
export async function finalizeTranscription(db: Db, transcriptionId: string, opts: FinalizeOptions = {}): Promise<TranscriptionRow | undefined> {
  const now = opts.now ?? (() => new Date());
  const backoff = opts.backoffMs ?? UPLOAD_BACKOFF_MS;
  const claimedAt = now();
  const [t] = await db
    .update(transcriptions)
    .set({ nextUploadAt: new Date(claimedAt.getTime() + FINALIZE_CLAIM_MS), updatedAt: claimedAt })
    .where(
      and(
        eq(transcriptions.id, transcriptionId),
        eq(transcriptions.state, "in_progress"),
        isNotNull(transcriptions.endedAt),
        opts.force ? undefined : or(isNull(transcriptions.nextUploadAt), lte(transcriptions.nextUploadAt, claimedAt)),
      ),
    )
    .returning();
  if (!t) return undefined;

  const key = transcriptStorageKey(t);
  let failure: string | undefined;
  try {
    const markdown = await renderTranscriptionMarkdown(db, t);
    const stored = JSON.parse(t.destination) as StoredDestination;
    await storageForDestination(stored.destination, stored.sealedFor).put(key, markdown, TRANSCRIPT_CONTENT_TYPES.md);
  } catch (error) {
    failure = uploadErrorMessage(error);
  }

  const at = now();
  return db.transaction(async (tx) => {
    const base = { roomName: t.roomName, roomSessionId: t.roomSessionId, transcriptionId: t.id, type: "LIVE_TRANSCRIPTION" as const };
    if (failure === undefined) {
      const durationInSeconds = Math.max(0, Math.round((t.endedAt!.getTime() - t.startedAt.getTime()) / 1000));
      const [ready] = await tx
        .update(transcriptions)
        .set({ state: "ready", durationSeconds: durationInSeconds, storageKey: key, error: keptOnSave, nextUploadAt: null, updatedAt: at })
        .where(and(eq(transcriptions.id, t.id), eq(transcriptions.state, "in_progress")))
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
        .set({ uploadAttempts: attempts, error: failure, nextUploadAt: new Date(at.getTime() + backoff[attempts - 1]), updatedAt: at })
        .where(and(eq(transcriptions.id, t.id), eq(transcriptions.state, "in_progress")))
        .returning();
      console.warn(`Transcript upload failed (attempt ${attempts}, transcription ${t.id}); retrying: ${failure}`);
      return waiting;
    }
    const error = `The transcript could not be saved after ${attempts} attempts: ${failure}`;
    const [failed] = await tx
      .update(transcriptions)
      .set({ state: "failed", uploadAttempts: attempts, error, nextUploadAt: null, updatedAt: at })
      .where(and(eq(transcriptions.id, t.id), eq(transcriptions.state, "in_progress")))
      .returning();
    if (failed) await enqueueEvent(tx, { accountId: t.accountId, type: "transcription.failed", data: { ...base, status: "failed", error } });
    console.error(`Transcript upload failed for good (transcription ${t.id}): ${failure}`);
    return failed;
  });
}

/** Saves every stopped transcription whose next attempt is due (after a failed upload, or an owner that died while saving). */
export async function retryDueUploads(db: Db, opts: FinalizeOptions & { limit?: number } = {}): Promise<TranscriptionRow[]> {
  const at = (opts.now ?? (() => new Date()))();
  const due = await db
    .select({ id: transcriptions.id })
    .from(transcriptions)
    .where(
      and(
        eq(transcriptions.state, "in_progress"),
        isNotNull(transcriptions.endedAt),
        or(isNull(transcriptions.nextUploadAt), lte(transcriptions.nextUploadAt, at)),
      ),
    )
    .orderBy(asc(transcriptions.nextUploadAt))
    .limit(opts.limit ?? 20);
  const done: TranscriptionRow[] = [];
  for (const { id } of due) {
    const row = await finalizeTranscription(db, id, { ...opts, force: false });
    if (row) done.push(row);
  }
  return done;
}

/**
 * An admin's retry from the dashboard: a `failed` transcription (or one waiting for its next attempt) is saved again
 * now from its kept segments, with a fresh round of retries. Returns the row after this attempt.
 */
export async function retryTranscriptUpload(db: Db, actor: Actor, transcriptionId: string, opts: FinalizeOptions = {}): Promise<TranscriptionRow> {
  requireAdmin(actor);
  if (!uuidPattern.test(transcriptionId)) throw notFound();
  const [t] = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.id, transcriptionId), eq(transcriptions.accountId, actor.accountId)));
  if (!t) throw notFound();
  if (t.state === "ready") throw conflict("This transcript is already saved.");
  if (!t.endedAt) throw conflict("This transcription is still running; it is saved when it stops.");
  if (t.state === "failed" && t.uploadAttempts === 0) {
    throw conflict(`This transcription failed before there was anything to save: ${t.error ?? "unknown reason"}`);
  }
  await db.transaction(async (tx) => {
    await tx
      .update(transcriptions)
      // Claimed for this call (the forced finalize below), so the retry loop does not save it at the same time.
      .set({ state: "in_progress", uploadAttempts: 0, nextUploadAt: new Date(Date.now() + FINALIZE_CLAIM_MS), updatedAt: new Date() })
      .where(eq(transcriptions.id, t.id));
    await recordAudit(tx, actor, { action: "transcription.upload_retried", targetType: "transcription", targetId: t.id, details: { previousError: t.error } });
  });
  const after = await finalizeTranscription(db, t.id, { ...opts, force: true });
  if (after) return after;
  const [row] = await db.select().from(transcriptions).where(eq(transcriptions.id, t.id));
  return row;
}
