// The /api/v1/webhooks contract (an extension), through the real route handlers, real API keys and both databases.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { auditEvents, webhookEndpoints } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { createWebhookEndpoint, endpointSigningSecrets } from "@/lib/webhooks/endpoints";
import type { Actor } from "@/lib/actor";
import "@/lib/server/api-routes";
import * as collection from "./route";
import * as item from "./[webhookId]/route";

const password = "correct horse battery";
type Answer = { status: number; json: any };

const savedEnv = { ...process.env };
beforeAll(() => {
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  process.env.VERBATIM_WEBHOOK_ALLOW_PRIVATE = "0";
  resetAppEnvForTests();
  resetAppKeyringForTests();
});
afterAll(() => {
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

describeEachDatabase("REST /api/v1/webhooks", (handle) => {
  const db = () => handle().db;
  let n = 0;

  async function newAccount(): Promise<{ key: string; admin: Actor }> {
    n += 1;
    const { account, user } = await createAccountWithAdmin(
      db(),
      { accountName: `Acct ${n}`, name: `Admin ${n}`, email: `admin${n}-${randomBytes(3).toString("hex")}@example.com`, password },
      { onlyIfEmpty: false, via: "cli" },
    );
    const admin: Actor = { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
    return { key: (await createApiKey(db(), admin, "tests")).key, admin };
  }

  async function api(method: "GET" | "POST" | "DELETE", path: string, call: { key?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (call.key) headers.authorization = `Bearer ${call.key}`;
    const body = call.raw ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined);
    if (body !== undefined) headers["content-type"] = "application/json";
    const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body });
    const id = /^\/webhooks\/([^/?]+)/.exec(path)?.[1];
    const res = id
      ? await item.DELETE(request, { params: Promise.resolve({ webhookId: decodeURIComponent(id) }) })
      : await (collection as Record<string, typeof collection.GET>)[method](request, { params: Promise.resolve({}) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  it("creates an endpoint (secret in this answer only), lists it without secrets, deletes it idempotently", async () => {
    const { key, admin } = await newAccount();
    const created = await api("POST", "/webhooks", {
      key,
      body: { url: "https://hooks.example.com/verbatim", events: ["summary.finished", "transcription.finished", "summary.finished"], description: "CRM", extra: 1 },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      webhookId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: "https://hooks.example.com/verbatim",
      events: ["transcription.finished", "summary.finished"],
      description: "CRM",
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    // Stored sealed, and it is the secret that signs.
    const [row] = await db().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.json.webhookId));
    expect(row.secretSealed).not.toContain(created.json.secret);
    expect(endpointSigningSecrets(row)).toEqual([created.json.secret]);

    const list = await api("GET", "/webhooks", { key });
    expect(list.status).toBe(200);
    expect(list.json).toEqual({
      results: [{ webhookId: created.json.webhookId, url: "https://hooks.example.com/verbatim", events: ["transcription.finished", "summary.finished"], description: "CRM", enabled: true, createdAt: expect.any(String) }],
    });
    expect(JSON.stringify(list.json)).not.toContain("whsec_");

    expect((await api("DELETE", `/webhooks/${created.json.webhookId}`, { key })).status).toBe(204);
    expect((await api("DELETE", `/webhooks/${created.json.webhookId}`, { key })).status).toBe(204);
    expect((await api("GET", "/webhooks", { key })).json).toEqual({ results: [] });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.accountId, admin.accountId));
    expect(audit.map((a) => a.action).sort()).toEqual(["account.created", "api_key.created", "webhook.created", "webhook.deleted"]);
  });

  it("answers 204 without effect for another account's id, an unknown id and a malformed one", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const { endpoint } = await createWebhookEndpoint(db(), a.admin, { url: "https://a.example.com/hook", events: ["transcription.finished"] });
    for (const id of [endpoint.webhookId, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      expect((await api("DELETE", `/webhooks/${id}`, { key: b.key })).status).toBe(204);
    }
    expect((await api("GET", "/webhooks", { key: a.key })).json.results.map((r: { webhookId: string }) => r.webhookId)).toEqual([endpoint.webhookId]);
    expect((await api("GET", "/webhooks", { key: b.key })).json).toEqual({ results: [] });
  });

  it("refuses bad input with api.md's validation body", async () => {
    const { key } = await newAccount();
    const cases: [string, { body?: unknown; raw?: string }, string][] = [
      ["malformed JSON", { raw: '{"url": "https://x.example.com",' }, ""],
      ["an array body", { body: [] }, ""],
      ["url of the wrong type", { body: { url: 42, events: ["transcription.finished"] } }, "url"],
      ["events of the wrong type", { body: { url: "https://x.example.com/h", events: "transcription.finished" } }, "events"],
      ["an unknown event", { body: { url: "https://x.example.com/h", events: ["transcription.done"] } }, "events.0"],
      ["no events", { body: { url: "https://x.example.com/h", events: [] } }, "events"],
      ["a missing url", { body: { events: ["transcription.finished"] } }, "url"],
      ["a non-https URL", { body: { url: "http://hooks.example.com/h", events: ["transcription.finished"] } }, "url"],
      ["a private address", { body: { url: "https://192.168.1.10/h", events: ["transcription.finished"] } }, "url"],
      ["localhost", { body: { url: "https://localhost/h", events: ["transcription.finished"] } }, "url"],
      ["not a URL", { body: { url: "hooks dot example", events: ["transcription.finished"] } }, "url"],
      ["a long description", { body: { url: "https://x.example.com/h", events: ["transcription.finished"], description: "x".repeat(201) } }, "description"],
    ];
    for (const [name, call, path] of cases) {
      const res = await api("POST", "/webhooks", { key, ...call });
      expect(res.status, name).toBe(400);
      expect(res.json.error, name).toBe("Validation failed");
      expect(res.json.details.map((d: { path: string }) => d.path), name).toContain(path);
    }
    const nonHttps = await api("POST", "/webhooks", { key, body: { url: "http://hooks.example.com/h", events: ["transcription.finished"] } });
    expect(nonHttps.json.details[0].message).toMatch(/https is required/);
    expect((await api("GET", "/webhooks", { key })).json.results).toEqual([]);
  });

  it("allows 10 endpoints per account and refuses the 11th", async () => {
    const { key } = await newAccount();
    for (let i = 0; i < 10; i++) {
      expect((await api("POST", "/webhooks", { key, body: { url: `https://h${i}.example.com/hook`, events: ["transcription.finished"] } })).status).toBe(201);
    }
    const eleventh = await api("POST", "/webhooks", { key, body: { url: "https://h10.example.com/hook", events: ["transcription.finished"] } });
    expect(eleventh.status).toBe(400);
    expect(eleventh.json.details[0].message).toMatch(/at most 10 webhook endpoints/);
    expect((await api("GET", "/webhooks", { key })).json.results).toHaveLength(10);
  });

  it("answers 401 without a key", async () => {
    expect((await api("GET", "/webhooks")).status).toBe(401);
    expect((await api("POST", "/webhooks", { body: { url: "https://x.example.com", events: ["transcription.finished"] } })).status).toBe(401);
    expect((await api("DELETE", "/webhooks/00000000-0000-4000-8000-000000000000")).status).toBe(401);
  });

  it("refuses members in lib, as the dashboard relies on", async () => {
    const { admin } = await newAccount();
    const member: Actor = { ...admin, role: "member" };
    await expect(createWebhookEndpoint(db(), member, { url: "https://x.example.com/h", events: ["transcription.finished"] })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("is in the OpenAPI document", () => {
    const doc = buildOpenApiDocument("http://localhost") as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths["/api/v1/webhooks"]).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/api/v1/webhooks"].post.responses).toHaveProperty("201");
    expect(doc.paths["/api/v1/webhooks/{webhookId}"].delete.responses).toHaveProperty("204");
  });
});
