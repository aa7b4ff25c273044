// One transcription of an account: read it, rename it, make a signed download link, and delete it (with its file and text).
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptionDeletions, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { AppError, forbidden, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { StorageError } from "@/lib/storage/storage-error";
import { describeStoredDestination, storageForTranscription } from "./stored-destination";
import type { TranscriptionRow } from "./transcription-resource";
import { uuidPattern } from "@/lib/validation/uuid";

export const isTranscriptionId = (id: string) => uuidPattern.test(id);

/** The account's transcription; a malformed, missing, deleted or other account's id is "not found", all alike. */
export async function getTranscription(db: Db, accountId: string, transcriptionId: string): Promise<TranscriptionRow> {
  if (!isTranscriptionId(transcriptionId)) throw notFound();
  const [row] = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.id, transcriptionId.toLowerCase()), eq(transcriptions.accountId, accountId)));
  if (!row) throw notFound();
  return row;
}

/**
 * A URL that downloads the stored .md file without further auth until `expires` (epoch ms), and not after.
 * Refused (403) for a self-hosted transcript: its file lives in the customer's bucket, under their control.
 */
export async function createAccessLink(
  db: Db,
  accountId: string,
  transcriptionId: string,
  validForSeconds: number,
): Promise<{ accessLink: string; expires: number }> {
  const row = await getTranscription(db, accountId, transcriptionId);
  if (row.storageType === "SELF_HOSTED") {
    throw forbidden("This transcript is stored in your own bucket; read it there. Access links are only made for hosted transcripts.");
  }
  if (!row.storageKey || row.state !== "ready") {
    throw new AppError("conflict", row.state === "in_progress" ? "The transcript is still in progress; its file is saved when the session ends" : "The transcript has no stored file");
  }
  const { url, expires } = await storageForTranscription(row).link(row.storageKey, { expiresInSeconds: validForSeconds, downloadName: row.filename });
  return { accessLink: url, expires: expires.getTime() };
}

/** Renames a transcript (its own title, shown instead of the room's); null goes back to the room's title. */
export async function renameTranscription(db: Db, actor: Actor, transcriptionId: string, title: string | null): Promise<void> {
  const row = await getTranscription(db, actor.accountId, transcriptionId);
  await db.transaction(async (tx) => {
    await tx.update(transcriptions).set({ title, updatedAt: new Date() }).where(eq(transcriptions.id, row.id));
    await recordAudit(tx, actor, { action: "transcription.renamed", targetType: "transcription", targetId: row.id, details: { title } });
  });
}

export type DeletionReason = "user" | "retention";

/**
 * Deletes transcriptions of the actor's account: for each, its stored file first, then its segments and row,
 * with an audit record. All ids are checked before anything is deleted: an id that is not (and never was) a
 * transcription of this account, another account's included, is "not found" and nothing is deleted. Ids already
 * deleted succeed again (idempotent). A transcription still in progress is refused (409): its session is still
 * writing to it. When a file cannot be deleted (the bucket does not answer), that transcript is kept, the others
 * are deleted, and the error names the ones kept.
 */
export async function deleteTranscriptions(
  db: Db,
  actor: Actor,
  transcriptionIds: string[],
  opts: { reason?: DeletionReason } = {},
): Promise<{ deleted: string[] }> {
  const ids = [...new Set(transcriptionIds.map((id) => id.toLowerCase()))];
  if (ids.length === 0) return { deleted: [] };
  if (!ids.every(isTranscriptionId)) throw notFound();

  const rows = await db
    .select()
    .from(transcriptions)
    .where(and(eq(transcriptions.accountId, actor.accountId), inArray(transcriptions.id, ids)));
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) {
    const gone = await db
      .select({ id: transcriptionDeletions.transcriptionId })
      .from(transcriptionDeletions)
      .where(and(eq(transcriptionDeletions.accountId, actor.accountId), inArray(transcriptionDeletions.transcriptionId, missing)));
    if (gone.length !== missing.length) throw notFound();
  }
  const running = rows.filter((r) => r.state === "in_progress");
  if (running.length) {
    throw new AppError(
      "conflict",
      `${running.length === 1 ? `The transcription of ${running[0].roomName} is` : `${running.length} transcriptions are`} still in progress; ` +
        "stop transcription or wait for the session to end, then delete.",
    );
  }

  const deleted: string[] = [];
  const failures: string[] = [];
  for (const row of rows) {
    try {
      await deleteStoredFile(row);
    } catch (error) {
      failures.push(`${row.roomName} (${row.startedAt.toISOString()}): ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const removed = await db.transaction(async (tx) => {
      await tx.delete(transcriptSegments).where(and(eq(transcriptSegments.transcriptionId, row.id), eq(transcriptSegments.accountId, actor.accountId)));
      const [gone] = await tx
        .delete(transcriptions)
        .where(and(eq(transcriptions.id, row.id), eq(transcriptions.accountId, actor.accountId)))
        .returning({ id: transcriptions.id });
      // Another request (or instance's retention sweep) got there first: it recorded the deletion.
      if (!gone) return false;
      await tx
        .insert(transcriptionDeletions)
        .values({ transcriptionId: row.id, accountId: actor.accountId, reason: opts.reason ?? "user" })
        .onConflictDoNothing();
      await recordAudit(tx, actor, {
        action: "transcription.deleted",
        targetType: "transcription",
        targetId: row.id,
        details: {
          roomName: row.roomName,
          roomSessionId: row.roomSessionId,
          startDate: row.startedAt.toISOString(),
          filename: row.filename,
          storageType: row.storageType,
          reason: opts.reason ?? "user",
        },
      });
      return true;
    });
    if (removed) deleted.push(row.id);
  }
  if (failures.length) {
    throw new AppError(
      "unavailable",
      `Could not delete the stored file of ${failures.length === 1 ? "this transcript" : `${failures.length} transcripts`}, so ${failures.length === 1 ? "it was" : "they were"} kept: ${failures.join("; ")}`,
    );
  }
  return { deleted };
}

/** Removes the transcript's file; a file or bucket that no longer exists counts as removed. */
async function deleteStoredFile(row: TranscriptionRow): Promise<void> {
  if (!row.storageKey) return;
  try {
    await storageForTranscription(row).delete(row.storageKey);
  } catch (error) {
    if (error instanceof StorageError && (error.code === "not_found" || error.code === "no_such_bucket")) return;
    const reason = error instanceof StorageError ? error.userMessage : "its storage settings could not be opened";
    throw new Error(`${describeStoredDestination(row.destination)}: ${reason}`);
  }
}
