// Reads summaries of one account together with their transcription (room, session, dates), and pages them with an opaque cursor.
import { and, asc, desc, eq, gt, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { summaries, transcriptions, type SummaryRow } from "@/lib/db/schema";
import { decodeKeysetCursor, encodeKeysetCursor, type KeysetPosition } from "@/lib/db/keyset-cursor";
import type { SummarySort } from "./service-schemas";

import { uuidPattern } from "@/lib/validation/uuid";

/** A live summary with what api.md's object shows of its transcription. */
export type SummaryView = SummaryRow & {
  roomSessionId: string;
  roomName: string;
  startDate: Date;
  endDate: Date | null;
};

const viewColumns = {
  row: summaries,
  roomSessionId: transcriptions.roomSessionId,
  roomName: transcriptions.roomName,
  startDate: transcriptions.startedAt,
  endDate: transcriptions.endedAt,
};

type ViewRecord = { row: SummaryRow; roomSessionId: string; roomName: string; startDate: Date; endDate: Date | null };
const toView = (r: ViewRecord): SummaryView => ({ ...r.row, roomSessionId: r.roomSessionId, roomName: r.roomName, startDate: r.startDate, endDate: r.endDate });

function selectViews(db: Db) {
  return db.select(viewColumns).from(summaries).innerJoin(transcriptions, eq(transcriptions.id, summaries.transcriptionId));
}

/** The account's live summary with this id, or undefined (malformed, unknown, deleted and other accounts' ids alike). */
export async function findSummary(db: Db, accountId: string, summaryId: string): Promise<SummaryView | undefined> {
  if (!uuidPattern.test(summaryId)) return undefined;
  const [r] = await selectViews(db).where(and(eq(summaries.id, summaryId), eq(summaries.accountId, accountId), isNull(summaries.deletedAt)));
  return r ? toView(r) : undefined;
}

/** The live summary of a transcription of the account, if it has one. */
export async function findSummaryOfTranscription(db: Db, accountId: string, transcriptionId: string): Promise<SummaryView | undefined> {
  if (!uuidPattern.test(transcriptionId)) return undefined;
  const [r] = await selectViews(db).where(
    and(eq(summaries.transcriptionId, transcriptionId), eq(summaries.accountId, accountId), isNull(summaries.deletedAt)),
  );
  return r ? toView(r) : undefined;
}

// Dates are compared at millisecond precision: the cursor carries milliseconds, the database keeps microseconds.
const sortKeys = {
  createdAt: sql<Date>`date_trunc('milliseconds', ${summaries.createdAt})`,
  startDate: sql<Date>`date_trunc('milliseconds', ${transcriptions.startedAt})`,
  roomName: sql<string>`${transcriptions.roomName}`,
};

type Cursor = KeysetPosition;

export function encodeSummaryCursor(sort: SummarySort, view: SummaryView): string {
  const key = sort.field === "roomName" ? view.roomName : sort.field === "startDate" ? view.startDate.getTime() : view.createdAt.getTime();
  return encodeKeysetCursor(sort, { key, id: view.id });
}

/** Reads a cursor handed out for the same sort order; anything else is a 400 on `cursor`. */
export function decodeSummaryCursor(value: string, sort: SummarySort): Cursor {
  return decodeKeysetCursor(value, sort, (key) => (sort.field === "roomName" ? typeof key === "string" && key.length <= 300 : Number.isSafeInteger(key)));
}

/** One page of the account's live summaries in the given order; `nextCursor` is null on the last page. */
export async function listSummaryViews(
  db: Db,
  accountId: string,
  page: { cursor?: string; limit: number; sortBy: SummarySort },
): Promise<{ views: SummaryView[]; nextCursor: string | null }> {
  const { field, direction } = page.sortBy;
  const after = page.cursor ? decodeSummaryCursor(page.cursor, page.sortBy) : undefined;
  const key = sortKeys[field];
  const past = direction === "desc" ? lt : gt;
  let afterFilter: SQL | undefined;
  if (after) {
    const value = field === "roomName" ? sql`${after.key}` : sql`${new Date(after.key as number).toISOString()}::timestamptz`;
    afterFilter = or(past(key, value), and(eq(key, value), past(summaries.id, after.id)));
  }
  const order = direction === "desc" ? desc : asc;
  const rows = await selectViews(db)
    .where(and(eq(summaries.accountId, accountId), isNull(summaries.deletedAt), afterFilter))
    .orderBy(order(key), order(summaries.id))
    .limit(page.limit + 1);
  const views = rows.slice(0, page.limit).map(toView);
  const last = views.at(-1);
  return { views, nextCursor: rows.length > page.limit && last ? encodeSummaryCursor(page.sortBy, last) : null };
}

