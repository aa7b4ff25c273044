import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseKeyring, type Keyring } from "@/lib/crypto/keyring";
import { openSecret, sealSecret, SealError } from "@/lib/crypto/seal";

const ring = (...kids: string[]): Keyring => parseKeyring(kids.map((k) => `${k}:${randomBytes(32).toString("base64")}`).join(","));

function sealError(fn: () => unknown): SealError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SealError);
    return err as SealError;
  }
  throw new Error("expected a SealError");
}

describe("sealSecret / openSecret", () => {
  it("round-trips, including empty and non-ASCII text", () => {
    const keys = ring("k1");
    for (const text of ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "pässwörd 🔑"]) {
      const sealed = sealSecret(text, keys);
      expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
      expect(sealed).not.toContain(text || "\u0000");
      expect(openSecret(sealed, keys)).toBe(text);
    }
  });

  it("uses a fresh nonce each time", () => {
    const keys = ring("k1");
    expect(sealSecret("same", keys)).not.toBe(sealSecret("same", keys));
  });

  it("opens values sealed under an older key after rotation and seals new ones with the current key", () => {
    const old = ring("old");
    const sealedBefore = sealSecret("secret", old);
    const rotated = parseKeyring(
      `new:${randomBytes(32).toString("base64")},old:${old.keys.get("old")!.toString("base64")}`,
    );
    expect(openSecret(sealedBefore, rotated)).toBe("secret");
    const sealedAfter = sealSecret("secret", rotated);
    // A sealed value reads "v1.<key id>.<iv>.<tag>.<ciphertext>".
    expect(sealedAfter.split(".")[1]).toBe("new");
    expect(sealedBefore.split(".")[1]).toBe("old");
    expect(openSecret(sealedAfter, rotated)).toBe("secret");
  });

  it("names the unknown key id", () => {
    const sealed = sealSecret("secret", ring("gone"));
    const err = sealError(() => openSecret(sealed, ring("k1", "k2")));
    expect(err.code).toBe("unknown_key");
    expect(err.message).toContain('sealed with key "gone"');
    expect(err.message).toContain('"k1", "k2"');
  });

  it("detects tampering with any part", () => {
    const keys = ring("k1");
    const sealed = sealSecret("a secret value", keys);
    const parts = sealed.split(".");
    const flip = (s: string) => {
      const buf = Buffer.from(s, "base64url");
      buf[0] ^= 1;
      return buf.toString("base64url");
    };
    for (const index of [2, 3, 4]) {
      const altered = [...parts];
      altered[index] = flip(altered[index]);
      const err = sealError(() => openSecret(altered.join("."), keys));
      expect(err.code).toBe("tampered");
      expect(err.message).toContain("altered");
    }
  });

  it("fails when the same kid now holds a different key", () => {
    const sealed = sealSecret("secret", ring("k1"));
    expect(sealError(() => openSecret(sealed, ring("k1"))).code).toBe("tampered");
  });

  it("binds the value to its associated data", () => {
    const keys = ring("k1");
    const sealed = sealSecret("secret", keys, "account:1");
    expect(openSecret(sealed, keys, "account:1")).toBe("secret");
    expect(sealError(() => openSecret(sealed, keys, "account:2")).code).toBe("tampered");
    expect(sealError(() => openSecret(sealed, keys)).code).toBe("tampered");
    const unbound = sealSecret("secret", keys);
    expect(sealError(() => openSecret(unbound, keys, "account:1")).code).toBe("tampered");
  });

  it.each(["", "plain text", "v2.k1.a.b.c", "v1.k1.AAAA.AAAA", "v1..AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.", "v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA", "v1.k1.!!!.AAAA.AAAA"])(
    "refuses the malformed value %j",
    (value) => {
      const err = sealError(() => openSecret(value, ring("k1")));
      expect(err.code).toBe("malformed");
    },
  );
});
