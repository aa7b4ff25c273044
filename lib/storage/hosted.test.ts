import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHostedStorage, hostedDirectory, hostedS3FromEnv } from "@/lib/storage/hosted";
import { startLocalS3Server } from "@/lib/storage/local-s3-server";
import { createS3Storage } from "@/lib/storage/s3";

describe("createHostedStorage", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-hosted-"));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("uses <dataDir>/transcripts by default, with app-route links", async () => {
    const storage = createHostedStorage({ dataDir, publicBaseUrl: "http://localhost:3000", signingKey: randomBytes(32) });
    expect(storage.kind).toBe("hosted");
    await storage.put("acc_1/s1.md", "# hosted", "text/markdown");
    expect(hostedDirectory(dataDir)).toBe(path.join(dataDir, "transcripts"));
    expect(fs.readFileSync(path.join(dataDir, "transcripts", "acc_1", "s1.md"), "utf8")).toBe("# hosted");
    const { url } = await storage.link("acc_1/s1.md", { expiresInSeconds: 60 });
    expect(url).toMatch(/^http:\/\/localhost:3000\/api\/files\/acc_1\/s1\.md\?expires=\d+&sig=[0-9a-f]{64}$/);
  });

  it("uses the operator's bucket when S3 settings are given", async () => {
    const s3 = await startLocalS3Server({ buckets: ["operator-bucket"] });
    try {
      const s3Config = {
        bucket: "operator-bucket/hosted",
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        endpoint: s3.endpoint,
      };
      const storage = createHostedStorage({ dataDir, publicBaseUrl: "http://localhost:3000", signingKey: randomBytes(32), s3: s3Config });
      expect(storage.kind).toBe("hosted");
      await storage.put("acc_1/s1.md", "# in the bucket", "text/markdown");
      expect(fs.existsSync(hostedDirectory(dataDir))).toBe(false);
      const whole = createS3Storage({ ...s3Config, bucket: "operator-bucket", kind: "hosted" });
      expect((await whole.get("hosted/acc_1/s1.md")).toString()).toBe("# in the bucket");
      const { url } = await storage.link("acc_1/s1.md", { expiresInSeconds: 60 });
      expect(url.startsWith(`${s3.endpoint}/operator-bucket/hosted/acc_1/s1.md?`)).toBe(true);
      expect(await (await fetch(url)).text()).toBe("# in the bucket");
    } finally {
      await s3.close();
    }
  });
});

describe("hostedS3FromEnv", () => {
  const full = {
    VERBATIM_HOSTED_S3_BUCKET: "ops-bucket/prefix",
    VERBATIM_HOSTED_S3_REGION: "eu-west-1",
    VERBATIM_HOSTED_S3_ACCESS_KEY_ID: "AKIA",
    VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: "secret",
  };

  it("reads the four settings and the optional endpoint", () => {
    expect(hostedS3FromEnv(full)).toEqual({
      bucket: "ops-bucket/prefix",
      region: "eu-west-1",
      accessKeyId: "AKIA",
      secretAccessKey: "secret",
      endpoint: undefined,
    });
    expect(hostedS3FromEnv({ ...full, VERBATIM_HOSTED_S3_ENDPOINT: "http://127.0.0.1:9000" })?.endpoint).toBe("http://127.0.0.1:9000");
  });

  it("means the directory backend when the settings are absent or incomplete", () => {
    expect(hostedS3FromEnv({})).toBeUndefined();
    expect(hostedS3FromEnv({ ...full, VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: "" })).toBeUndefined();
  });
});
