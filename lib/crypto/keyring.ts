// The keys that seal stored secrets: parsed from VERBATIM_ENCRYPTION_KEYS, or generated once into the data directory.
import { createHash, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The first key seals; every key opens, so an operator rotates by putting a new key in front of the old ones. */
export type Keyring = { currentKeyId: string; keys: Map<string, Buffer> };

export const keyLengthBytes = 32;
// A kid is embedded in sealed strings separated by dots, so it must stay within a plain, dot-free alphabet.
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;
const base64Pattern = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyringError";
  }
}

/**
 * Parses `kid:base64key[,kid:base64key...]` (standard or URL-safe base64 of 32 bytes); the first entry is current.
 * Error messages name the entry by position and kid, never by its key material.
 */
export function parseKeyring(value: string, source = "VERBATIM_ENCRYPTION_KEYS"): Keyring {
  const entries = value
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length === 0) {
    throw new KeyringError(`${source} is empty: expected one or more "kid:base64key" entries separated by commas`);
  }
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const where = `${source}, entry ${index + 1}`;
    const colon = entry.indexOf(":");
    if (colon < 0) {
      throw new KeyringError(`${where}: expected "kid:base64key" (a key id, a colon, then the key in base64)`);
    }
    const kid = entry.slice(0, colon).trim();
    const encoded = entry.slice(colon + 1).trim();
    if (!keyIdPattern.test(kid)) {
      throw new KeyringError(
        `${where}: the key id "${kid.slice(0, 40)}" may only use letters, digits, "_" and "-" (1 to 32 characters)`,
      );
    }
    if (keys.has(kid)) throw new KeyringError(`${where}: the key id "${kid}" appears more than once`);
    if (!base64Pattern.test(encoded) || encoded.replace(/=+$/, "").length % 4 === 1) {
      throw new KeyringError(`${where} (key id "${kid}"): the key is not valid base64`);
    }
    const key = Buffer.from(encoded, encoded.includes("-") || encoded.includes("_") ? "base64url" : "base64");
    if (key.length !== keyLengthBytes) {
      throw new KeyringError(
        `${where} (key id "${kid}"): the key is ${key.length} bytes, it must be exactly ${keyLengthBytes} bytes ` +
          `(generate one with: openssl rand -base64 32)`,
      );
    }
    keys.set(kid, key);
  });
  return { currentKeyId: [...keys.keys()][0], keys };
}

/** The inverse of parseKeyring, for writing the generated key file. */
export function formatKeyring(keyring: Keyring): string {
  const ids = [keyring.currentKeyId, ...[...keyring.keys.keys()].filter((k) => k !== keyring.currentKeyId)];
  return ids.map((kid) => `${kid}:${keyring.keys.get(kid)!.toString("base64")}`).join(",");
}

/** Where the generated keyring lives when the environment gives none. */
export function keyringFilePath(dataDir: string): string {
  return path.join(dataDir, "secrets", "encryption-keys");
}

/**
 * The environment wins when set (several instances must share it); otherwise the key file under `dataDir`
 * is read, or created with one fresh random key on first start. Never logs key material.
 */
export function loadOrCreateKeyring(opts: { envValue?: string; dataDir: string }): Keyring {
  if (opts.envValue !== undefined && opts.envValue.trim() !== "") {
    return parseKeyring(opts.envValue);
  }
  const file = keyringFilePath(opts.dataDir);
  const existing = readIfExists(file);
  if (existing !== undefined) return parseKeyring(existing, file);

  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for an existing directory; the secrets folder must be private.
  fs.chmodSync(dir, 0o700);
  const kid = `k${randomBytes(4).toString("hex")}`;
  const fresh: Keyring = { currentKeyId: kid, keys: new Map([[kid, randomBytes(keyLengthBytes)]]) };
  const tmp = path.join(dir, `.encryption-keys.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = fs.openSync(tmp, "wx", 0o600);
  try {
    fs.writeFileSync(fd, `${formatKeyring(fresh)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // link() fails if the file appeared meanwhile (another process starting at the same time); rename would
    // silently replace that process's key and make whatever it sealed unreadable, so the first writer wins.
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return parseKeyring(fs.readFileSync(file, "utf8"), file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fresh;
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/**
 * A key for another purpose (e.g. signing download links), derived from the current key so that operators
 * manage one secret. Rotating the current key changes it, which only invalidates short-lived signatures.
 */
export function deriveSubkey(keyring: Keyring, purpose: string): Buffer {
  // Remembered per keyring: participant tokens are checked on every audio chunk.
  let derived = subkeys.get(keyring);
  if (!derived) subkeys.set(keyring, (derived = new Map()));
  let key = derived.get(purpose);
  if (!key) {
    const master = keyring.keys.get(keyring.currentKeyId)!;
    const salt = createHash("sha256").update("verbatim-subkey").digest();
    key = Buffer.from(hkdfSync("sha256", master, salt, `verbatim:${purpose}`, keyLengthBytes));
    derived.set(purpose, key);
  }
  return key;
}

const subkeys = new WeakMap<Keyring, Map<string, Buffer>>();
