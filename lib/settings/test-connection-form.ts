// "Test connection" on the settings form: tries the entered S3 settings (or the stored secret) and explains any failure.
import type { Db } from "@/lib/db/client";
import { requireAdmin, type Actor } from "@/lib/actor";
import { AppError } from "@/lib/errors";
import { SealError } from "@/lib/crypto/seal";
import { testS3Connection } from "@/lib/storage/test-connection";
import type { S3StorageOptions } from "@/lib/storage/s3";
import { customerS3AddressPolicy } from "@/lib/storage/customer-endpoint-policy";
import { openStoredAccountSecret } from "./save-settings";
import { s3FieldsSchema, s3FieldProblems, type S3Fields } from "./settings.validation";

export type ConnectionCheck = { ok: true; message: string } | { ok: false; step: "write" | "read" | "delete" | "secret"; message: string };

const stepWords = {
  write: "Writing a test object failed",
  read: "Reading the test object back failed",
  delete: "Deleting the test object failed",
} as const;

/**
 * Writes, reads back and deletes a probe object with the entered settings. A blank secret uses the stored one.
 * The answer never contains the secret, even if a store echoes it back in an error.
 */
export async function testConnectionForForm(
  db: Db,
  actor: Actor,
  input: Partial<Record<keyof S3Fields, unknown>>,
  options: Pick<S3StorageOptions, "network"> = {},
): Promise<ConnectionCheck> {
  requireAdmin(actor);
  const fields = s3FieldsSchema.parse(input);
  const details = Object.entries(s3FieldProblems(fields)).map(([path, message]) => ({ path, message }));
  if (details.length) throw new AppError("validation", "Please correct the highlighted fields.", details);

  let secret = fields.secretAccessKey;
  if (secret === undefined) {
    try {
      secret = await openStoredAccountSecret(db, actor.accountId);
    } catch (err) {
      if (!(err instanceof SealError)) throw err;
      return {
        ok: false,
        step: "secret",
        message: "The stored secret access key cannot be decrypted on this server (its encryption key is missing or changed): enter the secret again",
      };
    }
  }
  if (secret === undefined) {
    throw new AppError("validation", "Please correct the highlighted fields.", [
      { path: "secretAccessKey", message: "Enter the secret access key to test the connection" },
    ]);
  }

  const result = await testS3Connection(
    { bucket: fields.bucket!, region: fields.region!, accessKeyId: fields.accessKeyId!, secretAccessKey: secret, endpoint: fields.endpoint, checksumMode: fields.checksumMode },
    { ...options, addressPolicy: customerS3AddressPolicy() },
  );
  if (result.ok) {
    return { ok: true, message: `Connected: a test object was written to "${fields.bucket}", read back and deleted.` };
  }
  const message = `${stepWords[result.step]}. ${result.message}.`.replace(/\.\.$/, ".");
  return { ok: false, step: result.step, message: message.split(secret).join("[secret]") };
}
