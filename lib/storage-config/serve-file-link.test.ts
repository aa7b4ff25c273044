import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { hostedDirectory } from "@/lib/storage/hosted";
import { fileLinkSigningKey, hostedStorage } from "./storage-for";
import { serveFileLink } from "./serve-file-link";

const savedEnv = { ...process.env };
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-files-"));
  for (const name of Object.keys(process.env)) if (name.startsWith("VERBATIM_HOSTED_S3_")) delete process.env[name];
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_PUBLIC_URL = "https://verbatim.example.com";
  process.env.VERBATIM_ENCRYPTION_KEYS = `f1:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

const serve = (url: string, extra: { now?: Date; method?: "GET" | "HEAD" } = {}) =>
  serveFileLink(url, { storage: hostedStorage(), signingKey: fileLinkSigningKey(), ...extra });

describe("the hosted file link route", () => {
  const key = "acct-1/sales room-2026-12-01T10:00:00.000Z.md";
  const body = "# Transcript: Sales\n\n**[00:00:03] Ana:** Good morning.\n";

  it("stores hosted files under the data directory and serves a fresh link with its name and type", async () => {
    await hostedStorage().put(key, body, "text/markdown");
    expect(fs.readFileSync(path.join(hostedDirectory(dataDir), ...key.split("/")), "utf8")).toBe(body);
    const { url } = await hostedStorage().link(key, { expiresInSeconds: 60, downloadName: "sales “room”.md" });
    expect(url.startsWith("https://verbatim.example.com/api/files/acct-1/")).toBe(true);

    const res = await serve(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body);
    expect(res.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="sales _room_.md"; filename*=UTF-8''sales%20%E2%80%9Croom%E2%80%9D.md`);
    expect(res.headers.get("cache-control")).toBe("private, no-store");

    const head = await serve(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe("");
  });

  it("answers 410 once the link has expired", async () => {
    const { url, expires } = await hostedStorage().link(key, { expiresInSeconds: 60 });
    const res = await serve(url, { now: new Date(expires.getTime()) });
    expect(res.status).toBe(410);
    expect(await res.text()).toMatch(/expired/);
    expect((await serve(url, { now: new Date(expires.getTime() - 1) })).status).toBe(200);
  });

  it("answers 403 for altered, foreign or incomplete links", async () => {
    const { url } = await hostedStorage().link(key, { expiresInSeconds: 60, downloadName: "a.md" });
    const u = new URL(url);
    const variants: string[] = [];
    const sig = u.searchParams.get("sig")!;
    const withParam = (name: string, value: string | null) => {
      const copy = new URL(u);
      if (value === null) copy.searchParams.delete(name);
      else copy.searchParams.set(name, value);
      return copy.toString();
    };
    variants.push(withParam("sig", sig.slice(0, -1) + (sig.endsWith("0") ? "1" : "0")));
    variants.push(withParam("expires", String(Number(u.searchParams.get("expires")) + 1000)));
    variants.push(withParam("name", "b.md"));
    variants.push(withParam("name", null));
    variants.push(withParam("sig", null));
    variants.push(withParam("sig", "zz"));
    variants.push(url.replace("acct-1/", "acct-2/"));
    variants.push(url.replace("acct-1/", "acct-1%2F..%2F"));
    for (const variant of variants) {
      const res = await serve(variant);
      expect(res.status, variant).toBe(403);
      expect(await res.text()).toBe("This download link is not valid.\n");
    }
  });

  it("answers 404 when a validly signed file was deleted", async () => {
    const { url } = await hostedStorage().link(key, { expiresInSeconds: 60 });
    await hostedStorage().delete(key);
    const res = await serve(url);
    expect(res.status).toBe(404);
  });

  it("signs links with a key derived from the keyring, so another keyring's links are refused", async () => {
    const { url } = await hostedStorage().link("x/y.txt", { expiresInSeconds: 60 });
    const res = await serveFileLink(url, { storage: hostedStorage(), signingKey: randomBytes(32) });
    expect(res.status).toBe(403);
  });
});
