// Lists an account's transcriptions: full-text search, filters, three sort orders and keyset paging on (sort key, id).
import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptions, type TranscriptionPhase, type TranscriptionState } from "@/lib/db/schema";
import { decodeTranscriptionCursor, encodeTranscriptionCursor } from "./transcription-cursor";
import { toPrefixTsQuery } from "./search-query";
import { defaultTranscriptionSort, type TranscriptionSort } from "./validation";

export type TranscriptionListOptions = {
  /** Words to find in the transcript text, speaker names or room name (all must occur, as prefixes). */
  search?: string;
  /** Exact room name; the leading "/" may be left out. */
  roomName?: string;
  /** started at or after */
  from?: Date;
  /** started before */
  to?: Date;
  state?: TranscriptionState;
  storageType?: "HOSTED" | "SELF_HOSTED";
  sort?: TranscriptionSort;
  cursor?: string;
  limit: number;
};

export type TranscriptionListItem = {
  id: string;
  roomId: string | null;
  roomSessionId: string;
  roomName: string;
  filename: string;
  language: string;
  engineId: string | null;
  state: TranscriptionState;
  phase: TranscriptionPhase;
  uploadDueAt: Date | null;
  startedAt: Date;
  endedAt: Date | null;
  createdAt: Date;
  durationSeconds: number | null;
  storageType: "HOSTED" | "SELF_HOSTED";
  error: string | null;
  /** Display names of the people present during the transcription, in order of joining. */
  participants: string[];
};

export type TranscriptionPage = { items: TranscriptionListItem[]; nextCursor: string | null };

// The sort expressions match the indexes of drizzle/*_transcript_search.sql exactly, so each order is an index scan.
const durationKey = sql<number>`coalesce(${transcriptions.durationSeconds}, -1)`;
// Microsecond precision, so a cursor compares exactly equal to the row it came from.
const startedKey = sql<string>`to_char(${transcriptions.startedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function sortExpression(field: TranscriptionSort["field"]): SQL | typeof transcriptions.roomName | typeof transcriptions.startedAt {
  if (field === "roomName") return transcriptions.roomName;
  if (field === "durationInSeconds") return durationKey;
  return transcriptions.startedAt;
}

function keysetCondition(sort: TranscriptionSort, key: string | number, id: string): SQL {
  const op = sort.direction === "desc" ? sql`<` : sql`>`;
  const value =
    sort.field === "roomName" ? sql`${String(key)}::text` : sort.field === "durationInSeconds" ? sql`${Number(key)}::integer` : sql`${String(key)}::timestamptz`;
  return sql`(${sortExpression(sort.field)}, ${transcriptions.id}) ${op} (${value}, ${id}::uuid)`;
}

// Qualified by hand: drizzle leaves column names unqualified in a one-table select, and inside this subquery an
// unqualified room_session_id would mean the participant's own column.
const participantsOf = sql<string[] | null>`(
  select array_agg(p.display_name order by p.joined_at, p.id)
    from session_participants p
   where p.room_session_id = "transcriptions"."room_session_id"
     and p.joined_at <= coalesce("transcriptions"."ended_at", now())
     and (p.left_at is null or p.left_at >= "transcriptions"."started_at"))`;

/** "/sales-1" for "sales-1" or "/sales-1". */
export function normalizeRoomName(name: string): string {
  const trimmed = name.trim();
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * The SQL condition of a full-text search, or undefined when nothing searchable was typed. Uses the GIN index
 * on transcriptions.search_vector.
 */
export function searchCondition(search: string | undefined): SQL | undefined {
  const query = search ? toPrefixTsQuery(search) : null;
  return query ? sql`${sql.identifier("transcriptions")}.search_vector @@ to_tsquery('simple'::regconfig, ${query})` : undefined;
}

export async function listTranscriptions(db: Db, accountId: string, options: TranscriptionListOptions): Promise<TranscriptionPage> {
  const sort = options.sort ?? defaultTranscriptionSort;
  const after = options.cursor ? decodeTranscriptionCursor(options.cursor, sort) : undefined;
  const order = sort.direction === "desc" ? desc : asc;
  const sortBy = sortExpression(sort.field);

  const rows = await db
    .select({
      id: transcriptions.id,
      roomId: transcriptions.roomId,
      roomSessionId: transcriptions.roomSessionId,
      roomName: transcriptions.roomName,
      filename: transcriptions.filename,
      language: transcriptions.language,
      engineId: transcriptions.engineId,
      state: transcriptions.state,
      phase: transcriptions.phase,
      uploadDueAt: transcriptions.uploadDueAt,
      startedAt: transcriptions.startedAt,
      endedAt: transcriptions.endedAt,
      createdAt: transcriptions.createdAt,
      durationSeconds: transcriptions.durationSeconds,
      storageType: transcriptions.storageType,
      error: transcriptions.error,
      sortKey: sort.field === "startDate" ? startedKey : sort.field === "durationInSeconds" ? durationKey : transcriptions.roomName,
      // Who was present while this transcription ran (a session may hold several transcriptions).
      participants: participantsOf,
    })
    .from(transcriptions)
    .where(
      and(
        eq(transcriptions.accountId, accountId),
        options.roomName ? eq(transcriptions.roomName, normalizeRoomName(options.roomName)) : undefined,
        options.from ? gte(transcriptions.startedAt, options.from) : undefined,
        options.to ? lt(transcriptions.startedAt, options.to) : undefined,
        options.state ? eq(transcriptions.state, options.state) : undefined,
        options.storageType ? eq(transcriptions.storageType, options.storageType) : undefined,
        searchCondition(options.search),
        after ? keysetCondition(sort, after.key, after.id) : undefined,
      ),
    )
    .orderBy(order(sortBy as SQL), order(transcriptions.id))
    .limit(options.limit + 1);

  const pageRows = rows.slice(0, options.limit);
  const last = pageRows.at(-1);
  const items = pageRows.map(({ sortKey: _sortKey, participants, ...row }) => ({ ...row, participants: [...new Set(participants ?? [])] }));
  return {
    items,
    nextCursor: rows.length > options.limit && last ? encodeTranscriptionCursor({ sort, key: last.sortKey as string | number, id: last.id }) : null,
  };
}
