// The dashboard's transcription list: one page as plain JSON (dates as ISO strings) with each row's summary state.
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rooms, roomSessions, transcriptions } from "@/lib/db/schema";
import { listTranscriptions } from "./list";
import { saveStatus, type SaveStatus } from "./save-status";
import { summaryStatesFor, type SummaryState } from "./summary-state";
import type { TranscriptionListFilters } from "./validation";

export type DashboardTranscription = {
  id: string;
  roomName: string;
  /** The transcript's own title, else its room's; null when neither has one. */
  title: string | null;
  startDate: string;
  endDate: string | null;
  durationInSeconds: number | null;
  participants: string[];
  language: string;
  storageType: "HOSTED" | "SELF_HOSTED";
  state: "in_progress" | "ready" | "failed";
  error: string | null;
  /** Set while the save is retried after a failed upload (or under way). */
  saveStatus: SaveStatus;
  /** null: no summary (or summaries are not available yet). */
  summaryState: SummaryState | null;
};

export type DashboardTranscriptionPage = { items: DashboardTranscription[]; nextCursor: string | null };

export async function dashboardTranscriptionPage(db: Db, accountId: string, filters: TranscriptionListFilters): Promise<DashboardTranscriptionPage> {
  const page = await listTranscriptions(db, accountId, {
    search: filters.q,
    roomName: filters.room || undefined,
    from: filters.from ? new Date(filters.from) : undefined,
    to: filters.to ? new Date(filters.to) : undefined,
    state: filters.state,
    storageType: filters.storage,
    sort: filters.sort,
    cursor: filters.cursor,
    limit: filters.limit,
  });
  const summaries = await summaryStatesFor(db, accountId, page.items.map((i) => i.id));
  const titles = await transcriptTitles(db, accountId, page.items.map((i) => i.id));
  return {
    items: page.items.map((i) => ({
      id: i.id,
      roomName: i.roomName,
      title: titles.get(i.id) ?? null,
      startDate: i.startedAt.toISOString(),
      endDate: i.endedAt?.toISOString() ?? null,
      durationInSeconds: i.durationSeconds,
      participants: i.participants,
      language: i.language,
      storageType: i.storageType,
      state: i.state,
      error: i.error,
      saveStatus: saveStatus(i),
      summaryState: summaries.get(i.id) ?? null,
    })),
    nextCursor: page.nextCursor,
  };
}

/** Each transcription's title: its own (after a rename), else the room's human title. */
export async function transcriptTitles(db: Db, accountId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: transcriptions.id, own: transcriptions.title, room: rooms.title })
    .from(transcriptions)
    .leftJoin(rooms, eq(rooms.id, transcriptions.roomId))
    .where(and(eq(transcriptions.accountId, accountId), inArray(transcriptions.id, ids)));
  const titles = new Map<string, string>();
  for (const r of rows) {
    const title = r.own || r.room;
    if (title) titles.set(r.id, title);
  }
  return titles;
}

/** The account's live room names, for the list's room filter suggestions. */
export async function roomNameSuggestions(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .select({ roomName: rooms.roomName })
    .from(rooms)
    .where(and(eq(rooms.accountId, accountId), isNull(rooms.deletedAt)))
    .orderBy(asc(rooms.roomName))
    .limit(500);
  return rows.map((r) => r.roomName);
}

/** Whether anyone ever joined a room of the account: the first-run checklist ticks "open the host link" with it. */
export async function accountHasSessions(db: Db, accountId: string): Promise<boolean> {
  const rows = await db.select({ id: roomSessions.id }).from(roomSessions).where(eq(roomSessions.accountId, accountId)).limit(1);
  return rows.length > 0;
}
