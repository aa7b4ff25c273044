// The summary job on both databases: extractive and OpenAI-compatible engines end to end, failures with reasons, crash and stop recovery, outbox events.
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import { afterEach, beforeAll, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { outboxEvents, summaries } from "@/lib/db/schema";
import type { Actor } from "@/lib/actor";
import { createOpenAiEngine } from "@/lib/summaries/engines/openai";
import { createExtractiveEngine } from "@/lib/summaries/engines/extractive";
import { SUMMARY_TEMPLATES, summaryContentSchemas } from "@/lib/summaries/templates";
import { meetingTranscript } from "@/lib/summaries/fixtures/meeting";
import { doctorVisitTranscript } from "@/lib/summaries/fixtures/doctor-visit";
import { startSummaryWorker } from "@/lib/summaries/worker";
import { runPendingSummaries } from "./jobs";
import { deleteSummary, getSummary, requestSummary, summaryJson } from "./service";
import { createTestAccount, seedTranscription } from "./service-test-fixtures";

type Reply = { status: number; body: unknown } | "hang";
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An OpenAI-compatible chat completions server on 127.0.0.1 answering what `answer` says; counts requests. */
async function chatServer(answer: (index: number) => Reply) {
  const seen: { authorization?: string; body: { model: string } }[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => {
      seen.push({ authorization: req.headers.authorization, body: JSON.parse(data) });
      const reply = answer(seen.length - 1);
      if (reply === "hang") return;
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

const completion = (content: unknown) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify(content) }, finish_reason: "stop" }],
});

const extractive = { engine: createExtractiveEngine() };

describeEachDatabase("summary job", (handle) => {
  const db = () => handle().db;
  let admin: Actor;

  beforeAll(async () => {
    ({ admin } = await createTestAccount(db()));
  });

  const row = async (id: string) => (await db().select().from(summaries).where(eq(summaries.id, id)))[0];
  const eventsFor = async (summaryId: string) =>
    (await db().select().from(outboxEvents).where(sql`${outboxEvents.data}->>'summaryId' = ${summaryId}`)).map((e) => ({
      type: e.type,
      accountId: e.accountId,
      data: e.data,
      body: JSON.parse(e.body),
    }));

  async function requested(segments = meetingTranscript, template: (typeof SUMMARY_TEMPLATES)[number] = "General Bulleted") {
    const t = await seedTranscription(db(), admin.accountId, { segments });
    const { summaryId } = await requestSummary(db(), admin, { transcriptionId: t.id, template });
    return { t, summaryId };
  }

  it("makes a requested summary with the extractive engine from the stored segments and records summary.finished", async () => {
    const { t, summaryId } = await requested();
    expect((await row(summaryId)).state).toBe("in_progress");
    expect(await runPendingSummaries(db(), extractive)).toBe(1);

    const stored = await row(summaryId);
    expect(stored).toMatchObject({ state: "ready", engine: "extractive", error: null, leaseOwner: null, leaseExpiresAt: null });
    expect(summaryContentSchemas["General Bulleted"].parse(stored.summary)).toEqual(stored.summary);
    // Quotes of this transcript, attributed: the speakers who said something substantial all appear.
    const text = String((stored.summary as { summary: string }).summary);
    for (const name of ["Ana Costa", "Ben", "Chloé", "Dmitri"]) expect(text).toContain(`**${name}:**`);

    const view = summaryJson(await getSummary(db(), admin.accountId, summaryId));
    expect(view).toMatchObject({ state: "ready", transcriptionId: t.id, roomSessionId: t.roomSessionId, roomName: t.roomName, template: "General Bulleted" });
    expect(view.summary).toEqual(stored.summary);

    const events = await eventsFor(summaryId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "summary.finished",
      accountId: admin.accountId,
      data: { summaryId, transcriptionId: t.id, template: "General Bulleted", status: "ready" },
    });
    expect(events[0].body).toMatchObject({ type: "summary.finished", apiVersion: "1.0", data: { summaryId, status: "ready" } });
    // Nothing left to do: a second run finds nothing and changes nothing.
    expect(await runPendingSummaries(db(), extractive)).toBe(0);
    expect(await eventsFor(summaryId)).toHaveLength(1);
  });

  it("gives every template its shape", async () => {
    const ids: Record<string, string> = {};
    for (const template of SUMMARY_TEMPLATES) ids[template] = (await requested(doctorVisitTranscript, template)).summaryId;
    expect(await runPendingSummaries(db(), extractive)).toBe(SUMMARY_TEMPLATES.length);
    for (const template of SUMMARY_TEMPLATES) {
      const stored = await row(ids[template]);
      expect(stored.state, template).toBe("ready");
      expect(summaryContentSchemas[template].safeParse(stored.summary).success, template).toBe(true);
    }
    expect(Object.keys((await row(ids.SOAP)).summary!).sort()).toEqual(["SOAP", "summary"]);
    expect(Object.keys((await row(ids["Extended SOAP"])).summary!).sort()).toEqual(["extended_SOAP", "summary"]);
  });

  it("uses the OpenAI-compatible engine the environment configures, with its key and model", async () => {
    const server = await chatServer(() => ({ status: 200, body: completion({ summary: "- The team agreed to move the release." }) }));
    const { summaryId } = await requested();
    const env = { VERBATIM_SUMMARY_ENGINE: "openai", VERBATIM_OPENAI_BASE_URL: server.baseUrl, VERBATIM_OPENAI_API_KEY: "sk-local", VERBATIM_SUMMARY_MODEL: "local-model" };
    expect(await runPendingSummaries(db(), { env })).toBe(1);
    expect(await row(summaryId)).toMatchObject({ state: "ready", engine: "openai/local-model", summary: { summary: "- The team agreed to move the release." } });
    expect(server.seen[0]).toMatchObject({ authorization: "Bearer sk-local", body: { model: "local-model" } });
  });

  it("fails with the engine's reason when the service refuses the key (401), and records summary.failed", async () => {
    const server = await chatServer(() => ({ status: 401, body: { error: { message: "Incorrect API key provided" } } }));
    const { t, summaryId } = await requested();
    const env = { VERBATIM_OPENAI_BASE_URL: server.baseUrl, VERBATIM_OPENAI_API_KEY: "sk-wrong", VERBATIM_SUMMARY_MODEL: "m" };
    expect(await runPendingSummaries(db(), { env })).toBe(1);
    const stored = await row(summaryId);
    expect(stored.state).toBe("failed");
    expect(stored.summary).toBeNull();
    expect(stored.error).toMatch(/answered 401: check VERBATIM_OPENAI_API_KEY/);
    expect(stored.error).toContain("Incorrect API key provided");
    expect(stored.error).not.toContain("sk-wrong");
    expect(summaryJson(await getSummary(db(), admin.accountId, summaryId))).toMatchObject({ state: "failed", summary: null });
    const events = await eventsFor(summaryId);
    expect(events.map((e) => e.type)).toEqual(["summary.failed"]);
    expect(events[0].data).toEqual({ summaryId, transcriptionId: t.id, template: "General Bulleted", status: "failed" });
  });

  it("fails with the status after the engine's retries when the service keeps answering 500", async () => {
    const server = await chatServer(() => ({ status: 500, body: { error: { message: "model crashed" } } }));
    const { summaryId } = await requested();
    const engine = createOpenAiEngine({ baseUrl: server.baseUrl, model: "m", maxRetries: 1, retryDelayMs: 10 });
    expect(await runPendingSummaries(db(), { engine })).toBe(1);
    const stored = await row(summaryId);
    expect(stored.state).toBe("failed");
    expect(stored.error).toMatch(/500/);
    expect(stored.error).toContain("model crashed");
    expect(server.seen).toHaveLength(2);
  });

  it("fails with a reason an admin can act on for a wrong engine setting, an unreachable service and an empty transcript", async () => {
    const badSetting = (await requested()).summaryId;
    expect(await runPendingSummaries(db(), { env: { VERBATIM_SUMMARY_ENGINE: "gpt" } })).toBe(1);
    expect((await row(badSetting)).error).toMatch(/not configured correctly: VERBATIM_SUMMARY_ENGINE must be "extractive" or "openai"/);

    // A port that was just closed: nothing listens there.
    const closed = await chatServer(() => ({ status: 200, body: {} }));
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    const unreachable = (await requested()).summaryId;
    expect(await runPendingSummaries(db(), { env: { VERBATIM_OPENAI_BASE_URL: closed.baseUrl, VERBATIM_SUMMARY_MODEL: "m" } })).toBe(1);
    expect((await row(unreachable)).error).toMatch(/Could not reach the summary service at http:\/\/127\.0\.0\.1:\d+ .*check VERBATIM_OPENAI_BASE_URL/);

    const empty = (await requested([])).summaryId;
    expect(await runPendingSummaries(db(), extractive)).toBe(1);
    expect(await row(empty)).toMatchObject({ state: "failed", error: "The transcript has no speech to summarize" });
  });

  it("picks up a summary whose worker died (expired lease) and leaves one a live worker holds", async () => {
    const { summaryId } = await requested();
    // What a process killed mid-summary leaves behind: claimed once, lease run out.
    await db()
      .update(summaries)
      .set({ leaseOwner: "dead-host:1:x", leaseExpiresAt: new Date(Date.now() - 1000), attempts: 1 })
      .where(eq(summaries.id, summaryId));
    const held = (await requested()).summaryId;
    await db()
      .update(summaries)
      .set({ leaseOwner: "live-host:2:y", leaseExpiresAt: sql`now() + interval '1 hour'`, attempts: 1 })
      .where(eq(summaries.id, held));

    expect(await runPendingSummaries(db(), extractive)).toBe(1);
    expect(await row(summaryId)).toMatchObject({ state: "ready", attempts: 2, leaseOwner: null });
    expect(await row(held)).toMatchObject({ state: "in_progress", leaseOwner: "live-host:2:y" });
    await db().update(summaries).set({ leaseExpiresAt: null }).where(eq(summaries.id, held));
    expect(await runPendingSummaries(db(), extractive)).toBe(1);
  });

  it("fails a summary that was interrupted too often, instead of crashing the server forever", async () => {
    const { summaryId } = await requested();
    await db().update(summaries).set({ leaseOwner: "dead", leaseExpiresAt: new Date(Date.now() - 1000), attempts: 3 }).where(eq(summaries.id, summaryId));
    expect(await runPendingSummaries(db(), extractive)).toBe(1);
    const stored = await row(summaryId);
    expect(stored.state).toBe("failed");
    expect(stored.error).toMatch(/interrupted 3 times.*request it again/);
    expect((await eventsFor(summaryId)).map((e) => e.type)).toEqual(["summary.failed"]);
  });

  it("survives a worker stop mid-summary: the summary is handed back and the next worker finishes it", async () => {
    const server = await chatServer(() => "hang");
    const { summaryId } = await requested();
    const hanging = await startSummaryWorker(handle(), { env: { VERBATIM_OPENAI_BASE_URL: server.baseUrl, VERBATIM_SUMMARY_MODEL: "m" }, pollIntervalMs: 50 });
    try {
      await expect.poll(() => server.seen.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect((await row(summaryId)).leaseOwner?.startsWith(`${os.hostname()}:${process.pid}:`)).toBe(true);
    } finally {
      await hanging.stop();
    }
    expect(await row(summaryId)).toMatchObject({ state: "in_progress", leaseOwner: null, leaseExpiresAt: null, attempts: 0, error: null });
    expect(await eventsFor(summaryId)).toHaveLength(0);

    const next = await startSummaryWorker(handle(), { ...extractive, pollIntervalMs: 50 });
    try {
      await expect.poll(async () => (await row(summaryId)).state, { timeout: 10_000 }).toBe("ready");
    } finally {
      await next.stop();
    }
    expect((await eventsFor(summaryId)).map((e) => e.type)).toEqual(["summary.finished"]);
  });

  it("starts at once when a summary is requested in the same process, and stores nothing for one deleted meanwhile", async () => {
    // Polling far apart: only the wake-up can make it in time for the poll below.
    const worker = await startSummaryWorker(handle(), { ...extractive, pollIntervalMs: 3_600_000 });
    try {
      const { summaryId } = await requested();
      await expect.poll(async () => (await row(summaryId)).state, { timeout: 10_000 }).toBe("ready");
    } finally {
      await worker.stop();
    }

    const server = await chatServer(() => "hang");
    const { summaryId } = await requested();
    const hanging = await startSummaryWorker(handle(), { env: { VERBATIM_OPENAI_BASE_URL: server.baseUrl, VERBATIM_SUMMARY_MODEL: "m" }, pollIntervalMs: 50 });
    try {
      await expect.poll(() => server.seen.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await deleteSummary(db(), admin, summaryId);
    } finally {
      await hanging.stop();
    }
    const stored = await row(summaryId);
    expect(stored.deletedAt).not.toBeNull();
    expect(stored).toMatchObject({ summary: null, error: null, leaseOwner: null });
    expect(await eventsFor(summaryId)).toHaveLength(0);
    expect(await runPendingSummaries(db(), extractive)).toBe(0);
    expect((await db().select().from(summaries).where(and(eq(summaries.id, summaryId), eq(summaries.state, "ready")))).length).toBe(0);
  });

  it("runs each requested summary as a job on the shared queue: made once with two workers on one database", async () => {
    // The sweeps an hour away: only the jobs can make these in time.
    const workers = [await startSummaryWorker(handle(), { ...extractive, pollIntervalMs: 3_600_000 }), await startSummaryWorker(handle(), { ...extractive, pollIntervalMs: 3_600_000 })];
    try {
      const ids = [(await requested()).summaryId, (await requested()).summaryId, (await requested()).summaryId];
      for (const id of ids) await expect.poll(async () => (await row(id)).state, { timeout: 20_000 }).toBe("ready");
      for (const id of ids) {
        expect(await row(id)).toMatchObject({ attempts: 1, leaseOwner: null });
        expect((await eventsFor(id)).map((e) => e.type)).toEqual(["summary.finished"]);
        const jobs = await handle().execute(`select state from pgboss.job where name = 'summary' and data->>'summaryId' = $1`, [id]);
        expect(jobs.map((j) => j.state)).toEqual(["completed"]);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
