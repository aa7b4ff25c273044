// Account-wide transcription defaults (Configure → Transcription); one row per account, absent until first saved.
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accounts, users } from "./core";
import { startTriggers } from "../../start-triggers";
import { s3ChecksumModes } from "../../s3-checksum-modes";

export const accountSettings = pgTable("account_settings", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => accounts.id, { onDelete: "cascade" }),
  transcriptionEnabled: boolean("transcription_enabled").notNull().default(true),
  startTrigger: text("start_trigger", { enum: startTriggers }).notNull().default("manual"),
  language: text("language").notNull().default("en"),
  // Words and phrases every room's speech engine is given as hints unless the room lists its own (lib/speech/vocabulary.ts).
  vocabulary: jsonb("vocabulary").$type<string[]>().notNull().default([]),
  storage: text("storage", { enum: ["hosted", "s3"] }).notNull().default("hosted"),
  s3Bucket: text("s3_bucket"),
  s3Region: text("s3_region"),
  s3AccessKeyId: text("s3_access_key_id"),
  // Sealed with lib/crypto (AES-256-GCM, key id inside); never sent to a browser or an API client.
  s3SecretSealed: text("s3_secret_sealed"),
  s3Endpoint: text("s3_endpoint"),
  /** "whenSupported" for a bucket with Object Lock (lib/storage/s3.ts says why). */
  s3ChecksumMode: text("s3_checksum_mode", { enum: s3ChecksumModes }).notNull().default("whenRequired"),
  // Transcripts older than this many days are deleted automatically; null keeps them.
  retentionDays: integer("retention_days"),
  // The origins (https://app.example.com) whose pages may embed this account's rooms (<verbatim-room>); the room page's
  // Content-Security-Policy frame-ancestors lists them. Empty: no page may frame a room.
  embedOrigins: jsonb("embed_origins").$type<string[]>().notNull().default([]),
  // Whether participants (not only the host) may download a finished transcript from the room page; a room may override it.
  participantDownloads: boolean("participant_downloads").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedByUserId: uuid("updated_by_user_id").references(() => users.id, { onDelete: "set null" }),
});
