// The dashboard's transcription list: one page as plain JSON (dates as ISO strings) with each row's summary state.
import type { Db } from "@/lib/db/client";
import { listTranscriptions } from "./list";
import { saveStatus, type SaveStatus } from "./save-status";
import { summaryStatesFor, type SummaryState } from "./summary-state";
import type { TranscriptionListFilters } from "./validation";

export type DashboardTranscription = {
  id: string;
  roomName: string;
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
  return {
    items: page.items.map((i) => ({
      id: i.id,
      roomName: i.roomName,
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
