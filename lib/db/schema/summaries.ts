// Summaries of transcriptions: one live summary per transcription, whose row is also its durable job (state + lease).
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./core";
import { transcriptions } from "./sessions";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const summaryStates = ["in_progress", "ready", "failed"] as const;
export type SummaryState = (typeof summaryStates)[number];

export const summaries = pgTable(
  "summaries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    transcriptionId: uuid("transcription_id")
      .notNull()
      .references(() => transcriptions.id, { onDelete: "cascade" }),
    // One of api.md's template names; checked by lib/summaries/templates.ts, not by the database, so adding one needs no migration.
    template: text("template").notNull(),
    state: text("state", { enum: summaryStates }).notNull().default("in_progress"),
    // api.md's `summary` field, validated against the template before it is stored.
    summary: jsonb("summary").$type<Record<string, unknown>>(),
    // Why it failed, written for the admin who reads it.
    error: text("error"),
    // Which engine (and model) wrote it, for the record.
    engine: text("engine"),
    // The job: a worker holds the row until lease_expires_at; a worker that died leaves an expired lease that another picks up.
    attempts: integer("attempts").notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: ts("lease_expires_at"),
    requestedByUserId: uuid("requested_by_user_id"),
    // Set by DELETE: the row stays as a tombstone (content erased) so a repeated DELETE still answers 204.
    deletedAt: ts("deleted_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    modifiedAt: ts("modified_at").notNull().defaultNow(),
  },
  (t) => [
    // One summary per transcription at a time: deleted ones do not count.
    uniqueIndex("summaries_transcription_live_key").on(t.transcriptionId).where(sql`${t.deletedAt} is null`),
    index("summaries_account_created_idx").on(t.accountId, t.createdAt, t.id),
    index("summaries_pending_idx").on(t.state, t.leaseExpiresAt),
  ],
);

export type SummaryRow = typeof summaries.$inferSelect;
