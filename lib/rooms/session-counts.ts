// How many sessions each room has held: the seam between rooms and the pipeline's sessions table.
import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/lib/db/client";
import * as schema from "@/lib/db/schema";

type SessionsTable = PgTable & { roomId: AnyPgColumn; accountId: AnyPgColumn };

// The pipeline owns the sessions table. Until lib/db/schema exports `roomSessions` (with `roomId` and `accountId`
// columns), every room has held 0 sessions; once it does, this counts them with no change here.
function sessionsTable(): SessionsTable | undefined {
  const table = (schema as Record<string, unknown>).roomSessions as Partial<SessionsTable> | undefined;
  return table && table.roomId && table.accountId ? (table as SessionsTable) : undefined;
}

/** Sessions held per room id (0 for rooms without any), within one account. */
export async function countSessionsByRoom(db: Db, accountId: string, roomIds: string[]): Promise<Map<string, number>> {
  const counts = new Map(roomIds.map((id) => [id, 0]));
  const table = sessionsTable();
  if (!table || roomIds.length === 0) return counts;
  const rows = await db
    .select({ roomId: table.roomId, n: count() })
    .from(table)
    .where(and(eq(table.accountId, accountId), inArray(table.roomId, roomIds)))
    .groupBy(table.roomId);
  for (const row of rows) counts.set(String(row.roomId), Number(row.n));
  return counts;
}

/** The rooms, among these, where a session is running now (someone is in the room). */
export async function liveRoomIds(db: Db, accountId: string, roomIds: string[]): Promise<Set<string>> {
  if (roomIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ roomId: schema.roomSessions.roomId })
    .from(schema.roomSessions)
    .where(and(eq(schema.roomSessions.accountId, accountId), inArray(schema.roomSessions.roomId, roomIds), isNull(schema.roomSessions.endedAt)));
  return new Set(rows.map((r) => r.roomId));
}
