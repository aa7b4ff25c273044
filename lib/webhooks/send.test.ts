import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendWebhook } from "@/lib/webhooks/send";
import { verifyWebhookSignature } from "@/lib/webhooks/sign";

type Received = { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string };
type TestServer = { url: string; port: number; connections: () => number; received: Received[]; closedRequests: Promise<void>[] };

const servers: http.Server[] = [];

async function startServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  host = "127.0.0.1",
): Promise<TestServer> {
  const received: Received[] = [];
  const closedRequests: Promise<void>[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    closedRequests.push(new Promise((resolve) => res.on("close", () => resolve())));
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res);
    });
  });
  server.on("connection", () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}/hook?x=1`, port, connections: () => connections, received, closedRequests };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const secret = "whsec_send-test-secret";
const body = JSON.stringify({ id: "f".repeat(64), apiVersion: "1.0", type: "room.session.started", data: {} });

describe("sendWebhook", () => {
  it("POSTs the signed body with the contract headers and reports a 2xx", async () => {
    const receiver = await startServer((_req, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("thanks"));
    const result = await sendWebhook({
      url: receiver.url,
      body,
      secrets: [secret, "whsec_old"],
      headers: { "X-Delivery-Attempt": "3" },
      allowPrivate: true,
    });
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "thanks" });
    expect(result.error).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const [got] = receiver.received;
    expect(got.method).toBe("POST");
    expect(got.url).toBe("/hook?x=1");
    expect(got.body).toBe(body);
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["user-agent"]).toBe("Verbatim-Webhooks/1.0");
    expect(got.headers["x-delivery-attempt"]).toBe("3");
    expect(got.headers.host).toBe(`127.0.0.1:${receiver.port}`);
    const signature = got.headers["verbatim-signature"] as string;
    expect(signature.match(/v1=/g)).toHaveLength(2);
    expect(verifyWebhookSignature(got.body, signature, secret)).toBe(true);
    expect(verifyWebhookSignature(got.body, signature, "whsec_old")).toBe(true);
  });

  it("passes a caller-made signature through when no secrets are given", async () => {
    const receiver = await startServer((_req, res) => res.writeHead(204).end());
    const result = await sendWebhook({ url: receiver.url, body, headers: { "verbatim-signature": "t=1,v1=ab" }, allowPrivate: true });
    expect(result).toMatchObject({ ok: true, status: 204, responseExcerpt: "" });
    expect(receiver.received[0].headers["verbatim-signature"]).toBe("t=1,v1=ab");
  });

  it("reports a 500 as not ok, with the start of the answer", async () => {
    const receiver = await startServer((_req, res) => res.writeHead(500).end("database is down"));
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: 500, responseExcerpt: "database is down" });
    expect(result.error).toBeUndefined();
  });

  it("does not follow a redirect", async () => {
    const elsewhere = await startServer((_req, res) => res.end("should not be reached"));
    const receiver = await startServer((_req, res) => res.writeHead(307, { Location: elsewhere.url }).end());
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: 307 });
    expect(result.error).toBe(`redirect not followed (307 to ${elsewhere.url})`);
    expect(elsewhere.connections()).toBe(0);
  });

  it("cuts a receiver that never answers at the 5 s timeout", async () => {
    const receiver = await startServer(() => {
      /* accepts the request and never answers */
    });
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: null, error: "timeout after 5000 ms", responseExcerpt: "" });
    // Generous bounds: it waited for the timeout, and it did not wait for the receiver.
    expect(result.durationMs).toBeGreaterThanOrEqual(4500);
    expect(result.durationMs).toBeLessThan(30_000);
    expect(receiver.received).toHaveLength(1);
    await receiver.closedRequests[0]; // the server sees the connection closed by the sender
  });

  it("keeps the status of an answer whose body stalls, cut at the timeout", async () => {
    const receiver = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("partial");
    });
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true, timeoutMs: 500 });
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: "partial" });
    expect(result.error).toBeUndefined();
    await receiver.closedRequests[0];
  });

  it("reads only the start of a huge answer and closes the connection", async () => {
    let written = 0;
    const receiver = await startServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      // Endless body: only a closed connection stops this loop.
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return;
        }
      };
      res.on("drain", pump);
      pump();
    });
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true });
    expect(result.ok).toBe(true);
    expect(result.status).toBe(200);
    expect(result.responseExcerpt).toBe("x".repeat(1024));
    expect(result.error).toBeUndefined();
    await receiver.closedRequests[0];
    expect(written).toBeGreaterThanOrEqual(64 * 1024); // far more was offered than was read
  });

  it("keeps NUL bytes of a binary answer out of the excerpt", async () => {
    const receiver = await startServer((_req, res) => res.writeHead(400).end(Buffer.from([0x61, 0x00, 0x62])));
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: 400, responseExcerpt: "ab" });
  });

  it("reports a refused connection", async () => {
    const probe = await startServer(() => undefined);
    const closedUrl = probe.url;
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const result = await sendWebhook({ url: closedUrl, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: null, responseExcerpt: "" });
    expect(result.error).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it("refuses loopback without connecting when private targets are not allowed", async () => {
    const receiver = await startServer((_req, res) => res.end("ok"));
    const https = await sendWebhook({ url: receiver.url.replace("http:", "https:"), body, secrets: [secret], allowPrivate: false });
    expect(https).toMatchObject({ ok: false, status: null, error: "refused: private address 127.0.0.1 (loopback)" });
    const plain = await sendWebhook({ url: receiver.url, body, secrets: [secret], allowPrivate: false });
    expect(plain).toMatchObject({ ok: false, status: null, error: "refused: https is required" });
    const named = await sendWebhook({ url: `https://localhost:${receiver.port}/`, body, secrets: [secret], allowPrivate: false });
    expect(named.error).toMatch(/^refused: private address /);
    expect(receiver.connections()).toBe(0);
  });

  it("resolves a host name once and connects to that address", async () => {
    const receiver = await startServer((req, res) => res.end(req.headers.host), "localhost");
    const result = await sendWebhook({ url: `http://localhost:${receiver.port}/`, body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: true, status: 200, responseExcerpt: `localhost:${receiver.port}` });
  });

  it("reports a bad URL as refused", async () => {
    const result = await sendWebhook({ url: "ftp://127.0.0.1/x", body, secrets: [secret], allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: null, error: "refused: unsupported scheme ftp; use https" });
  });

  it("rejects programming errors: no signature, a reserved header, a bad timeout", async () => {
    const base = { url: "http://127.0.0.1:9/", body, allowPrivate: true };
    await expect(sendWebhook(base)).rejects.toThrow(/secrets or a Verbatim-Signature/);
    await expect(sendWebhook({ ...base, secrets: [secret], headers: { Host: "evil.example" } })).rejects.toThrow(/Host/);
    await expect(sendWebhook({ ...base, secrets: [secret], headers: { "content-length": "1" } })).rejects.toThrow(TypeError);
    await expect(sendWebhook({ ...base, secrets: [secret], timeoutMs: 0 })).rejects.toThrow(RangeError);
  });

  it("reports a header value that cannot be sent instead of throwing", async () => {
    const receiver = await startServer((_req, res) => res.end("ok"));
    const result = await sendWebhook({ url: receiver.url, body, secrets: [secret], headers: { "X-Bad": "a\r\nb" }, allowPrivate: true });
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/Invalid character in header/);
    expect(receiver.connections()).toBe(0);
  });
});
