// Saves an account's transcription defaults from the settings form: admin only, validated, secret sealed, every change audited.
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { accountSettings } from "@/lib/db/schema";
import { requireAdmin, type Actor } from "@/lib/actor";
import { recordAudit, listAudit } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { appKeyring } from "@/lib/config/keyring";
import { openSecret, sealSecret } from "@/lib/crypto/seal";
import { assertLanguageSupported } from "@/lib/speech/engine-languages";
import { languageLabel } from "@/lib/speech/languages";
import { settingsFormSchema, s3FieldProblems } from "./settings.validation";
import { s3ChecksumModeLabels, type S3ChecksumMode } from "@/lib/s3-checksum-modes";
import { startTriggerLabels, type StartTrigger } from "@/lib/start-triggers";
import { defaultTranscriptionSettings } from "./types";

export const settingsAuditAction = "settings.transcription_updated";

/** What the page may show: every setting except the secret, of which only its presence is told. */
export type TranscriptionSettingsView = {
  enabled: boolean;
  startTrigger: StartTrigger;
  language: string;
  vocabulary: string[];
  storage: "hosted" | "s3";
  bucket: string;
  region: string;
  accessKeyId: string;
  endpoint: string;
  checksumMode: S3ChecksumMode;
  secretSet: boolean;
  retentionDays: number | null;
  /** Origins whose pages may embed the account's rooms (lib/settings/embed-origins.ts). */
  embedOrigins: string[];
  /** Whether participants, not only the host, may download a finished transcript from the room page. */
  participantDownloads: boolean;
  updatedAt: string | null;
};

type Row = typeof accountSettings.$inferSelect;

function toView(row: Row | undefined): TranscriptionSettingsView {
  if (!row) {
    const d = defaultTranscriptionSettings;
    return {
      enabled: d.enabled, startTrigger: d.startTrigger, language: d.language, vocabulary: d.vocabulary, storage: "hosted",
      bucket: "", region: "", accessKeyId: "", endpoint: "", checksumMode: "whenRequired", secretSet: false, retentionDays: null,
      embedOrigins: [], participantDownloads: false, updatedAt: null,
    };
  }
  return {
    enabled: row.transcriptionEnabled,
    startTrigger: row.startTrigger,
    language: row.language,
    vocabulary: row.vocabulary,
    storage: row.storage,
    bucket: row.s3Bucket ?? "",
    region: row.s3Region ?? "",
    accessKeyId: row.s3AccessKeyId ?? "",
    endpoint: row.s3Endpoint ?? "",
    checksumMode: row.s3ChecksumMode,
    secretSet: Boolean(row.s3SecretSealed),
    retentionDays: row.retentionDays,
    embedOrigins: row.embedOrigins,
    participantDownloads: row.participantDownloads,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The settings form's values for an account (product defaults until first saved); never the secret. */
export async function getTranscriptionSettingsView(db: Db, accountId: string): Promise<TranscriptionSettingsView> {
  const [row] = await db.select().from(accountSettings).where(eq(accountSettings.accountId, accountId));
  return toView(row);
}

/** The sealed secret's plaintext, for "Test connection" with a blank secret field; undefined when none is stored. */
export async function openStoredAccountSecret(db: Db, accountId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ sealed: accountSettings.s3SecretSealed })
    .from(accountSettings)
    .where(eq(accountSettings.accountId, accountId));
  if (!row?.sealed) return undefined;
  // Sealed with the account id as associated data, so a value copied from another account's row cannot be opened.
  return openSecret(row.sealed, appKeyring(), accountId);
}

const fieldLabels = {
  enabled: "Transcription",
  startTrigger: "Start trigger",
  language: "Language",
  vocabulary: "Vocabulary",
  storage: "Storage",
  bucket: "Bucket",
  region: "Region",
  accessKeyId: "Access key id",
  endpoint: "Endpoint",
  checksumMode: "Checksums",
  retentionDays: "Delete transcripts after",
  embedOrigins: "Sites allowed to embed rooms",
  participantDownloads: "Participant downloads",
} as const;
type AuditedField = keyof typeof fieldLabels;

/** One recorded change; the secret is only ever recorded as replaced or removed. */
export type SettingsChange = { field: AuditedField; from: string | null; to: string | null } | { field: "secretAccessKey"; change: "replaced" | "removed" };

function display(field: AuditedField, view: TranscriptionSettingsView): string | null {
  switch (field) {
    case "enabled":
      return view.enabled ? "On" : "Off";
    case "startTrigger":
      return view.startTrigger in startTriggerLabels ? startTriggerLabels[view.startTrigger as keyof typeof startTriggerLabels] : view.startTrigger;
    case "language":
      return languageLabel(view.language);
    case "vocabulary":
      if (view.vocabulary.length === 0) return null;
      // The log names the first entries; a full list of 100 phrases would drown the other changes.
      return view.vocabulary.length <= 10 ? view.vocabulary.join(", ") : `${view.vocabulary.slice(0, 10).join(", ")} and ${view.vocabulary.length - 10} more`;
    case "storage":
      return view.storage === "s3" ? "Your S3 bucket" : "Hosted";
    case "retentionDays":
      return view.retentionDays === null ? null : `${view.retentionDays} days`;
    case "checksumMode":
      return s3ChecksumModeLabels[view.checksumMode];
    case "embedOrigins":
      return view.embedOrigins.length ? view.embedOrigins.join(", ") : null;
    case "participantDownloads":
      return view.participantDownloads ? "Allowed" : "Host only";
    default:
      return view[field] === "" ? null : view[field];
  }
}

/**
 * Validates and stores the form. Admins only. A blank secret keeps the stored one; a new one is sealed with the
 * account id as associated data. Choosing hosted storage keeps the bucket settings and the secret (unused, for a
 * switch back) unless `removeBucket` asks to remove them.
 * Returns the new view (without the secret) and the changes recorded in the audit log.
 */
export async function saveAccountSettings(
  db: Db,
  actor: Actor,
  /** Untrusted form or API input; parsed with settingsFormSchema here. */
  input: Record<string, unknown>,
): Promise<{ settings: TranscriptionSettingsView; changes: SettingsChange[] }> {
  requireAdmin(actor);
  const form = settingsFormSchema.parse(input);
  assertLanguageSupported(form.language);
  const useS3 = form.storage === "s3";
  if (useS3) {
    const problems = s3FieldProblems(form);
    const details = Object.entries(problems).map(([path, message]) => ({ path, message }));
    if (details.length) throw new AppError("validation", "Please correct the highlighted fields.", details);
  }

  return db.transaction(async (tx) => {
    // Locked so that two admins saving at once record changes against what each really replaced.
    const [existing] = await tx.select().from(accountSettings).where(eq(accountSettings.accountId, actor.accountId)).for("update");
    const before = toView(existing);

    let secretSealed: string | null = null;
    let secretChange: "replaced" | "removed" | undefined;
    if (useS3) {
      if (form.secretAccessKey !== undefined) {
        secretSealed = sealSecret(form.secretAccessKey, appKeyring(), actor.accountId);
        if (!existing?.s3SecretSealed || !sameSecret(existing.s3SecretSealed, form.secretAccessKey, actor.accountId)) secretChange = "replaced";
        else secretSealed = existing.s3SecretSealed;
      } else if (existing?.s3SecretSealed) {
        secretSealed = existing.s3SecretSealed;
      } else {
        throw new AppError("validation", "Please correct the highlighted fields.", [
          { path: "secretAccessKey", message: "Enter the secret access key that belongs to this access key id" },
        ]);
      }
    } else if (form.removeBucket) {
      if (existing?.s3SecretSealed) secretChange = "removed";
    } else {
      secretSealed = existing?.s3SecretSealed ?? null;
    }
    // What the bucket fields become: the form's with S3, the stored ones (kept) or none (removed) with hosted.
    const keep = !useS3 && !form.removeBucket;

    const values = {
      accountId: actor.accountId,
      transcriptionEnabled: form.enabled,
      startTrigger: form.startTrigger,
      language: form.language,
      vocabulary: form.vocabulary,
      storage: form.storage,
      s3Bucket: useS3 ? form.bucket! : keep ? (existing?.s3Bucket ?? null) : null,
      s3Region: useS3 ? form.region! : keep ? (existing?.s3Region ?? null) : null,
      s3AccessKeyId: useS3 ? form.accessKeyId! : keep ? (existing?.s3AccessKeyId ?? null) : null,
      s3SecretSealed: secretSealed,
      s3Endpoint: useS3 ? (form.endpoint ?? null) : keep ? (existing?.s3Endpoint ?? null) : null,
      s3ChecksumMode: useS3 ? form.checksumMode : keep ? (existing?.s3ChecksumMode ?? "whenRequired") : "whenRequired",
      retentionDays: form.retentionDays ?? null,
      embedOrigins: form.embedOrigins,
      participantDownloads: form.participantDownloads,
      updatedAt: new Date(),
      updatedByUserId: actor.userId,
    };
    const [saved] = await tx
      .insert(accountSettings)
      .values(values)
      .onConflictDoUpdate({ target: accountSettings.accountId, set: values })
      .returning();
    const after = toView(saved);

    const changes: SettingsChange[] = [];
    for (const field of Object.keys(fieldLabels) as AuditedField[]) {
      const from = display(field, before);
      const to = display(field, after);
      // Against the product defaults on a first save: the log lists what someone chose, not defaults nobody touched.
      if (from !== to) changes.push({ field, from, to });
    }
    if (secretChange) changes.push({ field: "secretAccessKey", change: secretChange });
    if (changes.length > 0) {
      await recordAudit(tx, actor, { action: settingsAuditAction, targetType: "account_settings", targetId: actor.accountId, details: { changes } });
    }
    return { settings: after, changes };
  });
}

function sameSecret(sealed: string, plaintext: string, accountId: string): boolean {
  try {
    return openSecret(sealed, appKeyring(), accountId) === plaintext;
  } catch {
    // Unreadable (a lost key, say): the new secret replaces it.
    return false;
  }
}

export type SettingsAuditEntry = { id: string; at: string; actor: string; changes: string[] };

/** The settings changes of an account, newest first, as sentences for the page. */
export async function listSettingsAudit(db: Db, accountId: string, limit = 20): Promise<SettingsAuditEntry[]> {
  const rows = await listAudit(db, accountId, { action: settingsAuditAction, limit });
  return rows.map((row) => ({
    id: row.id,
    at: row.createdAt.toISOString(),
    actor: row.actorLabel,
    changes: ((row.details.changes ?? []) as SettingsChange[]).map(describeChange),
  }));
}

export function describeChange(change: SettingsChange): string {
  if (change.field === "secretAccessKey") return change.change === "replaced" ? "Secret access key replaced" : "Secret access key removed";
  const label = fieldLabels[change.field] ?? change.field;
  if (change.from === null && change.to !== null) return `${label} set to ${change.to}`;
  if (change.to === null) return `${label} cleared (was ${change.from})`;
  return `${label}: ${change.from} → ${change.to}`;
}

