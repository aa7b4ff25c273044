// Zod schemas for rooms: the POST /meetings body (also the Rooms page form), list and read queries; one source for routes and the OpenAPI doc.
import { z } from "zod";
import { transcriptionLanguages } from "@/lib/speech/languages";
import { startTriggers } from "@/lib/start-triggers";
import { s3FieldProblems } from "@/lib/settings/settings.validation";
import { roomModes } from "@/lib/db/schema/rooms";
import { vocabularyFromText, vocabularySchema } from "@/lib/speech/vocabulary";
import { s3ChecksumModes } from "@/lib/s3-checksum-modes";

export const roomNamePrefixPattern = /^[a-z0-9]{0,39}$/;
export const meetingFields = ["hostRoomUrl"] as const;

const languageSchema = z.enum(transcriptionLanguages, {
  error: `Use one of the language codes ${transcriptionLanguages.join(", ")}, or null for the account default`,
});

// Unknown keys are dropped rather than refused: clients written for the hosted anchors send extra fields
// (templateType, recording, ...) and must keep working unchanged.
export const destinationSchema = z
  .object({
    provider: z.enum(["hosted", "whereby", "s3"], { error: 'Use "hosted" (or its alias "whereby") or "s3"' }),
    authenticationType: z.literal("accessKey", { error: 'The only authentication type is "accessKey"' }).optional(),
    bucket: z.string().trim().max(1100, "Use at most 1100 characters").optional(),
    region: z.string().trim().max(40, "Use at most 40 characters").optional(),
    accessKeyId: z.string().trim().max(128, "Use at most 128 characters").optional(),
    // Taken exactly as sent: a secret is not trimmed.
    accessKeySecret: z
      .string()
      .max(256, "Use at most 256 characters")
      .refine((s) => !/[\p{Cc}]/u.test(s), "The secret must not contain control characters or line breaks")
      .optional(),
    endpoint: z.string().trim().max(300, "Use at most 300 characters").optional(),
    // Extension: "whenSupported" for a bucket with Object Lock, which needs a checksum on every upload (lib/storage/s3.ts).
    checksumMode: z.enum(s3ChecksumModes, { error: `Use one of ${s3ChecksumModes.join(", ")}` }).optional(),
  })
  .superRefine((d, ctx) => {
    if (d.provider !== "s3") return;
    const problems = s3FieldProblems({
      bucket: d.bucket || undefined,
      region: d.region || undefined,
      accessKeyId: d.accessKeyId || undefined,
      secretAccessKey: undefined,
      endpoint: d.endpoint || undefined,
    });
    for (const [field, message] of Object.entries(problems)) ctx.addIssue({ code: "custom", path: [field], message });
    if (!d.accessKeySecret) ctx.addIssue({ code: "custom", path: ["accessKeySecret"], message: "Enter the secret access key; it is required for provider s3" });
  })
  .transform((d) =>
    d.provider === "s3"
      ? { provider: "s3" as const, bucket: d.bucket!, region: d.region!, accessKeyId: d.accessKeyId!, accessKeySecret: d.accessKeySecret!, endpoint: d.endpoint || null, ...(d.checksumMode ? { checksumMode: d.checksumMode } : {}) }
      : { provider: "hosted" as const },
  );

export const liveTranscriptionSchema = z.object({
  language: languageSchema.nullable().optional(),
  startTrigger: z
    .enum(startTriggers, { error: `Use one of ${startTriggers.join(", ")}, or null for the account default` })
    .nullable()
    .optional(),
  // Extension: words and phrases (names, product terms) the speech engine is given as hints.
  vocabulary: vocabularySchema.nullable().optional(),
  destination: destinationSchema.nullable().optional(),
  // Extension: whether participants (not only the host) may download the finished transcript from the room page.
  participantDownloads: z.boolean({ error: "Use true, false, or null for the account default" }).nullable().optional(),
});

/** A room's or transcript's human name: one line of text, or null/"" for none. */
export const titleSchema = z
  .string({ error: "The title must be a string" })
  .max(120, "Use at most 120 characters")
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), "The title must be one line of plain text, without control characters")
  .transform((s) => s.trim() || null)
  .nullable();

export const createMeetingSchema = z.object({
  endDate: z.iso
    .datetime({ offset: true, error: "Give the end date as an ISO-8601 date and time, such as 2026-12-01T12:00:00Z" })
    // Checked when the request is parsed: a room that has already ended is of no use.
    .refine((v) => {
      const time = Date.parse(v);
      // An unparseable value is already refused by the format check; one message per problem.
      return Number.isNaN(time) || time > Date.now();
    }, "The end date must be in the future"),
  roomNamePrefix: z
    .string({ error: "The room name prefix must be a string" })
    .regex(roomNamePrefixPattern, "Use up to 39 lowercase letters and digits")
    .optional(),
  // Extension: a human name shown on the Rooms page and as the title of the room's transcripts.
  title: titleSchema.optional(),
  roomMode: z.enum(roomModes, { error: 'Use "normal" or "group"' }).default("normal"),
  isLocked: z.boolean({ error: "Use true or false" }).default(false),
  fields: z.array(z.enum(meetingFields, { error: 'The only extra field is "hostRoomUrl"' })).optional(),
  liveTranscription: liveTranscriptionSchema.nullable().optional(),
});

export type CreateMeetingInput = z.output<typeof createMeetingSchema>;

// HTML forms send "" for an empty field and nothing for an unchecked box; "" in an override means "account default".
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/**
 * The Rooms page form, flattened for HTML: turned into the API body and validated by the same schema, so that
 * the dashboard and the API accept exactly the same rooms. Field errors keep the API's paths.
 */
export const createRoomFormSchema = z.preprocess((raw) => {
  const f = (raw ?? {}) as Record<string, unknown>;
  const language = blank(f.language);
  const startTrigger = blank(f.startTrigger);
  const provider = blank(f.destination);
  const destination =
    provider === undefined
      ? undefined
      : { provider, bucket: blank(f.bucket), region: blank(f.region), accessKeyId: blank(f.accessKeyId), accessKeySecret: blank(f.accessKeySecret), endpoint: blank(f.endpoint) };
  const vocabulary = blank(f.vocabulary) === undefined ? undefined : vocabularyFromText(f.vocabulary);
  const hasBlock = language !== undefined || startTrigger !== undefined || vocabulary !== undefined || destination !== undefined;
  return {
    endDate: blank(f.endDate) ?? "",
    roomNamePrefix: blank(f.roomNamePrefix),
    title: typeof f.title === "string" ? f.title : undefined,
    roomMode: blank(f.roomMode),
    isLocked: f.isLocked === "on" || f.isLocked === "true" || f.isLocked === true,
    liveTranscription: hasBlock ? { language, startTrigger, vocabulary, destination } : undefined,
  };
}, createMeetingSchema);

export const listMeetingsQuerySchema = z.object({
  cursor: z.string().max(200, "The cursor is not valid; use the cursor of the previous page").optional(),
  limit: z.coerce
    .number({ error: "Use a whole number from 1 to 100" })
    .int("Use a whole number from 1 to 100")
    .min(1, "Use a whole number from 1 to 100")
    .max(100, "Use a whole number from 1 to 100")
    .default(50),
});

/** PATCH /meetings/{meetingId}: what may change after creation. */
export const updateMeetingSchema = z.object({ title: titleSchema });

/** The Rooms page's rename form. */
export const renameRoomFormSchema = z.object({ roomId: z.uuid(), title: titleSchema });

// Any string: a malformed id answers 404 like a missing one, not 400.
export const meetingParamsSchema = z.object({ meetingId: z.string() });

export const getMeetingQuerySchema = z.object({
  fields: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(",").every((f) => f.trim() === "" || (meetingFields as readonly string[]).includes(f.trim())), 'The only extra field is "hostRoomUrl"')
    .transform((v) => (v ?? "").split(",").map((f) => f.trim()).filter(Boolean) as (typeof meetingFields)[number][]),
});
