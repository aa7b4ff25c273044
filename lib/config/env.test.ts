import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, linksReachOnlyThisMachine, parseEnv } from "./env";
import { loadOrCreateSecret } from "./secrets";

describe("configuration from the environment", () => {
  it("applies the documented defaults", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.dataDir).toBe(path.resolve("./data"));
    expect(env.publicUrl).toBe("http://localhost:3000");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.VERBATIM_RATE_LIMIT_POINTS).toBe(1000);
    expect(env.VERBATIM_WEBHOOK_ALLOW_PRIVATE).toBe(false);
  });

  it("names every bad setting in one clear message", () => {
    let message = "";
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", AUTH_SECRET: "short", VERBATIM_PUBLIC_URL: "not a url" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain("PORT:");
    expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// URL");
    expect(message).toContain("AUTH_SECRET: must be at least 32 characters");
    expect(message).toContain("VERBATIM_PUBLIC_URL:");
  });

  it("reads the OpenAI-compatible transcription settings, naming an unknown language or a bad path", () => {
    const defaults = parseEnv({});
    expect(defaults.VERBATIM_TRANSCRIBE_LANGUAGES).toHaveLength(36);
    expect(defaults).toMatchObject({ VERBATIM_TRANSCRIBE_MODEL: "whisper-1", VERBATIM_TRANSCRIBE_PATH: "/audio/transcriptions", VERBATIM_TRANSCRIBE_CONCURRENCY: 4, VERBATIM_TRANSCRIBE_INTERIM: false });
    const set = parseEnv({ VERBATIM_TRANSCRIBE_LANGUAGES: " en, de,zh-TW ", VERBATIM_TRANSCRIBE_PATH: "/inference", VERBATIM_TRANSCRIBE_INTERIM: "1" });
    expect(set).toMatchObject({ VERBATIM_TRANSCRIBE_LANGUAGES: ["en", "de", "zh-TW"], VERBATIM_TRANSCRIBE_PATH: "/inference", VERBATIM_TRANSCRIBE_INTERIM: true });
    expect(() => parseEnv({ VERBATIM_TRANSCRIBE_LANGUAGES: "en,klingon" })).toThrow(/VERBATIM_TRANSCRIBE_LANGUAGES: unknown language codes: klingon/);
    expect(() => parseEnv({ VERBATIM_TRANSCRIBE_PATH: "inference" })).toThrow(/VERBATIM_TRANSCRIBE_PATH: must be a path starting with \//);
    expect(() => parseEnv({ VERBATIM_TRANSCRIBE_BASE_URL: "api.openai.com" })).toThrow(/VERBATIM_TRANSCRIBE_BASE_URL/);
  });

  it("reads the upload retry schedule (about 19 minutes by default) and names a bad one", () => {
    expect(parseEnv({}).VERBATIM_UPLOAD_RETRY_DELAYS_MS).toEqual([2_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000]);
    expect(parseEnv({ VERBATIM_UPLOAD_RETRY_DELAYS_MS: " 1000, 1500 " }).VERBATIM_UPLOAD_RETRY_DELAYS_MS).toEqual([1000, 1500]);
    for (const bad of ["1s,2s", "50", "1000,-5", "1.5"]) {
      expect(() => parseEnv({ VERBATIM_UPLOAD_RETRY_DELAYS_MS: bad }), bad).toThrow(/VERBATIM_UPLOAD_RETRY_DELAYS_MS: list up to 50 waits in milliseconds/);
    }
  });

  it("says when links would reach only this machine: no public URL and a loopback fallback", () => {
    expect(linksReachOnlyThisMachine(parseEnv({}))).toBe(true);
    expect(linksReachOnlyThisMachine(parseEnv({ VERBATIM_PUBLIC_URL: "https://verbatim.example.com" }))).toBe(false);
    // Set on purpose, even to loopback (the tests do): the operator chose it.
    expect(linksReachOnlyThisMachine(parseEnv({ VERBATIM_PUBLIC_URL: "http://127.0.0.1:3000" }))).toBe(false);
  });

  it("wants all of the hosted S3 settings or none", () => {
    expect(() => parseEnv({ VERBATIM_HOSTED_S3_BUCKET: "b" })).toThrow(/set all of BUCKET, REGION, ACCESS_KEY_ID and SECRET_ACCESS_KEY, or none/);
  });

  it("treats an empty DATABASE_URL as unset, and honours PORT, the data dir and the public URL", () => {
    const env = parseEnv({ DATABASE_URL: "", PORT: "4000", VERBATIM_DATA_DIR: "/tmp/x", VERBATIM_PUBLIC_URL: "https://v.example.com/" });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.publicUrl).toBe("https://v.example.com");
    expect(env.dataDir).toBe("/tmp/x");
  });

  it("generates a secret once into the data dir, private to the owner, and keeps it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-secrets-"));
    const first = loadOrCreateSecret(dir, "auth-secret");
    expect(first.length).toBeGreaterThanOrEqual(43);
    expect(loadOrCreateSecret(dir, "auth-secret")).toBe(first);
    expect(fs.statSync(path.join(dir, "secrets", "auth-secret")).mode & 0o777).toBe(0o600);
    fs.rmSync(dir, { recursive: true });
  });
});
