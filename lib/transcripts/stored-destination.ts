// The `transcriptions.destination` column: where a transcript was stored, as JSON with the secret still sealed,
// and the ObjectStorage that reads and deletes it later (read-back, download, access links, delete, retention).
import { z } from "zod";
import type { Destination } from "@/lib/settings/types";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { storageForDestination } from "@/lib/storage-config/storage-for";

const destinationSchema = z.union([
  z.object({ provider: z.literal("hosted") }),
  z.object({
    provider: z.literal("s3"),
    bucket: z.string().min(1),
    region: z.string().min(1),
    accessKeyId: z.string().min(1),
    secretSealed: z.string().min(1),
    endpoint: z.string().nullish(),
  }),
]);

/**
 * The column as the pipeline writes it when transcription starts (lib/pipeline/session/sessions.ts,
 * StoredDestination): the effective destination, secret sealed, and `sealedFor`, the associated data it was sealed
 * with (the account id for account settings, the room's id for a room's own bucket).
 */
const storedDestinationSchema = z.object({ destination: destinationSchema, sealedFor: z.string().min(1) });
type Parsed = z.output<typeof storedDestinationSchema>;

/** The column value for a destination; the secret stays sealed. Same shape as the pipeline's. */
export function encodeStoredDestination(destination: Destination, sealedFor: string): string {
  return JSON.stringify({ destination, sealedFor });
}

/** Where a stored transcript lives, for people: "Hosted" or "s3://bucket/prefix". Never includes a secret. */
export function describeStoredDestination(value: string): string {
  const parsed = parseStoredDestination(value);
  if (!parsed) return "unknown storage";
  const d = parsed.destination;
  return d.provider === "hosted" ? "Hosted storage" : `s3://${d.bucket}${d.endpoint ? ` at ${d.endpoint}` : ""}`;
}

function parseStoredDestination(value: string): Parsed | null {
  try {
    const result = storedDestinationSchema.safeParse(JSON.parse(value));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** The storage holding a transcription's file; throws when its settings cannot be read or its secret opened. */
export function storageForTranscription(row: { destination: string }): ObjectStorage {
  const parsed = parseStoredDestination(row.destination);
  if (!parsed) throw new Error("This transcription's storage settings are unreadable");
  return storageForDestination(parsed.destination as Destination, parsed.sealedFor);
}
