// Zod schemas of the live-session routes (/api/v1/rooms/{roomName}/...): the single source for validation and the OpenAPI document.
import { z } from "zod";
import { participantRoles } from "@/lib/db/schema";
import { startTriggers } from "@/lib/start-triggers";
import { toSingleLine } from "@/lib/transcripts/render";

export const participantIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, _ or -");

export const roomParamsSchema = z.object({
  roomName: z.string().min(1).max(200).describe('The room name without its leading "/"'),
});
export const downloadLinksParamsSchema = roomParamsSchema.extend({
  transcriptionId: z.string().max(100).describe("A transcription of this room (the live state's transcriptionId)"),
});
export const downloadLinksResponseSchema = z.object({
  transcriptionId: z.string(),
  expires: z.number().describe("When the links stop working, in ms since the epoch (10 minutes from now)"),
  links: z.object({ md: z.string(), txt: z.string(), vtt: z.string() }).describe("Absolute, signed links to the Markdown, plain text and WebVTT files"),
});
export const participantParamsSchema = roomParamsSchema.extend({ participantId: participantIdSchema });
export const chunkParamsSchema = participantParamsSchema.extend({
  seq: z.string().describe("The chunk's sequence number on this participant's track: 0, 1, 2, ..."),
});

export const joinBodySchema = z.object({
  participantId: participantIdSchema
    .optional()
    .describe("Chosen by the client; a fresh one is made when absent. Joining again with one already in the session needs its participant token (or an API key; the room key for a host): otherwise 409"),
  displayName: z
    .string()
    .trim()
    .min(1, "Give a display name")
    .max(80, "At most 80 characters")
    .refine((name) => toSingleLine(name) !== "", "Give a display name with visible characters")
    .describe("Stored without line breaks, bidi overrides or other invisible control characters"),
  roomKey: z.string().max(200).optional().describe("The host key from hostRoomUrl: grants the host role"),
  breakoutGroup: z.string().max(100).nullable().optional().describe("Set while in a breakout group, whose audio is not transcribed"),
  transcribe: z
    .boolean({ error: "transcribe must be true or false" })
    .optional()
    .describe(
      "false: join with your own audio not transcribed, at your request. It is dropped by the server before any speech engine (send none at all if you can), and the transcript's header names you under \"Not transcribed at their request\". Default true at a first join; a later join of the same participant keeps the earlier choice unless it sends the field again",
    ),
});

export const hostCommandBodySchema = z.object({ roomKey: z.string().max(200).optional() });

/** The host commands that take a running transcription off the record and back on it. */
export const offRecordActions = ["pause", "resume"] as const;
export type OffRecordAction = (typeof offRecordActions)[number];

export const transcriptionStateSchema = z.object({
  state: z.enum(["idle", "in_progress"]),
  transcriptionId: z.string().nullable(),
  offTheRecordSince: z
    .string()
    .nullable()
    .describe("ISO time the host took the running transcription off the record; null while it is on the record or not running"),
  startTrigger: z.enum(startTriggers),
  language: z.string(),
  degraded: z
    .object({
      reason: z.enum(["database_unavailable", "shutting_down"]),
      message: z.string(),
      since: z.string().describe("ISO time it began"),
    })
    .nullable()
    .describe(
      "Null while the session takes audio. Otherwise new audio is refused with 503 and Retry-After for now: the database is unavailable and the final segments waiting for it reached their bound, or this server is restarting. Nothing already accepted is lost.",
    ),
});

export const roomStateSchema = z.object({
  roomName: z.string(),
  roomSessionId: z.string().nullable(),
  transcription: transcriptionStateSchema,
  participants: z.array(
    z.object({
      participantId: z.string().optional().describe("Only for the account's API key: with the room link alone, participant ids are not shown"),
      displayName: z.string(),
      role: z.enum(participantRoles),
      transcribed: z.boolean().describe("False for a participant who joined not transcribed, at their request"),
    }),
  ),
});

export const joinResponseSchema = z.object({
  participantId: z.string(),
  participantToken: z.string().describe("Send as X-Participant-Token on this participant's later calls"),
  roomSessionId: z.string(),
  role: z.enum(participantRoles),
  transcribed: z.boolean().describe("False when this participant joined with `transcribe: false`: their audio is never transcribed"),
  transcription: transcriptionStateSchema,
});

/** Chunk numbers are plain decimals; anything else is a malformed request (400), not a missing resource. */
export function parseSeq(value: string): number | undefined {
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
