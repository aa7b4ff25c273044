import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import { createS3Storage, type S3StorageOptions } from "@/lib/storage/s3";
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

function syncError(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    return err as StorageError;
  }
  throw new Error("expected a StorageError");
}

/** A TCP port on loopback with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("S3 storage against s3rver", () => {
  let s3: LocalS3Server;
  const options = (over: Partial<S3StorageOptions> = {}): S3StorageOptions => ({
    bucket: "transcripts-bucket",
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    endpoint: s3.endpoint,
    kind: "self_hosted",
    ...over,
  });

  beforeAll(async () => {
    s3 = await startLocalS3Server({ buckets: ["transcripts-bucket"] });
  });
  afterAll(async () => {
    await s3.close();
  });

  it("puts, gets, replaces and deletes (idempotently) an object", async () => {
    const storage = createS3Storage(options());
    expect(storage.kind).toBe("self_hosted");
    await storage.put("acc_1/2026/a.md", "# Transcript: ü\n", "text/markdown; charset=utf-8");
    expect((await storage.get("acc_1/2026/a.md")).toString("utf8")).toBe("# Transcript: ü\n");
    const binary = Buffer.from([0, 1, 2, 250, 255]);
    await storage.put("acc_1/2026/a.md", binary, "application/octet-stream");
    expect((await storage.get("acc_1/2026/a.md")).equals(binary)).toBe(true);
    await storage.delete("acc_1/2026/a.md");
    const missing = await rejection(storage.get("acc_1/2026/a.md"));
    expect(missing.code).toBe("not_found");
    expect(missing.userMessage).toBe('The object "acc_1/2026/a.md" does not exist in bucket "transcripts-bucket"');
    await storage.delete("acc_1/2026/a.md");
    await storage.delete("acc_1/never-written.md");
  });

  it("stores objects under the bucket's prefix, and only there", async () => {
    const prefixed = createS3Storage(options({ bucket: "transcripts-bucket/team-a/records", kind: "hosted" }));
    const whole = createS3Storage(options());
    expect(prefixed.kind).toBe("hosted");
    await prefixed.put("s1.md", "in prefix", "text/markdown");
    expect((await whole.get("team-a/records/s1.md")).toString()).toBe("in prefix");
    expect((await rejection(whole.get("s1.md"))).code).toBe("not_found");
    const link = await prefixed.link("s1.md", { expiresInSeconds: 60 });
    expect(new URL(link.url).pathname).toBe("/transcripts-bucket/team-a/records/s1.md");
    await prefixed.delete("s1.md");
    expect((await rejection(whole.get("team-a/records/s1.md"))).code).toBe("not_found");
  });

  it("refuses keys that would escape the prefix before sending anything", async () => {
    const prefixed = createS3Storage(options({ bucket: "transcripts-bucket/team-a" }));
    const whole = createS3Storage(options());
    await whole.put("team-b/secret.md", "other team", "text/markdown");
    for (const key of ["../team-b/secret.md", "/team-b/secret.md", "x/../../team-b/secret.md", "a\\b", "a\u0000b", "a//b", "", "k".repeat(1020)]) {
      expect((await rejection(prefixed.get(key))).code).toBe("invalid_key");
      expect((await rejection(prefixed.put(key, "x", "text/plain"))).code).toBe("invalid_key");
      expect((await rejection(prefixed.delete(key))).code).toBe("invalid_key");
      expect((await rejection(prefixed.link(key, { expiresInSeconds: 60 }))).code).toBe("invalid_key");
    }
    expect((await whole.get("team-b/secret.md")).toString()).toBe("other team");
  });

  it("links with a presigned URL that downloads the bytes under the given name", async () => {
    const now = new Date();
    const storage = createS3Storage(options({ now: () => now }));
    await storage.put("acc_1/notes.md", "# Notes ü\n", "text/markdown; charset=utf-8");
    const { url, expires } = await storage.link("acc_1/notes.md", { expiresInSeconds: 300, downloadName: "Zoë's notes.md" });
    expect(expires.getTime()).toBe(now.getTime() + 300_000);
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("300");
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toBe(
      `attachment; filename="Zo_'s notes.md"; filename*=UTF-8''Zo%C3%AB%27s%20notes.md`,
    );
    expect(Buffer.from(await answer.arrayBuffer()).toString("utf8")).toBe("# Notes ü\n");

    const plain = await storage.link("acc_1/notes.md", { expiresInSeconds: 60 });
    expect(new URL(plain.url).searchParams.has("response-content-disposition")).toBe(false);
    await expect(storage.link("acc_1/notes.md", { expiresInSeconds: 0 })).rejects.toThrow(RangeError);
    await expect(storage.link("acc_1/notes.md", { expiresInSeconds: 604_801 })).rejects.toThrow(RangeError);
  });

  it("has s3rver refuse a presigned URL once it has expired", async () => {
    const storage = createS3Storage(options());
    await storage.put("acc_1/old.md", "old", "text/markdown");
    // Signed an hour ago for one minute: the link expired 59 minutes ago.
    const signedEarlier = createS3Storage(options({ now: () => new Date(Date.now() - 3_600_000) }));
    const { url, expires } = await signedEarlier.link("acc_1/old.md", { expiresInSeconds: 60 });
    expect(expires.getTime()).toBeLessThan(Date.now());
    const answer = await fetch(url);
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain("Request has expired");
  });

  it("documents what s3rver does NOT check: SigV4 signatures (so a wrong secret or an altered link passes)", async () => {
    // s3rver looks up the access key id but leaves SigV4 signatures unverified; real S3 answers
    // SignatureDoesNotMatch here, which test-connection.test.ts covers against an S3-shaped server.
    const wrongSecret = createS3Storage(options({ secretAccessKey: "not-the-secret" }));
    await wrongSecret.put("acc_1/wrong-secret.md", "accepted", "text/markdown");
    expect((await wrongSecret.get("acc_1/wrong-secret.md")).toString()).toBe("accepted");
    const { url } = await wrongSecret.link("acc_1/wrong-secret.md", { expiresInSeconds: 60 });
    const altered = new URL(url);
    altered.searchParams.set("X-Amz-Signature", "0".repeat(64));
    expect((await fetch(altered)).status).toBe(200);
    await wrongSecret.delete("acc_1/wrong-secret.md");
  });

  it("maps an unknown access key id to access_denied", async () => {
    const storage = createS3Storage(options({ accessKeyId: "AKIAWRONGKEY" }));
    for (const attempt of [() => storage.put("a.md", "x", "text/plain"), () => storage.get("a.md"), () => storage.delete("a.md")]) {
      const err = await rejection(attempt());
      expect(err.code).toBe("access_denied");
      expect(err.userMessage).toBe(`Access denied: the access key id "AKIAWRONGKEY" is not known at ${s3.endpoint}; check the access key id`);
    }
  });

  it("maps a missing bucket to no_such_bucket", async () => {
    const storage = createS3Storage(options({ bucket: "no-such-bucket/prefix" }));
    for (const attempt of [() => storage.put("a.md", "x", "text/plain"), () => storage.get("a.md")]) {
      const err = await rejection(attempt());
      expect(err.code).toBe("no_such_bucket");
      expect(err.userMessage).toBe(`The bucket "no-such-bucket" does not exist at ${s3.endpoint}`);
    }
  });

  it("fails fast with unreachable for a closed port", async () => {
    const port = await closedPort();
    const storage = createS3Storage(options({ endpoint: `http://127.0.0.1:${port}` }));
    const err = await rejection(storage.put("a.md", "x", "text/plain"));
    expect(err.code).toBe("unreachable");
    expect(err.userMessage).toBe(`Could not reach http://127.0.0.1:${port}: connection refused`);
    expect((await rejection(storage.get("a.md"))).code).toBe("unreachable");
  });

  it("gives up with unreachable on an endpoint that accepts connections but never answers", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const storage = createS3Storage(
        options({ endpoint: `http://127.0.0.1:${port}`, network: { idleTimeoutMs: 300, maxAttempts: 1 } }),
      );
      const err = await rejection(storage.get("a.md"));
      expect(err.code).toBe("unreachable");
      expect(err.userMessage).toBe(`Could not reach http://127.0.0.1:${port}: timed out`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("refuses unusable settings with invalid_config before any request", () => {
    const cases: [Partial<S3StorageOptions>, RegExp][] = [
      [{ bucket: "Bad_Bucket" }, /bucket name "Bad_Bucket" is not valid/],
      [{ bucket: "ok-bucket/../x" }, /"\.\." path segment/],
      [{ region: "" }, /region "" is not valid/],
      [{ region: "EU West" }, /region "EU West" is not valid/],
      [{ accessKeyId: "" }, /access key id is missing/],
      [{ accessKeyId: "AKIA WITH SPACE" }, /access key id/],
      [{ secretAccessKey: "" }, /secret access key is missing/],
      [{ endpoint: "not a url" }, /endpoint "not a url" is not a URL/],
      [{ endpoint: "ftp://127.0.0.1" }, /must start with https:\/\/ or http:\/\//],
      [{ endpoint: "http://user:pw@127.0.0.1" }, /without credentials/],
    ];
    for (const [over, message] of cases) {
      const err = syncError(() => createS3Storage(options(over)));
      expect(err.code).toBe("invalid_config");
      expect(err.userMessage).toMatch(message);
    }
  });
});

describe("checksums per destination (a bucket with Object Lock)", () => {
  /** A bucket with Object Lock on loopback: like S3, it refuses a PutObject that carries no Content-MD5 or checksum. */
  async function objectLockBucket() {
    const uploads: Record<string, string | string[] | undefined>[] = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.method !== "PUT") return void res.writeHead(405).end();
        uploads.push(req.headers);
        const checksummed = "content-md5" in req.headers || Object.keys(req.headers).some((h) => h.startsWith("x-amz-checksum-"));
        if (checksummed) return void res.writeHead(200, { ETag: '"etag"' }).end();
        res.writeHead(400, { "Content-Type": "application/xml" }).end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidRequest</Code><Message>Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters</Message></Error>',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    return { uploads, endpoint, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  const storage = (endpoint: string, checksumMode?: "whenRequired" | "whenSupported") =>
    createS3Storage({ kind: "self_hosted", bucket: "locked", region: "us-east-1", accessKeyId: "AKIALOCKED", secretAccessKey: "secret", endpoint, checksumMode });

  it("by default sends no checksum (S3-compatible stores refuse them), which such a bucket refuses", async () => {
    const bucket = await objectLockBucket();
    try {
      const err = await rejection(storage(bucket.endpoint).put("a.md", Buffer.from("# Transcript\n"), "text/markdown"));
      expect(err.message).toMatch(/Object Lock|InvalidRequest|checksum/i);
      expect(bucket.uploads.length).toBeGreaterThan(0);
      expect(Object.keys(bucket.uploads[0]).filter((h) => h.startsWith("x-amz-checksum-"))).toEqual([]);
    } finally {
      await bucket.close();
    }
  });

  it('with checksumMode "whenSupported" every upload carries a checksum and the bucket takes it', async () => {
    const bucket = await objectLockBucket();
    try {
      await storage(bucket.endpoint, "whenSupported").put("a.md", Buffer.from("# Transcript\n"), "text/markdown");
      expect(bucket.uploads).toHaveLength(1);
      expect(Object.keys(bucket.uploads[0]).some((h) => h.startsWith("x-amz-checksum-"))).toBe(true);
    } finally {
      await bucket.close();
    }
  });
});
