import http from "node:http";
import net from "node:net";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import type { S3Config } from "@/lib/storage/s3";
import { probeFolder, testS3Connection } from "@/lib/storage/test-connection";

/**
 * An S3-shaped HTTP server on loopback that answers with the exact status codes, headers and XML error bodies
 * AWS S3 sends for failures s3rver cannot produce (wrong region, bad signature, a key that may only write).
 */
async function startAwsShapedServer(answer: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string>; code: string; extra?: string } | undefined) {
  const objects = new Map<string, Buffer>();
  const seen: string[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url!, "http://127.0.0.1").pathname;
    seen.push(`${req.method} ${path}`);
    const failure = answer(req);
    if (failure) {
      res.writeHead(failure.status, { "content-type": "application/xml", ...failure.headers });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${failure.code} message</Message>${failure.extra ?? ""}<RequestId>R1</RequestId><HostId>H1</HostId></Error>`,
      );
      return;
    }
    if (req.method === "PUT") {
      objects.set(path, Buffer.concat(chunks));
      res.writeHead(200, { etag: '"e"' }).end();
    } else if (req.method === "GET") {
      const body = objects.get(path);
      if (!body) {
        res.writeHead(404, { "content-type": "application/xml" }).end("<Error><Code>NoSuchKey</Code><Message>x</Message></Error>");
      } else {
        res.writeHead(200, { "content-type": "text/plain", "content-length": String(body.length) }).end(body);
      }
    } else if (req.method === "DELETE") {
      objects.delete(path);
      res.writeHead(204).end();
    } else {
      res.writeHead(405).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    objects,
    seen,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const awsConfig = (endpoint: string, over: Partial<S3Config> = {}): S3Config => ({
  bucket: "customer-bucket/transcripts",
  region: "eu-west-1",
  accessKeyId: "AKIAEXAMPLE",
  secretAccessKey: "secret-example",
  endpoint,
  ...over,
});

describe("testS3Connection against s3rver", () => {
  let s3: LocalS3Server;
  const config = (over: Partial<S3Config> = {}): S3Config => ({
    bucket: "probe-bucket/team a",
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    endpoint: s3.endpoint,
    ...over,
  });

  beforeAll(async () => {
    s3 = await startLocalS3Server({ buckets: ["probe-bucket"] });
  });
  afterAll(async () => {
    await s3.close();
  });

  it("writes, reads back and deletes a probe under the prefix, leaving nothing behind", async () => {
    expect(await testS3Connection(config())).toEqual({ ok: true });
    const client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: "probe-bucket" }));
    expect(listed.Contents ?? []).toEqual([]);
    client.destroy();
  });

  it("reports a missing bucket at the write step", async () => {
    expect(await testS3Connection(config({ bucket: "missing-bucket" }))).toEqual({
      ok: false,
      step: "write",
      code: "no_such_bucket",
      message: `The bucket "missing-bucket" does not exist at ${s3.endpoint}`,
    });
  });

  it("reports an unknown access key id", async () => {
    const result = await testS3Connection(config({ accessKeyId: "AKIANOTKNOWN" }));
    expect(result).toEqual({
      ok: false,
      step: "write",
      code: "access_denied",
      message: `Access denied: the access key id "AKIANOTKNOWN" is not known at ${s3.endpoint}; check the access key id`,
    });
  });

  it("reports an unreachable endpoint", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect(await testS3Connection(config({ endpoint: `http://127.0.0.1:${port}` }))).toEqual({
      ok: false,
      step: "write",
      code: "unreachable",
      message: `Could not reach http://127.0.0.1:${port}: connection refused`,
    });
  });

  it("reports unusable settings without sending anything", async () => {
    expect(await testS3Connection(config({ bucket: "Not_A_Bucket" }))).toMatchObject({
      ok: false,
      step: "write",
      code: "invalid_config",
      message: expect.stringContaining('The bucket name "Not_A_Bucket" is not valid'),
    });
    expect(await testS3Connection(config({ region: "" }))).toMatchObject({ ok: false, code: "invalid_config" });
    expect(await testS3Connection(config({ endpoint: "localhost:9000" }))).toMatchObject({ ok: false, code: "invalid_config" });
  });

  it("never puts the secret in a failure message", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    for (const over of [{ accessKeyId: "AKIANOTKNOWN" }, { bucket: "missing-bucket" }, { region: "bad region" }]) {
      const result = await testS3Connection(config({ ...over, secretAccessKey: secret }));
      expect(JSON.stringify(result)).not.toContain(secret);
    }
  });
});

describe("testS3Connection against AWS-shaped failures", () => {
  it("explains a wrong region from a 301 PermanentRedirect and the bucket region header", async () => {
    const server = await startAwsShapedServer(() => ({
      status: 301,
      headers: { "x-amz-bucket-region": "eu-central-1" },
      code: "PermanentRedirect",
      extra: "<Endpoint>customer-bucket.s3.eu-central-1.amazonaws.com</Endpoint><Bucket>customer-bucket</Bucket>",
    }));
    try {
      expect(await testS3Connection(awsConfig(server.endpoint))).toEqual({
        ok: false,
        step: "write",
        code: "wrong_region",
        message: 'The bucket "customer-bucket" is in region eu-central-1, not eu-west-1: change the region to eu-central-1',
      });
    } finally {
      await server.close();
    }
  });

  it("explains a wrong region from AuthorizationHeaderMalformed with the expected region in the body", async () => {
    const server = await startAwsShapedServer(() => ({
      status: 400,
      code: "AuthorizationHeaderMalformed",
      extra: "<Region>us-east-2</Region>",
    }));
    try {
      expect(await testS3Connection(awsConfig(server.endpoint))).toMatchObject({
        ok: false,
        step: "write",
        code: "wrong_region",
        message: 'The bucket "customer-bucket" is in region us-east-2, not eu-west-1: change the region to us-east-2',
      });
    } finally {
      await server.close();
    }
  });

  it("explains a wrong secret (SignatureDoesNotMatch)", async () => {
    const server = await startAwsShapedServer(() => ({ status: 403, code: "SignatureDoesNotMatch" }));
    try {
      expect(await testS3Connection(awsConfig(server.endpoint))).toEqual({
        ok: false,
        step: "write",
        code: "access_denied",
        message: "Access denied: the secret access key does not match the access key id; check the secret",
      });
    } finally {
      await server.close();
    }
  });

  it("names the read step for a key that may write but not read, and removes the probe", async () => {
    const server = await startAwsShapedServer((req) => (req.method === "GET" ? { status: 403, code: "AccessDenied" } : undefined));
    try {
      expect(await testS3Connection(awsConfig(server.endpoint))).toEqual({
        ok: false,
        step: "read",
        code: "access_denied",
        message:
          'Access denied: check the access key id and secret, and that this key may write, read and delete objects in bucket "customer-bucket"',
      });
      expect(server.seen.map((s) => s.split(" ")[0])).toEqual(["PUT", "GET", "DELETE"]);
      expect(server.seen[0]).toMatch(new RegExp(`^PUT /customer-bucket/transcripts/${probeFolder}/[^/]+\\.txt$`));
      expect(server.objects.size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("names the delete step for a key that may not delete", async () => {
    const server = await startAwsShapedServer((req) => (req.method === "DELETE" ? { status: 403, code: "AccessDenied" } : undefined));
    try {
      expect(await testS3Connection(awsConfig(server.endpoint))).toMatchObject({ ok: false, step: "delete", code: "access_denied" });
    } finally {
      await server.close();
    }
  });

  it("notices a store that changes the bytes it was given", async () => {
    const server = await startAwsShapedServer(() => undefined);
    const original = server.objects.set.bind(server.objects);
    server.objects.set = (key, value) => original(key, Buffer.concat([Buffer.from("4;chunk-signature=0\r\n"), value]));
    try {
      const result = await testS3Connection(awsConfig(server.endpoint));
      expect(result).toMatchObject({ ok: false, step: "read", code: "unknown" });
      expect(result.ok === false && result.message).toMatch(/differs from the one written .* the store altered it/);
      expect(server.objects.size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("reports an unknown answer with its status", async () => {
    const server = await startAwsShapedServer(() => ({ status: 500, code: "InternalError" }));
    try {
      const result = await testS3Connection(awsConfig(server.endpoint), { network: { maxAttempts: 1 } });
      expect(result).toMatchObject({ ok: false, step: "write", code: "unknown" });
      expect(result.ok === false && result.message).toContain(`The storage service at ${server.endpoint} failed: InternalError, HTTP 500`);
    } finally {
      await server.close();
    }
  });
});
