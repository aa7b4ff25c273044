// The seam for the list's "Summary" column: summaries (lib/summaries, another team) fill this in once their table exists.
import type { Db } from "@/lib/db/client";

export type SummaryState = "in_progress" | "ready" | "failed";

/**
 * The latest summary state per transcription id. Until summaries are stored there is none, and the list shows
 * "—". To connect summaries, answer from their table here (one query for all ids); nothing else changes.
 */
export async function summaryStatesFor(_db: Db, _accountId: string, _transcriptionIds: string[]): Promise<Map<string, SummaryState>> {
  return new Map();
}
