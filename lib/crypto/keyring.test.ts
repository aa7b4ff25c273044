import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  deriveSubkey,
  formatKeyring,
  keyringFilePath,
  loadOrCreateKeyring,
  parseKeyring,
} from "@/lib/crypto/keyring";

const b64 = (buf: Buffer) => buf.toString("base64");

describe("parseKeyring", () => {
  it("parses entries in order; the first is current", () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const ring = parseKeyring(` new:${b64(a)} , old:${b.toString("base64url")}`);
    expect(ring.currentKeyId).toBe("new");
    expect([...ring.keys.keys()]).toEqual(["new", "old"]);
    expect(ring.keys.get("new")!.equals(a)).toBe(true);
    expect(ring.keys.get("old")!.equals(b)).toBe(true);
  });

  it("round-trips through formatKeyring", () => {
    const ring = parseKeyring(`a:${b64(randomBytes(32))},b:${b64(randomBytes(32))}`);
    const again = parseKeyring(formatKeyring(ring));
    expect(again.currentKeyId).toBe("a");
    expect(again.keys.get("b")!.equals(ring.keys.get("b")!)).toBe(true);
  });

  const key = b64(randomBytes(32));
  it.each([
    ["", /is empty/],
    [" , ", /is empty/],
    ["nokey", /entry 1: expected "kid:base64key"/],
    [`k1:${b64(randomBytes(16))}`, /key id "k1"\): the key is 16 bytes, it must be exactly 32 bytes/],
    [`k1:${b64(randomBytes(33))}`, /the key is 33 bytes/],
    [`k1:${key},k2:not*base64!`, /entry 2 \(key id "k2"\): the key is not valid base64/],
    [`k1:${key},k1:${key}`, /the key id "k1" appears more than once/],
    [`bad.kid:${key}`, /the key id "bad.kid" may only use letters, digits/],
    [`:${key}`, /the key id "" may only use/],
    [`${"x".repeat(33)}:${key}`, /may only use letters, digits, "_" and "-" \(1 to 32 characters\)/],
  ])("refuses %j", (value, message) => {
    expect(() => parseKeyring(value)).toThrow(message);
  });

  it("never puts key material in its error messages", () => {
    const short = b64(randomBytes(20));
    try {
      parseKeyring(`k1:${short}`);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});

describe("loadOrCreateKeyring", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-keyring-"));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("prefers the environment and writes no file", () => {
    const ring = loadOrCreateKeyring({ envValue: `env1:${b64(randomBytes(32))}`, dataDir });
    expect(ring.currentKeyId).toBe("env1");
    expect(fs.existsSync(path.join(dataDir, "secrets"))).toBe(false);
  });

  it("throws on a bad environment value instead of falling back to the file", () => {
    expect(() => loadOrCreateKeyring({ envValue: "k1:abc", dataDir })).toThrow(/VERBATIM_ENCRYPTION_KEYS/);
  });

  it("creates a private key file once and reads the same key afterwards", () => {
    const first = loadOrCreateKeyring({ dataDir });
    const file = keyringFilePath(dataDir);
    expect(file).toBe(path.join(dataDir, "secrets", "encryption-keys"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(first.keys.get(first.currentKeyId)!.length).toBe(32);
    // No temporary files are left behind by the atomic write.
    expect(fs.readdirSync(path.dirname(file))).toEqual(["encryption-keys"]);

    const second = loadOrCreateKeyring({ dataDir, envValue: "  " });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(second.keys.get(second.currentKeyId)!.equals(first.keys.get(first.currentKeyId)!)).toBe(true);
  });

  it("reads an operator-edited key file with a rotated key in front", () => {
    const first = loadOrCreateKeyring({ dataDir });
    const file = keyringFilePath(dataDir);
    fs.writeFileSync(file, `next:${b64(randomBytes(32))}\n${fs.readFileSync(file, "utf8")}`);
    const ring = loadOrCreateKeyring({ dataDir });
    expect(ring.currentKeyId).toBe("next");
    expect(ring.keys.has(first.currentKeyId)).toBe(true);
  });

  it("names the file when its content is broken", () => {
    fs.mkdirSync(path.join(dataDir, "secrets"));
    fs.writeFileSync(keyringFilePath(dataDir), "k1:tooshort");
    expect(() => loadOrCreateKeyring({ dataDir })).toThrow(keyringFilePath(dataDir));
  });
});

describe("deriveSubkey", () => {
  it("is stable per purpose and differs between purposes and keys", () => {
    const ring = parseKeyring(`a:${b64(randomBytes(32))}`);
    const other = parseKeyring(`a:${b64(randomBytes(32))}`);
    expect(deriveSubkey(ring, "links").equals(deriveSubkey(ring, "links"))).toBe(true);
    expect(deriveSubkey(ring, "links").equals(deriveSubkey(ring, "other"))).toBe(false);
    expect(deriveSubkey(ring, "links").equals(deriveSubkey(other, "links"))).toBe(false);
    expect(deriveSubkey(ring, "links").length).toBe(32);
  });
});
