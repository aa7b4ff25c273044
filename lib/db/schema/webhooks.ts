// Webhook tables: customer endpoints, the transactional outbox of events, deliveries (one per event and endpoint) and every attempt.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { accounts, users } from "./core";

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    /** The subscribed event types (api.md names). */
    events: text("events").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    // Secrets are needed in clear to sign, so they are sealed (lib/crypto/seal.ts) rather than hashed.
    secretSealed: text("secret_sealed").notNull(),
    /** The secret before the last rotation: it keeps signing alongside the new one until previousSecretExpiresAt. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true, mode: "date" }),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("webhook_endpoints_account_idx").on(t.accountId)],
);

/**
 * The transactional outbox: a row is written in the same transaction as the state change it reports, so an event
 * exists exactly when the change committed. `id` is the envelope id (64 hex), stable across every attempt.
 */
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    /** The serialized envelope: every attempt sends these exact bytes. */
    body: text("body").notNull(),
    createdAt: createdAt(),
    /** Set once the event has been turned into deliveries; null rows are the dispatcher's work list. */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("outbox_events_undispatched_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index("outbox_events_account_created_idx").on(t.accountId, t.createdAt),
  ],
);

export const deliveryReasons = ["event", "redeliver", "test"] as const;
export const deliveryStatuses = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One event on its way to one endpoint, retried until delivered or given up. The row is the truth; queue jobs only wake workers. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => outboxEvents.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: deliveryReasons }).notNull(),
    status: text("status", { enum: deliveryStatuses }).notNull().default("pending"),
    attemptCount: integer("attempt_count").notNull().default(0),
    /** When the next attempt may start; while an attempt runs, a lease after which another worker may take over. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    // The dispatcher makes at most one automatic delivery per event and endpoint, even if two instances race.
    uniqueIndex("webhook_deliveries_event_endpoint_key").on(t.eventId, t.endpointId).where(sql`${t.reason} = 'event'`),
    index("webhook_deliveries_pending_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt),
  ],
);

/** Every attempt, for the delivery log. A row with `finishedAt` null is an attempt cut off by a crash. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    attemptNumber: integer("attempt_number").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
    ok: boolean("ok"),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms"),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (t) => [
    // Claiming attempt N twice fails here: two workers cannot both make the same attempt.
    uniqueIndex("webhook_attempts_delivery_number_key").on(t.deliveryId, t.attemptNumber),
    index("webhook_attempts_endpoint_started_idx").on(t.endpointId, t.startedAt),
  ],
);
