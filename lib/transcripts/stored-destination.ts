// The `transcriptions.destination` column: where a transcript was stored, as JSON with the secret still sealed,
// and the ObjectStorage that reads and deletes it later (read-back, download, access links, delete, retention).
import { z } from "zod";
import type { Destination } from "@/lib/settings/types";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { storageForDestination } from "@/lib/storage-config/storage-for";

/**
 * A destination as the pipeline copies it when transcription starts: the effective Destination plus `sealedFor`,
 * the associated data its secret was sealed with (the account id for account settings, the room's id for a
 * room's own bucket; EffectiveRoomSettings.destinationSealedFor).
 */
export type StoredDestination = { provider: "hosted" } | (Extract<Destination, { provider: "s3" }> & { sealedFor: string });

const storedDestinationSchema = z.union([
  z.object({ provider: z.literal("hosted") }),
  z.object({
    provider: z.literal("s3"),
    bucket: z.string().min(1),
    region: z.string().min(1),
    accessKeyId: z.string().min(1),
    secretSealed: z.string().min(1),
    endpoint: z.string().nullish(),
    sealedFor: z.string().optional(),
  }),
]);

/** The column value for a destination; the secret stays sealed. */
export function encodeStoredDestination(destination: Destination, sealedFor: string): string {
  if (destination.provider === "hosted") return JSON.stringify({ provider: "hosted" });
  return JSON.stringify({ ...destination, endpoint: destination.endpoint ?? null, sealedFor });
}

/** Where a stored transcript lives, for people: "Hosted" or "s3://bucket/prefix". Never includes a secret. */
export function describeStoredDestination(value: string): string {
  const parsed = parseStoredDestination(value);
  if (!parsed) return "unknown storage";
  return parsed.provider === "hosted" ? "Hosted storage" : `s3://${parsed.bucket}${parsed.endpoint ? ` at ${parsed.endpoint}` : ""}`;
}

function parseStoredDestination(value: string): z.output<typeof storedDestinationSchema> | null {
  try {
    const result = storedDestinationSchema.safeParse(JSON.parse(value));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/**
 * The storage holding a transcription's file. A self-hosted secret is opened with `sealedFor` when the row
 * carries it, else with the room's id and then the account's id (the two ways secrets are sealed).
 */
export function storageForTranscription(row: { destination: string; accountId: string; roomId: string | null }): ObjectStorage {
  const parsed = parseStoredDestination(row.destination);
  if (!parsed) throw new Error("This transcription's storage settings are unreadable");
  if (parsed.provider === "hosted") return storageForDestination({ provider: "hosted" }, row.accountId);
  const { sealedFor, ...destination } = parsed;
  const candidates = sealedFor ? [sealedFor] : [row.roomId, row.accountId].filter((v): v is string => Boolean(v));
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return storageForDestination(destination, candidate);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
