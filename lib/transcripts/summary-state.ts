// The list's "Summary" column: the state of each transcription's live summary (lib/summaries owns the table).
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { summaries, type SummaryState } from "@/lib/db/schema";

export type { SummaryState };

/** The live (not deleted) summary's state per transcription id; a transcription without one is absent ("—"). */
export async function summaryStatesFor(db: Db, accountId: string, transcriptionIds: string[]): Promise<Map<string, SummaryState>> {
  if (transcriptionIds.length === 0) return new Map();
  const rows = await db
    .select({ transcriptionId: summaries.transcriptionId, state: summaries.state })
    .from(summaries)
    .where(and(eq(summaries.accountId, accountId), inArray(summaries.transcriptionId, transcriptionIds), isNull(summaries.deletedAt)));
  return new Map(rows.map((r) => [r.transcriptionId, r.state]));
}
