import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/api-keys";
import { resetAppEnvForTests } from "@/lib/config/env";
import type { Actor } from "@/lib/actor";
import { apiRoute } from "./route";
import { AppError, conflict, notFound, RetryLaterError } from "@/lib/errors";
import { IngestError } from "@/lib/pipeline/track-ingest";

const password = "correct horse battery";

// A small route with each kind of input, standing in for the real ones.
const echo = apiRoute(
  { cost: "write", params: z.object({ id: z.string() }), query: z.object({ dry: z.enum(["yes", "no"]).optional() }), body: z.object({ name: z.string().min(1), count: z.number().int() }) },
  async ({ actor, params, query, body }) => ({ status: 201, json: { accountId: actor.accountId, id: params.id, dry: query.dry ?? null, ...body } }),
);
const read = apiRoute({ cost: "read" }, async ({ actor }) => ({ json: { accountId: actor.accountId } }));

// Throws what `?throw=` names, as lib/ code does.
const thrown: Record<string, () => Error> = {
  not_found: () => notFound("Room 42 is not in this account"),
  conflict: () => conflict("This transcription already has a summary"),
  forbidden: () => new AppError("forbidden", "Only admins may"),
  over_capacity: () => new RetryLaterError("unavailable", "Busy; try again shortly.", 7, "over_capacity"),
  odd_length: () => new IngestError("odd_length", "16-bit PCM needs an even number of bytes"),
  internal: () => new Error("a bug with a secret in its message"),
};
const thrower = apiRoute({ cost: "read" }, async ({ request }) => {
  throw thrown[new URL(request.url).searchParams.get("throw")!]();
});

const call = (handler: typeof echo, init: { key?: string; body?: string; contentType?: string; url?: string; method?: string } = {}) =>
  handler(
    new Request(init.url ?? "http://localhost/api/v1/things/abc", {
      method: init.method ?? "POST",
      headers: {
        ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
        ...(init.body !== undefined ? { "content-type": init.contentType ?? "application/json" } : {}),
      },
      body: init.body,
    }),
    { params: Promise.resolve({ id: "abc" }) },
  );

describeEachDatabase("REST route wrapper", (handle) => {
  let key: string;
  let admin: Actor;

  beforeAll(async () => {
    process.env.VERBATIM_RATE_LIMIT_POINTS = "30";
    process.env.VERBATIM_MAX_BODY_BYTES = "2000";
    resetAppEnvForTests();
    const { account, user } = await createAccountWithAdmin(handle().db, { accountName: "Acme", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    admin = { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
    key = (await createApiKey(handle().db, admin, "test")).key;
  });

  it("answers 401 with api.md's body for a missing, malformed or unknown key", async () => {
    for (const k of [undefined, "nonsense", "vbt_unknownkeyunknownkeyunknownkey"]) {
      const res = await call(read, { key: k, method: "GET" });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
    }
  });

  it("a 401 carries X-RateLimit-* too (counted per client address), and guessing keys runs into a 429", async () => {
    const from = (address: string) =>
      read(new Request("http://localhost/api/v1/things", { headers: { authorization: "Bearer vbt_guess", "x-forwarded-for": address } }), { params: Promise.resolve({}) });
    const first = await from("203.0.113.5");
    expect(first.status).toBe(401);
    expect(first.headers.get("x-ratelimit-limit")).toBe("30");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("29");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    for (let i = 1; i < 30; i++) expect((await from("203.0.113.5")).status).toBe(401);
    const limited = await from("203.0.113.5");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await from("203.0.113.6")).status).toBe(401);
  });

  it("parses params, query and body into the handler, with rate-limit headers", async () => {
    const res = await call(echo, { key, url: "http://localhost/api/v1/things/abc?dry=yes", body: JSON.stringify({ name: "x", count: 2 }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ accountId: admin.accountId, id: "abc", dry: "yes", name: "x", count: 2 });
    expect(res.headers.get("x-ratelimit-limit")).toBe("30");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("27");
    expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("refuses malformed JSON, wrong types, a wrong content type and a huge body with clear errors", async () => {
    const malformed = await call(echo, { key, body: "{not json" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).details[0].message).toMatch(/not valid JSON/);

    const wrongTypes = await call(echo, { key, body: JSON.stringify({ name: 5, count: "two" }) });
    expect(wrongTypes.status).toBe(400);
    const body = await wrongTypes.json();
    expect(body.error).toBe("Validation failed");
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(["count", "name"]);

    const badQuery = await call(echo, { key, url: "http://localhost/api/v1/things/abc?dry=maybe", body: "{}" });
    expect((await badQuery.json()).details[0].path).toBe("dry");

    const text = await call(echo, { key, body: "name=x", contentType: "text/plain" });
    expect(text.status).toBe(415);

    const huge = await call(echo, { key, body: JSON.stringify({ name: "x".repeat(5000), count: 1 }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatch(/larger than 2000 bytes/);
  });

  it("limits each account's budget and answers 429 with Retry-After", async () => {
    // Budget 30 with 3 points per write: 18 points are spent above, so the fifth write from here is refused.
    const statuses: number[] = [];
    let res: Response;
    do {
      res = await call(echo, { key, body: JSON.stringify({ name: "x", count: 1 }) });
      statuses.push(res.status);
    } while (res.status !== 429 && statuses.length < 10);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
    const body = await res.json();
    expect(body.error).toBe(`Rate limit active for throttle key: account:${admin.accountId}`);
    expect(body.code).toBe("rate_limited");
    expect(body.data.msLeft).toBeGreaterThan(0);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");

    // Another account has its own budget.
    const other = await createAccountWithAdmin(handle().db, { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    const otherKey = (await createApiKey(handle().db, { accountId: other.account.id, userId: other.user.id, role: "admin", label: "otto", via: "session" }, "k")).key;
    const ok = await call(read, { key: otherKey, method: "GET" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accountId: other.account.id });
  });

  it("refuses a revoked key at once", async () => {
    const fresh = await createApiKey(handle().db, admin, "short-lived");
    await revokeApiKey(handle().db, admin, fresh.id);
    const res = await call(read, { key: fresh.key, method: "GET" });
    expect(res.status).toBe(401);
  });

  it("answers every error with api.md's fields and a stable code", async () => {
    const other = await createAccountWithAdmin(handle().db, { accountName: "Codes", name: "Cora", email: "cora@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    const coraKey = (await createApiKey(handle().db, { accountId: other.account.id, userId: other.user.id, role: "admin", label: "cora", via: "session" }, "k")).key;
    const answer = async (res: Response) => ({ status: res.status, body: await res.json(), retryAfter: res.headers.get("retry-after") });

    expect(await answer(await call(read, { method: "GET" }))).toMatchObject({ status: 401, body: { error: "Access token is missing or invalid", code: "unauthorized" } });
    expect(await answer(await call(echo, { key: coraKey, body: JSON.stringify({ name: "", count: 1 }) }))).toEqual({
      status: 400,
      body: { error: "Validation failed", code: "validation_failed", details: [{ path: "name", message: expect.any(String) }] },
      retryAfter: null,
    });
    expect(await answer(await call(echo, { key: coraKey, body: "name=x", contentType: "text/plain" }))).toMatchObject({ status: 415, body: { code: "unsupported_media_type" } });
    expect(await answer(await call(echo, { key: coraKey, body: JSON.stringify({ name: "x".repeat(5000), count: 1 }) }))).toMatchObject({ status: 413, body: { code: "payload_too_large" } });

    const thrownBy = async (what: string) => answer(await call(thrower, { key: coraKey, method: "GET", url: `http://localhost/api/v1/things/abc?throw=${what}` }));
    // api.md's fixed words for 403 and 404, whatever lib/ said.
    expect(await thrownBy("not_found")).toEqual({ status: 404, body: { error: "The requested resource doesn't exist", code: "not_found" }, retryAfter: null });
    expect(await thrownBy("forbidden")).toEqual({ status: 403, body: { error: "Not allowed to perform action", code: "forbidden" }, retryAfter: null });
    expect(await thrownBy("conflict")).toEqual({ status: 409, body: { error: "This transcription already has a summary", code: "conflict" }, retryAfter: null });
    expect(await thrownBy("over_capacity")).toEqual({ status: 503, body: { error: "Busy; try again shortly.", code: "over_capacity" }, retryAfter: "7" });
    expect(await thrownBy("odd_length")).toEqual({ status: 400, body: { error: "16-bit PCM needs an even number of bytes", code: "odd_length" }, retryAfter: null });
    // An unexpected error says nothing of itself.
    expect(await thrownBy("internal")).toEqual({ status: 500, body: { error: "Internal server error", code: "internal_error" }, retryAfter: null });
  });
});
