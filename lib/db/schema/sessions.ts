// Live sessions: room sessions with their participants, transcriptions and the final segments they are made of.
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts } from "./core";
import { rooms } from "./rooms";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** Opened by the first join, closed by the last leave. Owned by one app instance at a time through its lease. */
export const roomSessions = pgTable(
  "room_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    roomId: uuid("room_id").notNull().references(() => rooms.id, { onDelete: "cascade" }),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at"),
    // The instance that holds the session's live state (engine streams, interim text) and until when.
    ownerInstance: text("owner_instance"),
    // Where the other instances reach the owner (its VERBATIM_INTERNAL_URL): room requests reaching them are forwarded there.
    ownerAddress: text("owner_address"),
    leaseExpiresAt: ts("lease_expires_at"),
    // The transcription.segment webhook: the newest segment id sent so far, and when (at most one event a second).
    segmentsSentThrough: bigint("segments_sent_through", { mode: "number" }).notNull().default(0),
    segmentsSentAt: ts("segments_sent_at"),
  },
  (t) => [index("room_sessions_room_idx").on(t.roomId, t.startedAt), index("room_sessions_open_idx").on(t.endedAt)],
);

/**
 * The app instances sharing this database, each renewing its row while it runs: an instance that would use per-host
 * state (generated secrets, the directory storage) refuses to start while another is live (lib/pipeline/instances.ts).
 * Each also says there whether it is over capacity, so every instance's dashboard can show the whole cluster's.
 */
export const appInstances = pgTable("app_instances", {
  id: text("id").primaryKey(),
  address: text("address").notNull(),
  startedAt: ts("started_at").notNull(),
  lastSeenAt: ts("last_seen_at").notNull(),
  overCapacity: boolean("over_capacity").notNull().default(false),
});

export const participantRoles = ["host", "guest"] as const;
export type ParticipantRole = (typeof participantRoles)[number];

export const sessionParticipants = pgTable(
  "session_participants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    roomSessionId: uuid("room_session_id").notNull().references(() => roomSessions.id, { onDelete: "cascade" }),
    // Chosen by the client (browser or media server); unique within a session.
    participantId: text("participant_id").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: participantRoles }).notNull(),
    // Set while the participant is in a breakout group: that audio is not transcribed.
    breakoutGroup: text("breakout_group"),
    // Joined "not transcribed" at their own request: their audio never reaches an engine, the transcript names them.
    notTranscribed: boolean("not_transcribed").notNull().default(false),
    joinedAt: ts("joined_at").notNull(),
    leftAt: ts("left_at"),
  },
  (t) => [uniqueIndex("session_participants_key").on(t.roomSessionId, t.participantId)],
);

export const transcriptionStates = ["in_progress", "ready", "failed"] as const;
export type TranscriptionState = (typeof transcriptionStates)[number];

/** Where a transcription is in its lifecycle; the moves between phases are lib/transcripts/lifecycle.ts. */
export const TRANSCRIPTION_PHASES = ["running", "saving", "upload_retrying", "ready", "start_failed", "upload_failed"] as const;
export type TranscriptionPhase = (typeof TRANSCRIPTION_PHASES)[number];

/** api.md's `state` for each phase. */
export const STATE_OF_PHASE = {
  running: "in_progress",
  saving: "in_progress",
  upload_retrying: "in_progress",
  ready: "ready",
  start_failed: "failed",
  upload_failed: "failed",
} as const satisfies Record<TranscriptionPhase, TranscriptionState>;

/** SQL for the `state` column, derived from `phase` by the database. */
const STATE_FROM_PHASE_SQL = `CASE phase ${Object.entries(STATE_OF_PHASE)
  .map(([phase, state]) => `WHEN '${phase}' THEN '${state}'`)
  .join(" ")} END`;

export const transcriptions = pgTable(
  "transcriptions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    roomId: uuid("room_id").references(() => rooms.id, { onDelete: "set null" }),
    roomSessionId: uuid("room_session_id").notNull().references(() => roomSessions.id, { onDelete: "cascade" }),
    // Copied at start so that the transcript keeps its name even if the room goes.
    roomName: text("room_name").notNull(),
    // The transcript's own title when someone renamed it; null shows the room's title.
    title: text("title"),
    language: text("language").notNull(),
    // The speech engine chosen for the language when the transcription started (lib/speech/registry.ts ids); null
    // for transcriptions made before engines were recorded, or failed before one could be chosen.
    engineId: text("engine_id"),
    // The room's effective vocabulary when the transcription started: what its engine streams are opened with.
    vocabulary: jsonb("vocabulary").$type<string[]>().notNull().default([]),
    // Where the transcription is in its lifecycle (lib/transcripts/lifecycle.ts); the only column a move writes.
    phase: text("phase", { enum: TRANSCRIPTION_PHASES }).notNull().default("running"),
    // api.md's state, derived from the phase by the database, for reading and filtering.
    state: text("state", { enum: transcriptionStates })
      .notNull()
      .generatedAlwaysAs(sql.raw(STATE_FROM_PHASE_SQL)),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at"),
    durationSeconds: integer("duration_seconds"),
    filename: text("filename").notNull(),
    storageType: text("storage_type", { enum: ["HOSTED", "SELF_HOSTED"] }).notNull(),
    // The effective destination when transcription started, secrets sealed; used for upload, read-back and delete.
    destination: text("destination").notNull(),
    storageKey: text("storage_key"),
    // Bytes of the saved transcript file, for storage used; null until saved (and for transcripts saved before sizes were kept).
    sizeBytes: integer("size_bytes"),
    error: text("error"),
    uploadAttempts: integer("upload_attempts").notNull().default(0),
    // While saving: the saver holds it until then (another takes over after, as from a dead owner).
    claimedUntil: ts("claimed_until"),
    // While an upload is retried: when the next attempt is due.
    uploadDueAt: ts("upload_due_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("transcriptions_account_started_idx").on(t.accountId, t.startedAt, t.id),
    index("transcriptions_session_idx").on(t.roomSessionId),
    index("transcriptions_phase_idx").on(t.phase, t.uploadDueAt),
  ],
);

/** Final segments, stored as they become final, so a crash loses at most the utterance being spoken. */
export const transcriptSegments = pgTable(
  "transcript_segments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    transcriptionId: uuid("transcription_id").notNull().references(() => transcriptions.id, { onDelete: "cascade" }),
    participantId: text("participant_id").notNull(),
    displayName: text("display_name").notNull(),
    // Milliseconds from the transcription's start.
    startMs: integer("start_ms").notNull(),
    endMs: integer("end_ms").notNull(),
    text: text("text").notNull(),
    // Chosen by the writer before the first attempt, so an insert retried after a lost answer is not stored twice.
    segmentKey: uuid("segment_key"),
    // The segment's place in the live stream (its SSE event id is "<transcription id>:<live seq>"): increasing in the
    // order the owner published the finals of a transcription, so any instance can replay what a client missed.
    liveSeq: bigint("live_seq", { mode: "number" }),
    // For a browser's numbered chunks: the chunk the segment ends in. After a take-over (the owner died) the new owner
    // asks the client to send again from the chunk after it: what the dead owner had heard but not made final.
    endSeq: integer("end_seq"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("transcript_segments_transcription_idx").on(t.transcriptionId, t.startMs),
    index("transcript_segments_live_seq_idx").on(t.transcriptionId, t.liveSeq),
    uniqueIndex("transcript_segments_key").on(t.transcriptionId, t.segmentKey),
  ],
);

/**
 * Off the record: a span of a transcription during which the host paused it. Nothing said in it reaches an engine or
 * the transcript, which shows the gap with its times. `endedAt` is null while it lasts.
 */
export const offRecordSpans = pgTable(
  "off_record_spans",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
    transcriptionId: uuid("transcription_id").notNull().references(() => transcriptions.id, { onDelete: "cascade" }),
    startedAt: ts("started_at").notNull(),
    endedAt: ts("ended_at"),
  },
  (t) => [index("off_record_spans_transcription_idx").on(t.transcriptionId, t.startedAt)],
);
