import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenAiClient, OpenAiRequestError, retryAfterMs, type OpenAiClientOptions } from "@/lib/http/openai-client";

const API_KEY = "sk-client-test-42";
type Seen = { at: number; path: string; authorization?: string; contentType?: string; body: Buffer };
type Answer = { status?: number; headers?: Record<string, string>; body?: string; delayMs?: number; hang?: boolean };

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server on 127.0.0.1 that records each request and answers as the test says (status, headers, delay, or never). */
async function startServer(answer: (seen: Seen, index: number) => Answer) {
  const requests: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: Seen = {
        at: performance.now(),
        path: req.url ?? "",
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks),
      };
      requests.push(seen);
      const a = answer(seen, requests.length - 1);
      if (a.hang) return;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(a.status ?? 200, { "content-type": "application/json", ...a.headers });
        res.end(a.body ?? JSON.stringify({ ok: true, index: requests.length - 1 }));
      }, a.delayMs ?? 0);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

const clientFor = (baseUrl: string, extra: Partial<OpenAiClientOptions> = {}) =>
  createOpenAiClient({ baseUrl, apiKey: API_KEY, timeoutMs: 2000, retryDelayMs: 20, ...extra });

describe("OpenAI-compatible HTTP client", () => {
  it("posts JSON with the Bearer key to base URL + path", async () => {
    const server = await startServer(() => ({ body: '{"id":"x"}' }));
    const answer = await clientFor(`${server.baseUrl}/`).postJson("/chat/completions", { model: "m", n: 1 });
    expect(answer).toMatchObject({ status: 200, text: '{"id":"x"}' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ path: "/v1/chat/completions", authorization: `Bearer ${API_KEY}`, contentType: "application/json" });
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({ model: "m", n: 1 });
  });

  it("posts a multipart form whose fields and file arrive intact, the same on a retry", async () => {
    const server = await startServer((_, i) => (i === 0 ? { status: 502 } : {}));
    const audio = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const form = new FormData();
    form.set("model", "whisper-1");
    form.set("language", "de");
    form.set("file", new Blob([audio], { type: "audio/wav" }), "utterance.wav");
    await clientFor(server.baseUrl).postMultipart("/audio/transcriptions", form);
    expect(server.requests).toHaveLength(2);
    for (const seen of server.requests) {
      expect(seen.contentType).toMatch(/^multipart\/form-data; boundary=/);
      const parsed = await new Request("http://x/", { method: "POST", headers: { "content-type": seen.contentType! }, body: new Uint8Array(seen.body) }).formData();
      expect(parsed.get("model")).toBe("whisper-1");
      expect(parsed.get("language")).toBe("de");
      const file = parsed.get("file") as File;
      expect(file.name).toBe("utterance.wav");
      expect(Buffer.from(await file.arrayBuffer())).toEqual(audio);
    }
  });

  it("waits as long as a 429's Retry-After says before trying again", async () => {
    const server = await startServer((_, i) => (i === 0 ? { status: 429, headers: { "retry-after": "1" }, body: '{"error":{"message":"slow down"}}' } : {}));
    await clientFor(server.baseUrl, { retryDelayMs: 1 }).postJson("/x", {});
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(950);
  });

  it("retries 5xx answers with growing delays and reports a lasting one with the server's message", async () => {
    const server = await startServer(() => ({ status: 503, body: '{"error":{"message":"model is loading"}}' }));
    const error = await clientFor(server.baseUrl, { maxRetries: 3, retryDelayMs: 40 }).postJson("/x", {}).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAiRequestError);
    expect(error).toMatchObject({ kind: "http", status: 503 });
    expect(error.details).toMatchObject({ attempts: 4, detail: "model is loading" });
    expect(error.message).toContain("answered 503 (model is loading)");
    expect(server.requests).toHaveLength(4);
    // Equal jitter: the n-th wait is at least half of 40 ms × 2^n.
    const gaps = server.requests.slice(1).map((r, i) => r.at - server.requests[i].at);
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** n - 5));
  });

  it("times out a slow answer and gets it on the next attempt", async () => {
    const server = await startServer((_, i) => (i === 0 ? { delayMs: 1500 } : { body: '{"second":true}' }));
    const answer = await clientFor(server.baseUrl, { timeoutMs: 300 }).postJson("/x", {});
    expect(answer.text).toBe('{"second":true}');
    expect(server.requests).toHaveLength(2);
  });

  it("reports a timeout when every attempt is slow, and does not retry it when told not to", async () => {
    const server = await startServer(() => ({ hang: true }));
    const error = await clientFor(server.baseUrl, { timeoutMs: 200, maxRetries: 1 }).postJson("/x", {}).catch((e) => e);
    expect(error).toMatchObject({ kind: "timeout" });
    expect(error.message).toContain("did not answer within 200 ms");
    expect(server.requests).toHaveLength(2);
    const once = await startServer(() => ({ hang: true }));
    await clientFor(once.baseUrl, { timeoutMs: 200, retryTimeouts: false }).postJson("/x", {}).catch((e) => e);
    expect(once.requests).toHaveLength(1);
  });

  it("does not retry a 401, and keeps the key out of the message", async () => {
    const server = await startServer(() => ({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${API_KEY}` } }) }));
    const error = await clientFor(server.baseUrl).postJson("/x", {}).catch((e) => e);
    expect(error).toMatchObject({ kind: "http", status: 401 });
    expect(error.message).toContain("Incorrect API key provided");
    expect(error.message).not.toContain(API_KEY);
    expect(error.details.body).not.toContain(API_KEY);
    expect(server.requests).toHaveLength(1);
  });

  it("stops at once when the caller aborts during a backoff", async () => {
    const server = await startServer(() => ({ status: 429, headers: { "retry-after": "20" } }));
    const controller = new AbortController();
    const pending = clientFor(server.baseUrl).postJson("/x", {}, { signal: controller.signal }).catch((e) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    expect(await pending).toMatchObject({ kind: "aborted" });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a refused connection as unreachable after its retries", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await clientFor(`http://127.0.0.1:${port}`).postJson("/x", {}).catch((e) => e);
    expect(error).toMatchObject({ kind: "unreachable" });
    expect(error.details).toMatchObject({ code: "ECONNREFUSED", attempts: 3 });
  });

  it("reads Retry-After in seconds, as a date, and OpenAI's retry-after-ms", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "3" }))).toBe(250);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
