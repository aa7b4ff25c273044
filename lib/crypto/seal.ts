// Seals stored secrets (S3 credentials) with AES-256-GCM under a key id, and opens them again.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "@/lib/crypto/keyring";

const version = "v1";
const ivBytes = 12;
const tagBytes = 16;
const segment = /^[A-Za-z0-9_-]*$/;

export type SealErrorCode = "malformed" | "unknown_key" | "tampered";

export class SealError extends Error {
  constructor(
    readonly code: SealErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SealError";
  }
}

// The version and kid are authenticated too, and the caller's associated data (e.g. the account id) binds the
// sealed value to its row: copying it into another row makes it fail to open instead of leaking across accounts.
function associatedData(kid: string, aad: string | undefined): Buffer {
  return Buffer.from(`${version}\0${kid}\0${aad ?? ""}`, "utf8");
}

/** Returns `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts), sealed with the keyring's current key. */
export function sealSecret(plaintext: string, keyring: Keyring, aad?: string): string {
  const kid = keyring.currentKeyId;
  const key = keyring.keys.get(kid);
  if (!key) throw new SealError("unknown_key", `The current key "${kid}" is missing from the keyring`);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: tagBytes });
  cipher.setAAD(associatedData(kid, aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [version, kid, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

/** Opens a value from sealSecret; the same `aad` must be given. Throws SealError, never returns garbage. */
export function openSecret(sealed: string, keyring: Keyring, aad?: string): string {
  const { kid, iv, tag, ciphertext } = parseSealed(sealed);
  const key = keyring.keys.get(kid);
  if (!key) {
    throw new SealError(
      "unknown_key",
      `Cannot open a stored secret: it was sealed with key "${kid}", which is not in the keyring ` +
        `(known: ${[...keyring.keys.keys()].map((k) => `"${k}"`).join(", ")}). Add that key back to VERBATIM_ENCRYPTION_KEYS.`,
    );
  }
  const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: tagBytes });
  decipher.setAAD(associatedData(kid, aad));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SealError(
      "tampered",
      `Cannot open a stored secret sealed with key "${kid}": it was altered, belongs to another record, ` +
        `or key "${kid}" has changed since it was sealed`,
    );
  }
}

function parseSealed(sealed: string) {
  const parts = sealed.split(".");
  if (parts.length !== 5 || parts[0] !== version || !parts.every((p) => segment.test(p))) {
    throw new SealError("malformed", `Cannot open a stored secret: it is not a sealed value of the form ${version}.<kid>.<iv>.<tag>.<ciphertext>`);
  }
  const [, kid, iv, tag, ciphertext] = parts;
  const ivBuf = Buffer.from(iv, "base64url");
  const tagBuf = Buffer.from(tag, "base64url");
  if (kid === "" || ivBuf.length !== ivBytes || tagBuf.length !== tagBytes) {
    throw new SealError("malformed", "Cannot open a stored secret: its key id, nonce or tag is malformed");
  }
  return { kid, iv: ivBuf, tag: tagBuf, ciphertext: Buffer.from(ciphertext, "base64url") };
}
