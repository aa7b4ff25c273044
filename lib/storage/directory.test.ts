import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  contentTypeForKey,
  createDirectoryStorage,
  readDirectoryLink,
  verifyDirectoryLink,
} from "@/lib/storage/directory";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { StorageError } from "@/lib/storage/storage-error";

async function rejection(p: Promise<unknown>): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error("expected a StorageError");
}

describe("directory storage", () => {
  let tmp: string;
  let root: string;
  let storage: ObjectStorage;
  const signingKey = randomBytes(32);
  const fixedNow = new Date("2026-12-01T10:00:00.000Z");

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-dir-storage-"));
    root = path.join(tmp, "transcripts");
    storage = createDirectoryStorage({ root, publicBaseUrl: "https://verbatim.example.com/", signingKey, now: () => fixedNow });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("puts, gets, replaces and deletes objects as private files", async () => {
    expect(storage.kind).toBe("hosted");
    await storage.put("acc_1/2026/sales.md", "# Transcript: sales\n", "text/markdown");
    const file = path.join(root, "acc_1", "2026", "sales.md");
    expect(fs.readFileSync(file, "utf8")).toBe("# Transcript: sales\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(root, "acc_1")).mode & 0o777).toBe(0o700);

    await storage.put("acc_1/2026/sales.md", Buffer.from([0, 1, 2, 255]), "application/octet-stream");
    expect([...(await storage.get("acc_1/2026/sales.md"))]).toEqual([0, 1, 2, 255]);
    // The atomic write leaves no temporary files behind.
    expect(fs.readdirSync(path.join(root, "acc_1", "2026"))).toEqual(["sales.md"]);

    await storage.delete("acc_1/2026/sales.md");
    expect(fs.existsSync(file)).toBe(false);
    await storage.delete("acc_1/2026/sales.md");
    await storage.delete("never/existed.md");
    // A "folder" holding other keys is not an object; deleting it by name changes nothing.
    await storage.put("acc_2/a.md", "x", "text/markdown");
    await storage.delete("acc_2");
    expect((await storage.get("acc_2/a.md")).toString()).toBe("x");
  });

  it("answers not_found for a missing object", async () => {
    const err = await rejection(storage.get("acc_1/missing.md"));
    expect(err.code).toBe("not_found");
    expect(err.userMessage).toContain("acc_1/missing.md");
    await storage.put("acc_1/file.md", "x", "text/markdown");
    expect((await rejection(storage.get("acc_1/file.md/below.md"))).code).toBe("not_found");
    expect((await rejection(storage.get("acc_1"))).code).toBe("not_found");
  });

  it("refuses a key that clashes with an existing object", async () => {
    await storage.put("acc_1/file.md", "x", "text/markdown");
    expect((await rejection(storage.put("acc_1/file.md/below.md", "y", "text/markdown"))).code).toBe("invalid_key");
  });

  it("refuses keys that would escape the root, and touches nothing outside it", async () => {
    const outside = path.join(tmp, "outside.md");
    fs.writeFileSync(outside, "keep");
    for (const key of ["../outside.md", "a/../../outside.md", `${outside}`, "a\\..\\..\\outside.md", "a/\u0000.md", "a//b.md", ""]) {
      expect((await rejection(storage.put(key, "pwned", "text/plain"))).code).toBe("invalid_key");
      expect((await rejection(storage.get(key))).code).toBe("invalid_key");
      expect((await rejection(storage.delete(key))).code).toBe("invalid_key");
      expect((await rejection(storage.link(key, { expiresInSeconds: 60 }))).code).toBe("invalid_key");
    }
    expect(fs.readFileSync(outside, "utf8")).toBe("keep");
  });

  it("links to the app route with a signature that verifies until it expires", async () => {
    const { url, expires } = await storage.link("acc_1/2026/sales q1.md", { expiresInSeconds: 3600, downloadName: "sales q1.md" });
    expect(expires.toISOString()).toBe("2026-12-01T11:00:00.000Z");
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe("https://verbatim.example.com/api/files/acc_1/2026/sales%20q1.md");
    expect(parsed.searchParams.get("expires")).toBe(String(expires.getTime()));
    expect(parsed.searchParams.get("sig")).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.searchParams.get("name")).toBe("sales q1.md");

    const args = {
      key: "acc_1/2026/sales q1.md",
      expires: parsed.searchParams.get("expires")!,
      sig: parsed.searchParams.get("sig")!,
      downloadName: "sales q1.md",
      signingKey,
    };
    expect(verifyDirectoryLink({ ...args, now: fixedNow })).toBe("ok");
    expect(verifyDirectoryLink({ ...args, now: new Date(expires.getTime() - 1) })).toBe("ok");
    expect(verifyDirectoryLink({ ...args, now: expires })).toBe("expired");
    expect(verifyDirectoryLink({ ...args, now: new Date(expires.getTime() + 60_000) })).toBe("expired");

    expect(readDirectoryLink(url, signingKey, fixedNow)).toEqual({ check: "ok", key: args.key, downloadName: "sales q1.md" });
    expect(readDirectoryLink(url, signingKey, expires).check).toBe("expired");
  });

  it("refuses tampered links", async () => {
    const { url } = await storage.link("acc_1/a.md", { expiresInSeconds: 60 });
    const sig = new URL(url).searchParams.get("sig")!;
    const expires = new URL(url).searchParams.get("expires")!;
    const base = { key: "acc_1/a.md", expires, sig, signingKey, now: fixedNow };
    expect(verifyDirectoryLink(base)).toBe("ok");
    expect(verifyDirectoryLink({ ...base, key: "acc_2/a.md" })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, expires: String(Number(expires) + 3_600_000) })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, sig: sig.replace(/^./, (c) => (c === "0" ? "1" : "0")) })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, sig: sig.slice(0, 63) })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, sig: sig.toUpperCase() })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, expires: "12abc" })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, expires: "-1" })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, downloadName: "other.md" })).toBe("bad_signature");
    expect(verifyDirectoryLink({ ...base, signingKey: randomBytes(32) })).toBe("bad_signature");

    const tampered = new URL(url);
    tampered.pathname = tampered.pathname.replace("acc_1", "acc_2");
    expect(readDirectoryLink(tampered, signingKey, fixedNow)).toEqual({ check: "bad_signature" });
    const renamed = new URL(url);
    renamed.searchParams.set("name", "evil.html");
    expect(readDirectoryLink(renamed, signingKey, fixedNow).check).toBe("bad_signature");
    const escaping = new URL(url);
    escaping.pathname = "/api/files/acc_1/%2E%2E/%2E%2E/etc/passwd";
    expect(readDirectoryLink(escaping, signingKey, fixedNow)).toEqual({ check: "bad_signature" });
    expect(readDirectoryLink("https://verbatim.example.com/api/files/acc_1/a.md", signingKey, fixedNow).check).toBe("bad_signature");
    expect(readDirectoryLink("https://verbatim.example.com/other/acc_1/a.md?expires=1&sig=00", signingKey).check).toBe("bad_signature");
  });

  it("refuses link lifetimes outside 1 second to 7 days and a short signing key", async () => {
    await expect(storage.link("a.md", { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(storage.link("a.md", { expiresInSeconds: 1.5 })).rejects.toThrow(RangeError);
    await expect(storage.link("a.md", { expiresInSeconds: 7 * 24 * 3600 + 1 })).rejects.toThrow(RangeError);
    expect(() => createDirectoryStorage({ root, publicBaseUrl: "http://x", signingKey: randomBytes(16) })).toThrow(/at least 32 bytes/);
  });

  it("serves a link end to end over HTTP the way the app route will", async () => {
    const http = await import("node:http");
    await storage.put("acc_1/notes.md", "# Notes\n", "text/markdown");
    const server = http.createServer(async (req, res) => {
      const check = readDirectoryLink(new URL(req.url!, "http://127.0.0.1"), signingKey, fixedNow);
      if (check.check !== "ok") {
        res.writeHead(check.check === "expired" ? 410 : 403).end(check.check);
        return;
      }
      const body = await storage.get(check.key!);
      res.writeHead(200, { "content-type": contentTypeForKey(check.key!) }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const local = createDirectoryStorage({ root, publicBaseUrl: `http://127.0.0.1:${port}`, signingKey, now: () => fixedNow });
      const { url } = await local.link("acc_1/notes.md", { expiresInSeconds: 60 });
      const ok = await fetch(url);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
      expect(await ok.text()).toBe("# Notes\n");
      expect((await fetch(url.replace("notes.md", "other.md"))).status).toBe(403);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("contentTypeForKey", () => {
  it("knows the transcript formats", () => {
    expect(contentTypeForKey("a/b.MD")).toBe("text/markdown; charset=utf-8");
    expect(contentTypeForKey("a/b.vtt")).toBe("text/vtt; charset=utf-8");
    expect(contentTypeForKey("a/b.json")).toBe("application/json");
    expect(contentTypeForKey("a/b.txt")).toBe("text/plain; charset=utf-8");
    expect(contentTypeForKey("a/b")).toBe("application/octet-stream");
  });
});
