// The Configure → Transcription form: one zod schema for the page, the server action and lib/settings/save-settings.ts.
import { z } from "zod";
import { parseBucket } from "@/lib/storage/object-key";
import { StorageError } from "@/lib/storage/storage-error";
import { customerEndpointRefusal } from "@/lib/storage/customer-endpoint-policy";
import { s3ChecksumModes } from "@/lib/s3-checksum-modes";
import { transcriptionLanguages } from "@/lib/speech/languages";
import { vocabularyFromText, vocabularySchema } from "@/lib/speech/vocabulary";
import { accountStartTriggers } from "@/lib/start-triggers";
import { embedOriginsFromText, embedOriginsSchema } from "./embed-origins";


// HTML forms send "" for an empty field and nothing for an unchecked box; both mean "not given".
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim()) : v),
    z.string().max(max, `Use at most ${max} characters`).optional(),
  );

const checkbox = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

/** The S3 fields; also the input of "Test connection". A blank secret means "use the stored one". */
export const s3FieldsSchema = z.object({
  bucket: optionalText(1100),
  region: optionalText(40),
  accessKeyId: optionalText(128),
  // Not trimmed: a secret is taken exactly as typed, only checked for characters no secret has.
  secretAccessKey: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z
      .string()
      .max(256, "Use at most 256 characters")
      .refine((s) => !/[\p{Cc}]/u.test(s), "The secret access key must not contain control characters or line breaks")
      .optional(),
  ),
  endpoint: optionalText(300),
  // A select; absent (an older form, the API) means the default.
  checksumMode: z.preprocess((v) => (v === "" || v === null || v === undefined ? "whenRequired" : v), z.enum(s3ChecksumModes, { error: "Choose when checksums are sent" })),
});

export const settingsFormSchema = s3FieldsSchema.extend({
  enabled: checkbox,
  startTrigger: z.enum(accountStartTriggers, { error: "Choose a start trigger" }),
  language: z.enum(transcriptionLanguages, { error: "Choose a language from the list" }),
  // A text box, one word or phrase per line; absent means none.
  vocabulary: z.preprocess((v) => (v === undefined || v === null ? [] : vocabularyFromText(v)), vocabularySchema),
  storage: z.enum(["hosted", "s3"], { error: 'Choose "Hosted" or "Your S3 bucket"' }),
  // With hosted storage the saved bucket settings are kept for a later switch back, unless this asks to remove them.
  removeBucket: checkbox,
  retentionDays: z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(v.trim())) : v),
    z
      .number({ error: "Enter a whole number of days, or leave it empty to keep transcripts" })
      .int("Enter a whole number of days")
      .min(1, "Keep transcripts at least 1 day, or leave it empty to keep them")
      .max(36_500, "Use at most 36500 days (100 years), or leave it empty to keep them")
      .optional(),
  ),
  // A text box, one origin per line; absent means none (no page may embed the account's rooms).
  embedOrigins: z.preprocess((v) => (v === undefined || v === null ? [] : embedOriginsFromText(v)), embedOriginsSchema),
  participantDownloads: checkbox,
});

export type S3Fields = z.output<typeof s3FieldsSchema>;

/** What is wrong with each S3 field (except the secret, which may be stored), keyed by form field name. */
export function s3FieldProblems(fields: Omit<S3Fields, "checksumMode">): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!fields.bucket) problems.bucket = "Enter the bucket name (a prefix may follow a slash: my-bucket/transcripts)";
  else {
    try {
      parseBucket(fields.bucket);
    } catch (err) {
      problems.bucket = err instanceof StorageError ? err.userMessage : "The bucket name is not valid";
    }
  }
  if (!fields.region) problems.region = "Enter the bucket's region, such as eu-west-1";
  else if (!/^[a-z0-9-]{2,32}$/.test(fields.region)) problems.region = "Use a region code such as eu-west-1 (lowercase letters, digits and hyphens)";
  if (!fields.accessKeyId) problems.accessKeyId = "Enter the access key id";
  else if (!/^[\x21-\x7e]+$/.test(fields.accessKeyId)) problems.accessKeyId = "The access key id must not contain spaces or unusual characters";
  if (fields.endpoint) {
    const problem = endpointProblem(fields.endpoint);
    if (problem) problems.endpoint = problem;
  }
  return problems;
}

function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a URL such as https://s3.example.com, or leave it empty for AWS";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "The endpoint must start with https:// or http://";
  if (url.username || url.password) return "Do not put credentials in the endpoint; use the access key fields";
  if (url.search || url.hash) return "The endpoint must not have a query or fragment";
  return customerEndpointRefusal(value);
}
