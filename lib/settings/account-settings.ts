// Reads an account's transcription defaults (an account that never saved any gets the product defaults), and the room page's embed and download settings.
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accountSettings } from "@/lib/db/schema";
import { defaultTranscriptionSettings, type TranscriptionSettings } from "./types";
import type { TranscriptionLanguage } from "@/lib/speech/languages";

export async function getAccountTranscriptionSettings(db: Db, accountId: string): Promise<TranscriptionSettings> {
  const [row] = await db.select().from(accountSettings).where(eq(accountSettings.accountId, accountId));
  if (!row) return defaultTranscriptionSettings;
  return {
    enabled: row.transcriptionEnabled,
    startTrigger: row.startTrigger,
    language: row.language as TranscriptionLanguage,
    vocabulary: row.vocabulary,
    destination:
      row.storage === "s3" && row.s3Bucket && row.s3Region && row.s3AccessKeyId && row.s3SecretSealed
        ? { provider: "s3", bucket: row.s3Bucket, region: row.s3Region, accessKeyId: row.s3AccessKeyId, secretSealed: row.s3SecretSealed, endpoint: row.s3Endpoint, ...(row.s3ChecksumMode === "whenSupported" ? { checksumMode: row.s3ChecksumMode } : {}) }
        : { provider: "hosted" },
  };
}

/** What the room page needs beyond transcription: who may frame it, and whether participants may download. */
export type AccountRoomPageSettings = { embedOrigins: string[]; participantDownloads: boolean };

export async function getAccountRoomPageSettings(db: Db, accountId: string): Promise<AccountRoomPageSettings> {
  const [row] = await db
    .select({ embedOrigins: accountSettings.embedOrigins, participantDownloads: accountSettings.participantDownloads })
    .from(accountSettings)
    .where(eq(accountSettings.accountId, accountId));
  return row ?? { embedOrigins: [], participantDownloads: false };
}

/** A room's own choice when it made one (POST /meetings liveTranscription.participantDownloads), else the account's. */
export function resolveParticipantDownloads(account: boolean, room: boolean | null): { value: boolean; source: "room" | "account" } {
  return room === null ? { value: account, source: "account" } : { value: room, source: "room" };
}
