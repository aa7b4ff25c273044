// The webhook event types of api.md and the zod schemas of each event's `data`, the single source for building and documenting events.
import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = [
  "room.client.joined",
  "room.client.left",
  "room.session.started",
  "room.session.ended",
  "transcription.started",
  "transcription.finished",
  "transcription.failed",
  "transcription.segment",
  "summary.finished",
  "summary.failed",
] as const;

export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);

/** One line per event for people choosing events (docs/webhooks.md has the fields and a sample of each). */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  "room.client.joined": "Someone joined a room",
  "room.client.left": "Someone left a room",
  "room.session.started": "The first person joined: a session began",
  "room.session.ended": "The last person left: the session is over",
  "transcription.started": "Transcription began in a session",
  "transcription.finished": "A transcript is saved and ready to fetch",
  "transcription.failed": "A transcript could not be made or saved",
  "transcription.segment": "New final lines while people speak (opt-in; at most one a second per session)",
  "summary.finished": "A summary is ready",
  "summary.failed": "A summary could not be made",
};
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

export const SUMMARY_TEMPLATES = [
  "General Bulleted",
  "General Narrative",
  "SOAP",
  "Extended SOAP",
  "Educational Lecture",
  "Educational Tutoring",
] as const;

const id = z.string().min(1);
// api.md: a roomName starts with "/".
const roomName = z.string().regex(/^\/./, "must start with /");

const roomClientData = z.strictObject({
  meetingId: id,
  roomName,
  roomSessionId: id,
  participantId: id,
  displayName: z.string(),
  roleName: id,
  numClients: z.number().int().min(0),
});

const roomSessionData = z.strictObject({ meetingId: id, roomName, roomSessionId: id });

const transcriptionBase = {
  roomName,
  roomSessionId: id,
  transcriptionId: id,
  type: z.literal("LIVE_TRANSCRIPTION"),
};

// Each event fixes its `status`: a "finished" event always reports the state it finished in.
const transcriptionStartedData = z.strictObject({ ...transcriptionBase, status: z.literal("in_progress") });
const transcriptionFinishedData = z.strictObject({
  ...transcriptionBase,
  status: z.literal("ready"),
  filename: z.string().min(1),
  storageType: z.enum(["HOSTED", "SELF_HOSTED"]),
  durationInSeconds: z.number().int().min(0),
});
const transcriptionFailedData = z.strictObject({
  ...transcriptionBase,
  status: z.literal("failed"),
  error: z.string().min(1),
});

/** One final line of a transcription, with the live stream's field names (times in ms from the transcription's start). */
const segmentData = z.strictObject({
  participantId: id,
  displayName: z.string(),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
  text: z.string(),
});
const transcriptionSegmentData = z.strictObject({
  ...transcriptionBase,
  segments: z.array(segmentData).min(1),
});

const summaryBase = { summaryId: id, transcriptionId: id, template: z.enum(SUMMARY_TEMPLATES) };
const summaryFinishedData = z.strictObject({ ...summaryBase, status: z.literal("ready") });
const summaryFailedData = z.strictObject({ ...summaryBase, status: z.literal("failed") });

export const webhookEventDataSchemas = {
  "room.client.joined": roomClientData,
  "room.client.left": roomClientData,
  "room.session.started": roomSessionData,
  "room.session.ended": roomSessionData,
  "transcription.started": transcriptionStartedData,
  "transcription.finished": transcriptionFinishedData,
  "transcription.failed": transcriptionFailedData,
  "transcription.segment": transcriptionSegmentData,
  "summary.finished": summaryFinishedData,
  "summary.failed": summaryFailedData,
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookEventData<T extends WebhookEventType = WebhookEventType> = z.infer<(typeof webhookEventDataSchemas)[T]>;

const envelopeFields = {
  id: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
  apiVersion: z.literal("1.0"),
  createdAt: z.iso.datetime(),
};

function envelopeOf<T extends WebhookEventType>(type: T) {
  return z.strictObject({ ...envelopeFields, type: z.literal(type), data: webhookEventDataSchemas[type] });
}

/** The whole envelope a receiver gets, discriminated on `type`: the contract the tests check every sent envelope against. */
export const webhookEnvelopeSchema = z.discriminatedUnion("type", [
  envelopeOf("room.client.joined"),
  envelopeOf("room.client.left"),
  envelopeOf("room.session.started"),
  envelopeOf("room.session.ended"),
  envelopeOf("transcription.started"),
  envelopeOf("transcription.finished"),
  envelopeOf("transcription.failed"),
  envelopeOf("transcription.segment"),
  envelopeOf("summary.finished"),
  envelopeOf("summary.failed"),
]);

export type WebhookEnvelope<T extends WebhookEventType = WebhookEventType> = {
  [K in T]: { id: string; apiVersion: "1.0"; createdAt: string; type: K; data: WebhookEventData<K> };
}[T];

/** Validates `data` for `type`; throws a ZodError naming the bad field. */
export function parseWebhookEventData<T extends WebhookEventType>(type: T, data: unknown): WebhookEventData<T> {
  return webhookEventDataSchemas[type].parse(data) as WebhookEventData<T>;
}
