// The /api/v1/summaries contract, through the real route handlers, real API keys, the real job and both databases.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { auditEvents, summaries, transcriptions } from "@/lib/db/schema";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import type { Actor } from "@/lib/actor";
import { createExtractiveEngine } from "@/lib/summaries/engines/extractive";
import { meetingTranscript } from "@/lib/summaries/fixtures/meeting";
import { runPendingSummaries } from "@/lib/summaries/jobs";
import { requestSummary } from "@/lib/summaries/service";
import { createTestAccount, seedTranscription } from "@/lib/summaries/service-test-fixtures";
import * as collection from "./route";
import * as item from "./[summaryId]/route";

type Answer = { status: number; json: any; headers: Headers };

const SUMMARY_FIELDS = ["createdAt", "endDate", "modifiedAt", "roomName", "roomSessionId", "startDate", "state", "summary", "summaryId", "template", "transcriptionId"];

describeEachDatabase("REST /api/v1/summaries", (handle) => {
  const db = () => handle().db;
  let keyA: string;
  let keyB: string;
  let adminA: Actor;
  let adminB: Actor;

  async function api(method: "GET" | "POST" | "DELETE", path: string, call: { key?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (call.key) headers.authorization = `Bearer ${call.key}`;
    const body = call.raw ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined);
    if (body !== undefined) headers["content-type"] = "application/json";
    const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body });
    const id = /^\/summaries\/([^/?]+)/.exec(path)?.[1];
    const res = id
      ? await (item as Record<string, typeof item.GET>)[method](request, { params: Promise.resolve({ summaryId: decodeURIComponent(id) }) })
      : await (collection as Record<string, typeof collection.GET>)[method](request);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  const ready = (accountId: string, seed: Parameters<typeof seedTranscription>[2] = {}) =>
    seedTranscription(db(), accountId, { segments: meetingTranscript, ...seed });

  beforeAll(async () => {
    process.env.VERBATIM_PUBLIC_URL = "https://verbatim.test";
    process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
    process.env.VERBATIM_RATE_LIMIT_POINTS = "100000";
    resetAppEnvForTests();
    resetAppKeyringForTests();
    ({ admin: adminA } = await createTestAccount(db()));
    ({ admin: adminB } = await createTestAccount(db()));
    keyA = (await createApiKey(db(), adminA, "tests")).key;
    keyB = (await createApiKey(db(), adminB, "tests")).key;
  });

  it("requests a summary (201 {summaryId}), serves it in progress, then ready with exactly api.md's fields", async () => {
    const t = await ready(adminA.accountId, { storageType: "SELF_HOSTED" });
    const created = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id, template: "SOAP" } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.json)).toEqual(["summaryId"]);
    expect(created.headers.get("x-ratelimit-limit")).toBe("100000");
    const id = created.json.summaryId;

    const pending = await api("GET", `/summaries/${id}`, { key: keyA });
    expect(pending.status).toBe(200);
    expect(Object.keys(pending.json).sort()).toEqual(SUMMARY_FIELDS);
    expect(pending.json).toMatchObject({
      summaryId: id,
      transcriptionId: t.id,
      roomSessionId: t.roomSessionId,
      roomName: t.roomName,
      startDate: t.startedAt.toISOString(),
      endDate: t.endedAt!.toISOString(),
      template: "SOAP",
      state: "in_progress",
      summary: null,
    });
    expect(pending.json.createdAt).toBe(pending.json.modifiedAt);

    await runPendingSummaries(db(), { engine: createExtractiveEngine() });
    const done = await api("GET", `/summaries/${id}`, { key: keyA });
    expect(done.json.state).toBe("ready");
    expect(Object.keys(done.json.summary).sort()).toEqual(["SOAP", "summary"]);
    expect(Object.keys(done.json.summary.SOAP).sort()).toEqual(["assessment", "objective", "plan", "subjective"]);
    expect(Date.parse(done.json.modifiedAt)).toBeGreaterThanOrEqual(Date.parse(done.json.createdAt));
  });

  it("uses General Bulleted when no template is given, and ignores unknown fields", async () => {
    const t = await ready(adminA.accountId);
    const created = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id, language: "en", extra: true } });
    expect(created.status).toBe(201);
    const [row] = await db().select().from(summaries).where(eq(summaries.id, created.json.summaryId));
    expect(row).toMatchObject({ template: "General Bulleted", accountId: adminA.accountId, requestedByUserId: adminA.userId });
    const [audit] = await db().select().from(auditEvents).where(eq(auditEvents.targetId, row.id));
    expect(audit).toMatchObject({ action: "summary.requested", accountId: adminA.accountId });
  });

  it("answers 409 for a second summary of the same transcription until the first is deleted", async () => {
    const t = await ready(adminA.accountId);
    const first = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id } });
    expect(first.status).toBe(201);
    const second = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id, template: "General Narrative" } });
    expect(second.status).toBe(409);
    expect(second.json).toEqual({ error: "This transcription already has a summary; delete it first to summarize again", code: "conflict" });

    expect((await api("DELETE", `/summaries/${first.json.summaryId}`, { key: keyA })).status).toBe(204);
    const third = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id, template: "General Narrative" } });
    expect(third.status).toBe(201);
    expect(third.json.summaryId).not.toBe(first.json.summaryId);
  });

  it("lets only one of two simultaneous requests through", async () => {
    const t = await ready(adminA.accountId);
    const answers = await Promise.allSettled([requestSummary(db(), adminA, { transcriptionId: t.id, template: "SOAP" }), requestSummary(db(), adminA, { transcriptionId: t.id, template: "SOAP" })]);
    expect(answers.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    const refused = answers.find((a) => a.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: "conflict" });
    expect((await db().select().from(summaries).where(eq(summaries.transcriptionId, t.id))).length).toBe(1);
  });

  it("answers 409 with its own message for a transcription in progress or failed", async () => {
    const live = await ready(adminA.accountId, { state: "in_progress" });
    const res = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: live.id } });
    expect(res.status).toBe(409);
    expect(res.json.error).toMatch(/still in progress; summarize it once the session has ended/);
    const failed = await ready(adminA.accountId, { state: "failed" });
    const res2 = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: failed.id } });
    expect(res2.status).toBe(409);
    expect(res2.json.error).toMatch(/failed, so there is no transcript/);
    expect((await db().select().from(summaries).where(eq(summaries.transcriptionId, live.id))).length).toBe(0);
  });

  it("answers 404 for another account's, an unknown or a malformed transcription id, and for a deleted transcription", async () => {
    const theirs = await ready(adminB.accountId);
    for (const transcriptionId of [theirs.id, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      const res = await api("POST", "/summaries", { key: keyA, body: { transcriptionId } });
      expect(res.status, transcriptionId).toBe(404);
      expect(res.json).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
    }
    const gone = await ready(adminA.accountId);
    await db().delete(transcriptions).where(eq(transcriptions.id, gone.id));
    expect((await api("POST", "/summaries", { key: keyA, body: { transcriptionId: gone.id } })).status).toBe(404);
    expect((await db().select().from(summaries).where(eq(summaries.transcriptionId, theirs.id))).length).toBe(0);
  });

  it("refuses a body that fails validation with 400 and the field's path", async () => {
    const t = await ready(adminA.accountId);
    const badTemplate = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id, template: "Haiku" } });
    expect(badTemplate.status).toBe(400);
    expect(badTemplate.json.error).toBe("Validation failed");
    expect(badTemplate.json.details).toEqual([{ path: "template", message: expect.stringContaining("General Bulleted, General Narrative, SOAP") }]);

    const missing = await api("POST", "/summaries", { key: keyA, body: { template: "SOAP" } });
    expect(missing.status).toBe(400);
    expect(missing.json.details.map((d: { path: string }) => d.path)).toEqual(["transcriptionId"]);

    const wrongType = await api("POST", "/summaries", { key: keyA, body: { transcriptionId: 42 } });
    expect(wrongType.status).toBe(400);
    expect((await api("POST", "/summaries", { key: keyA, raw: "{not json" })).status).toBe(400);
    expect((await db().select().from(summaries).where(eq(summaries.transcriptionId, t.id))).length).toBe(0);
  });

  it("answers 401 without a valid key", async () => {
    const res = await api("GET", "/summaries");
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
    expect((await api("POST", "/summaries", { key: "nope", body: { transcriptionId: "x" } })).status).toBe(401);
  });

  it("never shows or deletes another account's summary: 404, as for an unknown or malformed id", async () => {
    const t = await ready(adminA.accountId);
    const id = (await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id } })).json.summaryId;
    for (const [method, path] of [["GET", `/summaries/${id}`], ["DELETE", `/summaries/${id}`], ["GET", "/summaries/00000000-0000-4000-8000-000000000000"], ["DELETE", "/summaries/not-a-uuid"]] as const) {
      const res = await api(method, path, { key: keyB });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
    }
    const listB = await api("GET", "/summaries?limit=100", { key: keyB });
    expect(listB.json.results.map((s: { summaryId: string }) => s.summaryId)).not.toContain(id);
    expect((await api("GET", `/summaries/${id}`, { key: keyA })).status).toBe(200);
  });

  it("deletes idempotently: 204 twice, then 404 on GET and gone from the list, content erased", async () => {
    const t = await ready(adminA.accountId);
    const id = (await api("POST", "/summaries", { key: keyA, body: { transcriptionId: t.id } })).json.summaryId;
    await runPendingSummaries(db(), { engine: createExtractiveEngine() });
    expect((await api("DELETE", `/summaries/${id}`, { key: keyA })).status).toBe(204);
    expect((await api("DELETE", `/summaries/${id}`, { key: keyA })).status).toBe(204);
    expect((await api("GET", `/summaries/${id}`, { key: keyA })).status).toBe(404);
    const list = await api("GET", "/summaries?limit=100", { key: keyA });
    expect(list.json.results.map((s: { summaryId: string }) => s.summaryId)).not.toContain(id);
    const [row] = await db().select().from(summaries).where(eq(summaries.id, id));
    expect(row.summary).toBeNull();
    expect(row.deletedAt).not.toBeNull();
    const audits = await db().select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(audits.map((a) => a.action).sort()).toEqual(["summary.deleted", "summary.requested"]);
  });

  it("lists with stable cursor paging in every sort order, and refuses bad queries with 400", async () => {
    const { admin } = await createTestAccount(db());
    const key = (await createApiKey(db(), admin, "list")).key;
    const base = Date.parse("2026-03-01T10:00:00Z");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await ready(admin.accountId, { roomName: `/room-${"edcba"[i]}`, startedAt: new Date(base + i * 3600_000) });
      ids.push((await requestSummary(db(), admin, { transcriptionId: t.id, template: "General Bulleted" }, new Date(base + i * 1000))).summaryId);
    }
    async function all(sortBy: string): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Answer = await api("GET", `/summaries?limit=2&sortBy=${sortBy}${cursor ? `&cursor=${cursor}` : ""}`, { key });
        expect(res.status).toBe(200);
        expect(res.json.results.length).toBeLessThanOrEqual(2);
        for (const s of res.json.results) expect(Object.keys(s).sort()).toEqual(SUMMARY_FIELDS);
        seen.push(...res.json.results.map((s: { summaryId: string }) => s.summaryId));
        cursor = res.json.cursor;
      } while (cursor);
      return seen;
    }
    expect(await all("createdAt:desc")).toEqual([...ids].reverse());
    expect(await all("createdAt:asc")).toEqual(ids);
    expect(await all("startDate:asc")).toEqual(ids);
    expect(await all("roomName:asc")).toEqual([...ids].reverse());
    expect(await all("roomName:desc")).toEqual(ids);

    // Stable while rows come and go: deleting a row already seen does not shift the next page.
    const first = await api("GET", "/summaries?limit=2", { key });
    expect(first.json.results.map((s: { summaryId: string }) => s.summaryId)).toEqual([ids[4], ids[3]]);
    await api("DELETE", `/summaries/${ids[4]}`, { key });
    const second = await api("GET", `/summaries?limit=2&cursor=${first.json.cursor}`, { key });
    expect(second.json.results.map((s: { summaryId: string }) => s.summaryId)).toEqual([ids[2], ids[1]]);
    // The default limit is 50 and the last page's cursor is null.
    const everything = await api("GET", "/summaries", { key });
    expect(everything.json.results).toHaveLength(4);
    expect(everything.json.cursor).toBeNull();

    for (const query of ["limit=0", "limit=101", "limit=abc", "sortBy=durationInSeconds:asc", "sortBy=createdAt", "cursor=garbage"]) {
      const res = await api("GET", `/summaries?${query}`, { key });
      expect(res.status, query).toBe(400);
      expect(res.json.error).toBe("Validation failed");
    }
    const otherOrder = await api("GET", `/summaries?sortBy=roomName:asc&cursor=${first.json.cursor}`, { key });
    expect(otherOrder.status).toBe(400);
    expect(otherOrder.json.details[0]).toMatchObject({ path: "cursor", message: expect.stringContaining("different sortBy") });
  });
});
