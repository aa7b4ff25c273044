// Registers the meetings (rooms) routes with the OpenAPI document, from the same zod schemas the routes validate with.
import { z } from "zod";
import { registerApiRoute } from "@/lib/api/openapi";
import { transcriptionLanguages } from "@/lib/speech/languages";
import { startTriggers } from "@/lib/start-triggers";
import { roomModes } from "@/lib/db/schema/rooms";
import { createMeetingSchema, getMeetingQuerySchema, listMeetingsQuerySchema, meetingParamsSchema, updateMeetingSchema } from "./validation";
import { s3ChecksumModes } from "@/lib/s3-checksum-modes";

const adminScoped =
  "API keys are admin-scoped: every key acts with its account's admin rights, so any key of the account may create and delete rooms.";

const createdMeeting = z.object({
  meetingId: z.string().describe("The room's id, for GET and DELETE"),
  roomName: z.string().describe('Starts with "/": the optional prefix, a hyphen, and 128 random bits'),
  roomUrl: z.string().describe("Opens the room page"),
  startDate: z.string().describe("When the room was created (ISO-8601 UTC)"),
  endDate: z.string().describe("The room accepts new sessions until one hour after this time"),
  hostRoomUrl: z.string().optional().describe('roomUrl with ?roomKey=<secret>, granting the host role; only when asked for with fields "hostRoomUrl"'),
});

const meeting = createdMeeting.extend({
  title: z.string().nullable().describe("Extension: the room's human name (set with title on POST or PATCH); null when untitled"),
  roomMode: z.enum(roomModes),
  isLocked: z.boolean(),
  liveTranscription: z.object({
    language: z.enum(transcriptionLanguages).describe("Fixed when the room was created (the account default when none was given)"),
    startTrigger: z.enum(startTriggers).nullable().describe("null: the account default, including its later changes"),
    vocabulary: z.array(z.string()).nullable().describe("Extension: the room's words and phrases for the speech engine; null: the account default"),
    destination: z
      .union([
        z.object({ provider: z.literal("hosted") }),
        z.object({
          provider: z.literal("s3"),
          authenticationType: z.literal("accessKey"),
          bucket: z.string(),
          region: z.string(),
          accessKeyId: z.string(),
          endpoint: z.string().nullable(),
          checksumMode: z
            .enum(s3ChecksumModes)
            .optional()
            .describe('Extension: "whenSupported" when the room\'s bucket has Object Lock (a checksum on every upload); absent: only when required'),
        }),
      ])
      .nullable()
      .describe("null: the account default. The secret access key is never returned."),
    participantDownloads: z
      .boolean()
      .nullable()
      .describe("Extension: whether participants, not only the host, may download the finished transcript from the room page; null: the account default (Configure → Transcription, off unless changed)"),
  }),
});

registerApiRoute({
  method: "post",
  path: "/meetings",
  operationId: "createMeeting",
  summary: "Create a room",
  description:
    'Creates a room (meeting). `liveTranscription` overrides the account\'s transcription defaults field by field; a null or absent field follows the account default, except the language, which is fixed at creation. `provider: "whereby"` is accepted as an alias of `"hosted"`. For `provider: "s3"`, bucket, region, accessKeyId and accessKeySecret are required; the secret is stored encrypted and never returned. A language no configured speech engine can transcribe is refused with 400 on `liveTranscription.language`, naming the engines. `liveTranscription.vocabulary` (extension) lists up to 100 words or phrases (at most 100 characters each) that engines taking hints are given; null follows the account default. `liveTranscription.participantDownloads` (extension) lets participants download the finished transcript from the room page (.md, .txt, .vtt; the host always can); null follows the account default. Unknown fields are ignored. ' +
    adminScoped,
  tags: ["Meetings"],
  body: createMeetingSchema,
  responses: {
    201: { description: "The room", schema: createdMeeting },
    413: { description: "The body is larger than the server accepts" },
    415: { description: "The body is not sent as application/json" },
  },
});

registerApiRoute({
  method: "get",
  path: "/meetings",
  operationId: "listMeetings",
  summary: "List rooms",
  description:
    "The account's rooms, newest first. `cursor` is opaque and null on the last page; paging is stable while rooms are created or deleted. " + adminScoped,
  tags: ["Meetings"],
  query: listMeetingsQuerySchema,
  responses: { 200: { description: "A page of rooms", schema: z.object({ results: z.array(meeting), cursor: z.string().nullable() }) } },
});

registerApiRoute({
  method: "get",
  path: "/meetings/{meetingId}",
  operationId: "getMeeting",
  summary: "Get a room",
  description: 'One room of the account. `fields=hostRoomUrl` adds the host link. Another account\'s or a deleted room answers 404. ' + adminScoped,
  tags: ["Meetings"],
  params: meetingParamsSchema,
  query: getMeetingQuerySchema,
  responses: { 200: { description: "The room", schema: meeting } },
});

registerApiRoute({
  method: "patch",
  path: "/meetings/{meetingId}",
  operationId: "renameMeeting",
  summary: "Rename a room",
  description: "Extension: sets the room's human `title` (null or an empty string clears it). Other fields cannot change after creation. " + adminScoped,
  tags: ["Meetings"],
  params: meetingParamsSchema,
  body: updateMeetingSchema,
  responses: { 200: { description: "The room", schema: meeting }, 415: { description: "The body is not sent as application/json" } },
});

registerApiRoute({
  method: "delete",
  path: "/meetings/{meetingId}",
  operationId: "deleteMeeting",
  summary: "Delete a room",
  description:
    "Deletes a room: it accepts no new sessions; its transcripts stay. Idempotent: deleting a room of the account again answers 204. An id that is not a room of the account (another account's included) answers 404. " +
    adminScoped,
  tags: ["Meetings"],
  params: meetingParamsSchema,
  responses: { 204: { description: "Deleted (or already deleted)" } },
});
