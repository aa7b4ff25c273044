// Rooms (the API's "meetings"): their unguessable names, sealed host keys, end dates and per-room transcription overrides.
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts, users } from "./core";
import { s3ChecksumModes } from "../../s3-checksum-modes";
import { startTriggers } from "../../start-triggers";

export const roomModes = ["normal", "group"] as const;

export const rooms = pgTable(
  "rooms",
  {
    // Chosen by the application before the insert, so that the room's secrets can be sealed bound to this id.
    id: uuid("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    // "/<prefix>-<128 random bits in hex>": the name is the room's address, so it must not be guessable.
    roomName: text("room_name").notNull(),
    // The host key of hostRoomUrl, sealed with lib/crypto (associated data "room-key:<id>"). Sealed rather than hashed
    // because GET /meetings/{id}?fields=hostRoomUrl and the Rooms page hand the host link out again, as the anchors do.
    roomKeySealed: text("room_key_sealed").notNull(),
    // A human name ("Weekly sync"), set at creation and editable; transcripts are titled with it. Null: untitled.
    title: text("title"),
    roomMode: text("room_mode", { enum: roomModes }).notNull().default("normal"),
    isLocked: boolean("is_locked").notNull().default(false),
    startDate: timestamp("start_date", { withTimezone: true, mode: "date" }).notNull(),
    endDate: timestamp("end_date", { withTimezone: true, mode: "date" }).notNull(),
    // Whether the creator sent a liveTranscription block; informational, since null fields follow the account anyway.
    hasTranscriptionBlock: boolean("has_transcription_block").notNull().default(false),
    // The language is fixed when the room is created: the requested one, or the account default of that moment.
    language: text("language").notNull(),
    languageFromRoom: boolean("language_from_room").notNull().default(false),
    // Null: follow the account default, including its later changes.
    overrideStartTrigger: text("override_start_trigger", { enum: startTriggers }),
    // Words and phrases the speech engine is given as hints (lib/speech/vocabulary.ts); null: the account's.
    overrideVocabulary: jsonb("override_vocabulary").$type<string[]>(),
    overrideStorage: text("override_storage", { enum: ["hosted", "s3"] }),
    overrideS3Bucket: text("override_s3_bucket"),
    overrideS3Region: text("override_s3_region"),
    overrideS3AccessKeyId: text("override_s3_access_key_id"),
    // Sealed with the room's id as associated data (see lib/storage-config/storage-for.ts); never returned.
    overrideS3SecretSealed: text("override_s3_secret_sealed"),
    overrideS3Endpoint: text("override_s3_endpoint"),
    overrideS3ChecksumMode: text("override_s3_checksum_mode", { enum: s3ChecksumModes }),
    // Whether participants may download the transcript from the room page; null: the account's setting.
    overrideParticipantDownloads: boolean("override_participant_downloads"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    // Set by the application with millisecond precision, so that the opaque list cursor can compare it exactly.
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    // Soft delete: DELETE stays idempotent and past sessions keep their room's name.
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [uniqueIndex("rooms_room_name_key").on(t.roomName), index("rooms_account_created_idx").on(t.accountId, t.createdAt, t.id)],
);

export type RoomRow = typeof rooms.$inferSelect;
