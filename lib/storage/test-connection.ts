// "Test connection" for S3 settings: writes, reads back and deletes a probe object, and says which step failed and why.
import { randomBytes } from "node:crypto";
import { createS3Storage, type S3Config, type S3StorageOptions } from "@/lib/storage/s3";
import { StorageError } from "@/lib/storage/storage-error";

export type ConnectionTestResult =
  | { ok: true }
  | { ok: false; step: "write" | "read" | "delete"; code: StorageError["code"]; message: string };

/** Key of the probe object, under the configured prefix; a dot-folder so it sorts apart from transcripts. */
export const probeFolder = ".verbatim-connection-test";

export async function testS3Connection(
  config: S3Config,
  options: Pick<S3StorageOptions, "network" | "addressPolicy"> = {},
): Promise<ConnectionTestResult> {
  const fail = (step: "write" | "read" | "delete", err: unknown): ConnectionTestResult => {
    // An error that is not the storage layer's own carries words we did not write: say only that it failed.
    const e = err instanceof StorageError ? err : new StorageError("unknown", "Unexpected failure of the storage client");
    return { ok: false, step, code: e.code, message: e.userMessage };
  };

  let storage;
  try {
    storage = createS3Storage({ ...config, kind: "self_hosted", network: options.network, addressPolicy: options.addressPolicy });
  } catch (err) {
    // Settings that cannot even be used fail at the first step, where the admin starts reading.
    return fail("write", err);
  }
  const key = `${probeFolder}/${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(6).toString("hex")}.txt`;
  const content = `Verbatim connection test ${randomBytes(16).toString("hex")}\n`;

  try {
    await storage.put(key, content, "text/plain; charset=utf-8");
  } catch (err) {
    return fail("write", err);
  }
  try {
    const read = await storage.get(key);
    if (!read.equals(Buffer.from(content))) {
      await storage.delete(key).catch(() => undefined);
      return {
        ok: false,
        step: "read",
        code: "unknown",
        message: `The probe object read back from bucket "${config.bucket}" differs from the one written (${read.length} bytes instead of ${Buffer.byteLength(content)}): the store altered it`,
      };
    }
  } catch (err) {
    // Leave nothing behind if only reading is refused.
    await storage.delete(key).catch(() => undefined);
    return fail("read", err);
  }
  try {
    await storage.delete(key);
  } catch (err) {
    return fail("delete", err);
  }
  return { ok: true };
}
