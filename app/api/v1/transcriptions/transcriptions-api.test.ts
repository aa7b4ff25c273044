// The REST contract of /api/v1/transcriptions (api.md), through the real route handlers, on both databases.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import type { Actor } from "@/lib/actor";
import { resetAppEnvForTests } from "@/lib/config/env";
import { appKeyring, resetAppKeyringForTests } from "@/lib/config/keyring";
import { sealSecret } from "@/lib/crypto/seal";
import { transcriptions } from "@/lib/db/schema";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import "@/lib/transcripts/api-docs";
import { createTestRoom, createTestTranscript } from "@/lib/transcripts/testing";
import * as list from "./route";
import * as one from "./[transcriptionId]/route";
import * as link from "./[transcriptionId]/access-link/route";
import * as bulk from "./bulk-delete/route";
import * as files from "@/app/api/files/[...key]/route";

const password = "correct horse battery";
const savedEnv = { ...process.env };
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-transcriptions-api-"));
  for (const name of Object.keys(process.env)) if (name.startsWith("VERBATIM_HOSTED_S3_")) delete process.env[name];
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_PUBLIC_URL = "http://127.0.0.1:3999";
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  process.env.VERBATIM_RATE_LIMIT_POINTS = "100000";
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

const base = "http://127.0.0.1:3999/api/v1/transcriptions";
type Handler = (request: Request, ctx?: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

function call(handler: Handler, key: string | undefined, opts: { url?: string; method?: string; params?: Record<string, string>; body?: unknown; rawBody?: string } = {}) {
  const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  return handler(
    new Request(opts.url ?? base, {
      method: opts.method ?? "GET",
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body,
    }),
    { params: Promise.resolve(opts.params ?? {}) },
  );
}

const objectKeys = ["transcriptionId", "roomSessionId", "roomName", "filename", "startDate", "endDate", "createdAt", "state", "durationInSeconds", "type", "storageType", "language", "engine"].sort();

describeEachDatabase("REST /api/v1/transcriptions", (handle) => {
  const db = () => handle().db;
  let key: string;
  let otherKey: string;
  let admin: Actor;
  let other: Actor;

  beforeAll(async () => {
    const a = await createAccountWithAdmin(handle().db, { accountName: "Acme", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    admin = { accountId: a.account.id, userId: a.user.id, role: "admin", label: a.user.email, via: "session" };
    key = (await createApiKey(handle().db, admin, "test")).key;
    const b = await createAccountWithAdmin(handle().db, { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    other = { accountId: b.account.id, userId: b.user.id, role: "admin", label: b.user.email, via: "session" };
    otherKey = (await createApiKey(handle().db, other, "other")).key;
  });

  it("answers 401 without a valid key", async () => {
    const res = await call(list.GET, undefined);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
  });

  it("returns transcription objects exactly as api.md shapes them", async () => {
    const t = await createTestTranscript(db(), admin.accountId, {
      roomName: "/sales-5a1e",
      startedAt: new Date("2026-12-01T10:00:00.000Z"),
      durationSeconds: 1834,
      language: "de",
      engineId: "deepgram",
      segments: [{ speaker: "Ana", atSeconds: 2, text: "Hallo." }],
    });
    const res = await call(one.GET, key, { url: `${base}/${t.id}`, params: { transcriptionId: t.id } });
    expect(res.status).toBe(200);
    const json = await res.json();
    expect(Object.keys(json).sort()).toEqual(objectKeys);
    expect(json).toEqual({
      transcriptionId: t.id,
      roomSessionId: t.roomSessionId,
      roomName: "/sales-5a1e",
      filename: "sales-5a1e-2026-12-01T10:00:00.000Z.md",
      startDate: "2026-12-01T10:00:00.000Z",
      endDate: "2026-12-01T10:30:34.000Z",
      createdAt: t.createdAt.toISOString(),
      state: "ready",
      durationInSeconds: 1834,
      type: "LIVE_TRANSCRIPTION",
      storageType: "HOSTED",
      language: "de",
      engine: "deepgram",
    });
    expect(res.headers.get("x-ratelimit-limit")).toBe("100000");

    const running = await createTestTranscript(db(), admin.accountId, { roomName: "/sales-5a1e", state: "in_progress", startedAt: new Date("2026-12-01T11:00:00.000Z") });
    const runningJson = await (await call(one.GET, key, { url: `${base}/${running.id}`, params: { transcriptionId: running.id } })).json();
    expect(runningJson).toMatchObject({ state: "in_progress", endDate: null, durationInSeconds: null });

    const page = await (await call(list.GET, key, { url: `${base}?roomName=${encodeURIComponent("/sales-5a1e")}` })).json();
    expect(page.cursor).toBeNull();
    expect(page.results.map((r: { transcriptionId: string }) => r.transcriptionId)).toEqual([running.id, t.id]);
    expect(Object.keys(page.results[1]).sort()).toEqual(objectKeys);
    expect(page.results[1].engine).toBe("deepgram");
    const asc = await (await call(list.GET, key, { url: `${base}?roomName=sales-5a1e&sortBy=startDate:asc` })).json();
    expect(asc.results.map((r: { transcriptionId: string }) => r.transcriptionId)).toEqual([t.id, running.id]);
  });

  it("answers 404 for a malformed, unknown or another account's id, and deletes nothing of theirs", async () => {
    const theirs = await createTestTranscript(db(), other.accountId, { roomName: "/theirs-1", segments: [{ speaker: "Otto", atSeconds: 1, text: "Mine." }] });
    for (const id of ["nope", "00000000-0000-4000-8000-000000000000", theirs.id]) {
      for (const [handler, method] of [[one.GET, "GET"], [one.DELETE, "DELETE"], [link.GET, "GET"]] as const) {
        const res = await call(handler, key, { method, url: `${base}/${id}`, params: { transcriptionId: id } });
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
      }
    }
    const mine = await createTestTranscript(db(), admin.accountId, { roomName: "/mine-1" });
    const res = await call(bulk.POST, key, { method: "POST", url: `${base}/bulk-delete`, body: { transcriptionIds: [mine.id, theirs.id] } });
    expect(res.status).toBe(404);
    expect(await db().select().from(transcriptions).where(eq(transcriptions.id, theirs.id))).toHaveLength(1);
    expect(await db().select().from(transcriptions).where(eq(transcriptions.id, mine.id))).toHaveLength(1);
    // The owner still sees theirs.
    expect((await call(one.GET, otherKey, { url: `${base}/${theirs.id}`, params: { transcriptionId: theirs.id } })).status).toBe(200);
    // And the other account's list never shows ours.
    const otherList = await (await call(list.GET, otherKey)).json();
    expect(otherList.results.map((r: { transcriptionId: string }) => r.transcriptionId)).toEqual([theirs.id]);
  });

  it("deletes one and many, idempotently", async () => {
    const a = await createTestTranscript(db(), admin.accountId, { roomName: "/bulk-a" });
    const b = await createTestTranscript(db(), admin.accountId, { roomName: "/bulk-b" });
    const c = await createTestTranscript(db(), admin.accountId, { roomName: "/bulk-c" });
    const del = () => call(one.DELETE, key, { method: "DELETE", url: `${base}/${a.id}`, params: { transcriptionId: a.id } });
    const first = await del();
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    expect((await del()).status).toBe(204);
    expect((await call(one.GET, key, { url: `${base}/${a.id}`, params: { transcriptionId: a.id } })).status).toBe(404);

    const bulkDelete = () => call(bulk.POST, key, { method: "POST", url: `${base}/bulk-delete`, body: { transcriptionIds: [a.id, b.id, c.id] } });
    expect((await bulkDelete()).status).toBe(204);
    expect((await bulkDelete()).status).toBe(204);
    for (const t of [a, b, c]) expect(await db().select().from(transcriptions).where(eq(transcriptions.id, t.id))).toHaveLength(0);

    const running = await createTestTranscript(db(), admin.accountId, { roomName: "/bulk-running", state: "in_progress" });
    const refused = await call(bulk.POST, key, { method: "POST", url: `${base}/bulk-delete`, body: { transcriptionIds: [running.id] } });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/still in progress/);
  });

  it("refuses invalid queries and bodies with api.md's validation answer", async () => {
    const cases: [Handler, { url: string; method?: string; body?: unknown; rawBody?: string; params?: Record<string, string> }, string][] = [
      [list.GET, { url: `${base}?limit=0` }, "limit"],
      [list.GET, { url: `${base}?limit=101` }, "limit"],
      [list.GET, { url: `${base}?limit=ten` }, "limit"],
      [list.GET, { url: `${base}?sortBy=createdAt:desc` }, "sortBy"],
      [list.GET, { url: `${base}?sortBy=startDate` }, "sortBy"],
      [list.GET, { url: `${base}?cursor=garbage` }, "cursor"],
      [bulk.POST, { url: `${base}/bulk-delete`, method: "POST", body: {} }, "transcriptionIds"],
      [bulk.POST, { url: `${base}/bulk-delete`, method: "POST", body: { transcriptionIds: [] } }, "transcriptionIds"],
      [bulk.POST, { url: `${base}/bulk-delete`, method: "POST", body: { transcriptionIds: "x" } }, "transcriptionIds"],
      [bulk.POST, { url: `${base}/bulk-delete`, method: "POST", body: { transcriptionIds: [42] } }, "transcriptionIds.0"],
    ];
    for (const [handler, opts, pathName] of cases) {
      const res = await call(handler, key, opts);
      expect(res.status, opts.url).toBe(400);
      const json = await res.json();
      expect(json.error).toBe("Validation failed");
      expect(json.details[0].path).toBe(pathName);
      expect(typeof json.details[0].message).toBe("string");
    }
    const t = await createTestTranscript(db(), admin.accountId, { roomName: "/links-v" });
    for (const v of ["0", "43201", "1.5", "soon"]) {
      const res = await call(link.GET, key, { url: `${base}/${t.id}/access-link?validForSeconds=${v}`, params: { transcriptionId: t.id } });
      expect(res.status).toBe(400);
      expect((await res.json()).details[0].path).toBe("validForSeconds");
    }
    const notJson = await call(bulk.POST, key, { url: `${base}/bulk-delete`, method: "POST", rawBody: "{not json" });
    expect(notJson.status).toBe(400);
  });

  it("pages through a list that changes between pages without skipping or repeating a row", async () => {
    const acct = await createAccountWithAdmin(db(), { accountName: "Pager", name: "Pia", email: "pia@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    const pia: Actor = { accountId: acct.account.id, userId: acct.user.id, role: "admin", label: "pia", via: "session" };
    const piaKey = (await createApiKey(db(), pia, "pager")).key;
    const room = await createTestRoom(db(), pia.accountId, "/pager-room");
    const original = [];
    for (let i = 0; i < 12; i++) {
      original.push(await createTestTranscript(db(), pia.accountId, { roomId: room.id, startedAt: new Date(Date.UTC(2026, 0, 1, 8, i)), durationSeconds: 60 * (i % 3), store: false }));
    }
    for (const sortBy of ["startDate:desc", "durationInSeconds:asc", "roomName:desc"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const url: string = `${base}?limit=4&sortBy=${sortBy}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const res = await call(list.GET, piaKey, { url });
        expect(res.status).toBe(200);
        const page = await res.json();
        seen.push(...page.results.map((r: { transcriptionId: string }) => r.transcriptionId));
        cursor = page.cursor;
        // Between pages: a new transcription arrives (sorting before the cursor) and an unseen one is deleted.
        if (round === 0) {
          await createTestTranscript(db(), pia.accountId, { roomId: room.id, startedAt: new Date(Date.UTC(2027, 0, 1)), durationSeconds: 0, store: false });
        }
        round++;
      } while (cursor);
      const originalIds = new Set(original.map((o) => o.id));
      const seenOriginal = seen.filter((id) => originalIds.has(id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seenOriginal.length).toBe(originalIds.size);
    }
    // Deleting an unseen row between pages: it is simply not shown; nothing else moves.
    const firstPage = await (await call(list.GET, piaKey, { url: `${base}?limit=5` })).json();
    const all = (await (await call(list.GET, piaKey, { url: `${base}?limit=100` })).json()).results.map((r: { transcriptionId: string }) => r.transcriptionId);
    const unseen = all.slice(7, 8);
    expect((await call(bulk.POST, piaKey, { method: "POST", url: `${base}/bulk-delete`, body: { transcriptionIds: unseen } })).status).toBe(204);
    const rest: string[] = [];
    let cursor: string | null = firstPage.cursor;
    while (cursor) {
      const page: { results: { transcriptionId: string }[]; cursor: string | null } = await (await call(list.GET, piaKey, { url: `${base}?limit=5&cursor=${encodeURIComponent(cursor)}` })).json();
      rest.push(...page.results.map((r) => r.transcriptionId));
      cursor = page.cursor;
    }
    expect(rest).toEqual(all.slice(5).filter((id: string) => id !== unseen[0]));
  });

  it("hands out access links that download the .md through the files route until they expire, and refuses self-hosted ones", async () => {
    const t = await createTestTranscript(db(), admin.accountId, { roomName: "/link-me", segments: [{ speaker: "Ana", atSeconds: 4, text: "The file itself." }] });
    const res = await call(link.GET, key, { url: `${base}/${t.id}/access-link?validForSeconds=1`, params: { transcriptionId: t.id } });
    expect(res.status).toBe(200);
    const { accessLink, expires } = await res.json();
    expect(Object.keys(await (await call(link.GET, key, { url: `${base}/${t.id}/access-link`, params: { transcriptionId: t.id } })).json()).sort()).toEqual(["accessLink", "expires"]);
    expect(typeof expires).toBe("number");
    expect(accessLink.startsWith("http://127.0.0.1:3999/api/files/")).toBe(true);
    const download = await files.GET(new Request(accessLink));
    expect(download.status).toBe(200);
    expect(await download.text()).toContain("**[00:00:04] Ana:** The file itself.");
    expect(download.headers.get("content-disposition")).toContain("link-me-");
    // After it expires the same link is refused.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expires - Date.now()) + 50));
    const late = await files.GET(new Request(accessLink));
    expect(late.status).toBe(410);
    // An altered link is refused too.
    const forged = accessLink.replace(/expires=\d+/, `expires=${expires + 3_600_000}`);
    expect((await files.GET(new Request(forged))).status).toBe(403);

    const room = await createTestRoom(db(), admin.accountId);
    const selfHosted = await createTestTranscript(db(), admin.accountId, {
      roomId: room.id,
      store: false,
      destination: { provider: "s3", bucket: "their-bucket", region: "eu-west-1", accessKeyId: "AKIAEXAMPLE", secretSealed: sealSecret("secret", appKeyring(), room.id), endpoint: null },
      sealedFor: room.id,
    });
    const refused = await call(link.GET, key, { url: `${base}/${selfHosted.id}/access-link`, params: { transcriptionId: selfHosted.id } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Not allowed to perform action", code: "forbidden" });
  });

  it("is described in the OpenAPI document", () => {
    const doc = buildOpenApiDocument("http://127.0.0.1:3999") as unknown as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/api/v1/transcriptions"])).toEqual(["get"]);
    expect(Object.keys(doc.paths["/api/v1/transcriptions/{transcriptionId}"]).sort()).toEqual(["delete", "get"]);
    expect(Object.keys(doc.paths["/api/v1/transcriptions/{transcriptionId}/access-link"])).toEqual(["get"]);
    expect(Object.keys(doc.paths["/api/v1/transcriptions/bulk-delete"])).toEqual(["post"]);
  });
});
