// Transcript deletions: one small record per deleted transcription, so a repeated DELETE answers 204 (idempotent)
// while an id the account never had still answers 404. The transcript itself (file, segments, row) is gone.
// The full-text search column transcriptions.search_vector, its GIN index and the trigger that keeps it current
// are created by the SQL migration drizzle/*_transcript_search.sql and read through raw SQL (lib/transcripts/list.ts).
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./core";

export const transcriptionDeletions = pgTable(
  "transcription_deletions",
  {
    transcriptionId: uuid("transcription_id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    // "user" (dashboard or API) or "retention" (the account's retention period).
    reason: text("reason", { enum: ["user", "retention"] }).notNull(),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("transcription_deletions_account_idx").on(t.accountId, t.deletedAt)],
);
