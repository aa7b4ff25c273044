// Summaries of one account: request (the job is picked up by the summary worker), read, list, delete, and api.md's summary object.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { summaries, transcriptions } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/errors";
import type { Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/audit-log";
import { summaryTemplateSchema, type SummaryTemplate } from "@/lib/summaries/templates";
import { findSummary, findSummaryOfTranscription, listSummaryViews, type SummaryView } from "./queries";
import { uuidPattern } from "@/lib/validation/uuid";
import { queueSummary } from "./jobs";
import type { CreateSummaryInput, ListSummariesQuery, SummaryObject } from "./service-schemas";

export type { SummaryView };

/** The message of the 409 for a second summary; clients and the dashboard show it as is. */
export const SUMMARY_EXISTS_MESSAGE = "This transcription already has a summary; delete it first to summarize again";

const isUniqueViolation = (error: unknown): boolean => {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "23505") return true;
  }
  return false;
};

/**
 * Requests a summary of a ready transcription of the actor's account; the summary worker makes it.
 * 404 for an id that is not a transcription of this account; 409 when the transcription already has a live summary,
 * and 409 (with its own message) while the transcription is not ready: there is no final transcript yet.
 */
export async function requestSummary(db: Db, actor: Actor, input: CreateSummaryInput, now = new Date()): Promise<{ summaryId: string }> {
  const template: SummaryTemplate = summaryTemplateSchema.parse(input.template);
  if (!uuidPattern.test(input.transcriptionId)) throw notFound();
  // Millisecond precision on purpose: the list cursor carries this value and compares it exactly.
  const at = new Date(now.getTime());
  try {
    const summaryId = await db.transaction(async (tx) => {
      const [t] = await tx
        .select({ id: transcriptions.id, state: transcriptions.state, roomName: transcriptions.roomName })
        .from(transcriptions)
        .where(and(eq(transcriptions.id, input.transcriptionId), eq(transcriptions.accountId, actor.accountId)));
      if (!t) throw notFound();
      if (t.state === "in_progress") {
        throw new AppError("conflict", "This transcription is still in progress; summarize it once the session has ended and it is ready");
      }
      if (t.state !== "ready") {
        throw new AppError("conflict", "This transcription failed, so there is no transcript to summarize");
      }
      const [existing] = await tx
        .select({ id: summaries.id })
        .from(summaries)
        .where(and(eq(summaries.transcriptionId, t.id), isNull(summaries.deletedAt)));
      if (existing) throw new AppError("conflict", SUMMARY_EXISTS_MESSAGE);
      const [row] = await tx
        .insert(summaries)
        .values({
          accountId: actor.accountId,
          transcriptionId: t.id,
          template,
          state: "in_progress",
          requestedByUserId: actor.userId,
          createdAt: at,
          modifiedAt: at,
        })
        .returning({ id: summaries.id });
      await recordAudit(tx, actor, {
        action: "summary.requested",
        targetType: "summary",
        targetId: row.id,
        details: { transcriptionId: t.id, roomName: t.roomName, template },
      });
      await queueSummary(tx, row.id);
      return row.id;
    });
    return { summaryId };
  } catch (error) {
    // Two requests at once: the unique index lets one through, the other is the same 409.
    if (isUniqueViolation(error)) throw new AppError("conflict", SUMMARY_EXISTS_MESSAGE);
    throw error;
  }
}

/** The account's summary; 404 for a malformed, unknown, deleted or other account's id. */
export async function getSummary(db: Db, accountId: string, summaryId: string): Promise<SummaryView> {
  const view = await findSummary(db, accountId, summaryId);
  if (!view) throw notFound();
  return view;
}

/** The live summary of the account's transcription, or null (for the transcript page). */
export async function getSummaryOfTranscription(db: Db, accountId: string, transcriptionId: string): Promise<SummaryView | null> {
  return (await findSummaryOfTranscription(db, accountId, transcriptionId)) ?? null;
}

/** One page of the account's summaries. */
export async function listSummaries(db: Db, accountId: string, query: ListSummariesQuery): Promise<{ summaries: SummaryView[]; nextCursor: string | null }> {
  const page = await listSummaryViews(db, accountId, query);
  return { summaries: page.views, nextCursor: page.nextCursor };
}

/**
 * Deletes a summary of the actor's account: its content is erased and the transcription may be summarized again.
 * Deleting it again answers as the first time (idempotent); an id that was never a summary of this account is 404.
 * A job still running on it finds it deleted and stores nothing.
 */
export async function deleteSummary(db: Db, actor: Actor, summaryId: string, now = new Date()): Promise<void> {
  if (!uuidPattern.test(summaryId)) throw notFound();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: summaries.id, deletedAt: summaries.deletedAt, transcriptionId: summaries.transcriptionId, template: summaries.template })
      .from(summaries)
      .where(and(eq(summaries.id, summaryId), eq(summaries.accountId, actor.accountId)));
    if (!row) throw notFound();
    if (row.deletedAt) return;
    await tx
      .update(summaries)
      .set({ deletedAt: now, modifiedAt: now, summary: null, error: null, leaseOwner: null, leaseExpiresAt: null })
      .where(eq(summaries.id, row.id));
    await recordAudit(tx, actor, {
      action: "summary.deleted",
      targetType: "summary",
      targetId: row.id,
      details: { transcriptionId: row.transcriptionId, template: row.template },
    });
  });
}

/** api.md's summary object: exactly its fields. */
export function summaryJson(view: SummaryView): SummaryObject {
  return {
    summaryId: view.id,
    transcriptionId: view.transcriptionId,
    roomSessionId: view.roomSessionId,
    roomName: view.roomName,
    startDate: view.startDate.toISOString(),
    endDate: view.endDate ? view.endDate.toISOString() : null,
    createdAt: view.createdAt.toISOString(),
    modifiedAt: view.modifiedAt.toISOString(),
    template: summaryTemplateSchema.parse(view.template),
    state: view.state,
    summary: view.state === "ready" ? (view.summary ?? null) : null,
  };
}

/** What the dashboard's summary panel shows: the summary object's state and content, plus the failure reason. */
export type SummaryPanelData = {
  summaryId: string;
  template: SummaryTemplate;
  state: SummaryView["state"];
  summary: Record<string, unknown> | null;
  /** Why it failed, for the admin to act on; null unless failed. */
  error: string | null;
  createdAt: string;
  modifiedAt: string;
};

export function summaryPanelData(view: SummaryView): SummaryPanelData {
  const json = summaryJson(view);
  return {
    summaryId: json.summaryId,
    template: json.template,
    state: json.state,
    summary: json.summary,
    error: view.state === "failed" ? view.error : null,
    createdAt: json.createdAt,
    modifiedAt: json.modifiedAt,
  };
}
