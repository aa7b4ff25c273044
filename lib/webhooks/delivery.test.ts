// Delivery end to end on both databases: outbox → pg-boss job → signed POST to a real loopback receiver → attempt log.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { outboxEvents, webhookDeliveries } from "@/lib/db/schema";
import type { Actor } from "@/lib/actor";
import type { Db } from "@/lib/db/client";
import { enqueueEvent } from "./outbox";
import { createWebhookEndpoint, rotateWebhookSecret, setWebhookEndpointEnabled, updateWebhookEndpoint } from "./endpoints";
import { endpointHealth } from "./endpoint-health";
import { listDeliveryLog, redeliverEvent, sendTestEvent } from "./deliveries";
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from "./worker";
import { loadDocsVerifier, startTestReceiver, type TestReceiver } from "./test-receiver";
import type { WebhookEventData } from "./events";

const savedEnv = { ...process.env };
beforeAll(() => {
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});
afterAll(() => {
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

const finished = (n: number): WebhookEventData<"transcription.finished"> => ({
  roomName: "/sales-abc",
  roomSessionId: `rs_${n}`,
  transcriptionId: `tr_${n}`,
  type: "LIVE_TRANSCRIPTION",
  status: "ready",
  filename: "sales-abc-2026-12-01T10:00:00.000Z.md",
  storageType: "HOSTED",
  durationInSeconds: 61,
});

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const fastWorker: Partial<WebhookWorkerOptions> = { pollingIntervalSeconds: 0.5, dispatchIntervalMs: 100, sweepIntervalMs: 60_000, retryDelayMs: () => 300 };

describeEachDatabase("webhook delivery", (handle) => {
  const db = (): Db => handle().db;
  let verify: Awaited<ReturnType<typeof loadDocsVerifier>>;
  const open: { receivers: TestReceiver[]; workers: WebhookWorker[] } = { receivers: [], workers: [] };
  let n = 0;

  async function newAdmin(): Promise<Actor> {
    n++;
    const { account, user } = await createAccountWithAdmin(db(), { accountName: `Acme ${n}`, name: "Ana", email: `ana${n}-${randomBytes(3).toString("hex")}@example.com`, password: "correct horse battery" }, { onlyIfEmpty: false, via: "cli" });
    return { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
  }
  async function receiver() {
    const r = await startTestReceiver(verify);
    open.receivers.push(r);
    return r;
  }
  async function worker(options: Partial<WebhookWorkerOptions> = {}) {
    const w = await startWebhookWorker(handle(), { allowPrivate: true, ...fastWorker, ...options });
    open.workers.push(w);
    return w;
  }
  async function endpointFor(actor: Actor, r: TestReceiver, events: string[] = ["transcription.finished"]) {
    const created = await createWebhookEndpoint(db(), actor, { url: r.url, events: events as never, description: "test" }, { allowPrivate: true });
    r.secrets.push(created.secret);
    return created;
  }
  const emit = (actor: Actor, i = 1) => db().transaction((tx) => enqueueEvent(tx, { accountId: actor.accountId, type: "transcription.finished", data: finished(i) }));
  const deliveryStatus = async (eventId: string) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId))).map((d) => d.status);

  beforeAll(async () => {
    verify = await loadDocsVerifier();
  });
  afterEach(async () => {
    for (const w of open.workers.splice(0)) await w.stop();
    for (const r of open.receivers.splice(0)) await r.close();
  });

  it("delivers after two 500s, logs all three attempts, and delivers once more on Redeliver", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    const { endpoint, secret } = await endpointFor(admin, r);
    r.answers.push(500, 500);
    await worker();
    const { eventId } = await emit(admin);

    await until("delivery", async () => (await deliveryStatus(eventId))[0] === "delivered");
    expect(r.received).toHaveLength(3);
    for (const got of r.received) {
      expect(got.validFor).toEqual([secret]); // the guide's verifier accepts every attempt
      expect(got.event.id).toBe(eventId); // stable id across retries
      expect(got.body).toBe(r.received[0].body); // the same bytes every time
      expect(got.headers["content-type"]).toBe("application/json");
    }
    expect(JSON.parse(r.received[0].body)).toMatchObject({ id: eventId, apiVersion: "1.0", type: "transcription.finished", data: finished(1) });

    const [log] = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(log).toMatchObject({ eventId, eventType: "transcription.finished", status: "delivered", reason: "event" });
    expect(log.attempts.map((a) => [a.attemptNumber, a.statusCode, a.ok])).toEqual([
      [3, 200, true],
      [2, 500, false],
      [1, 500, false],
    ]);
    expect(log.attempts[1].responseExcerpt).toBe("failing on purpose with 500");
    expect(log.attempts[0].responseExcerpt).toBe("ok");
    for (const a of log.attempts) {
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
      expect(a.finishedAt!.getTime()).toBeGreaterThanOrEqual(a.startedAt.getTime());
    }

    await redeliverEvent(db(), admin, { webhookId: endpoint.webhookId, eventId });
    await until("redelivery", async () => r.received.length === 4 && (await deliveryStatus(eventId)).every((s) => s === "delivered"));
    expect(r.received[3].event.id).toBe(eventId);
    expect(r.received[3].body).toBe(r.received[0].body);
    const logAfter = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(logAfter.map((d) => [d.reason, d.status, d.attempts.length])).toEqual([
      ["redeliver", "delivered", 1],
      ["event", "delivered", 3],
    ]);
  });

  it("shows an endpoint whose deliveries fail, with what it answered, and an edit keeps the signing secret", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    const { endpoint, secret } = await endpointFor(admin, r);
    expect((await endpointHealth(db(), admin.accountId)).size).toBe(0);
    r.answers.push(503, 503, 503, 503, 503, 503, 503, 503);
    await worker({ retryDelayMs: () => 60_000 });
    const { eventId } = await emit(admin);
    expect(eventId).toBeTruthy();
    const health = await until("a failed attempt in the health", async () => (await endpointHealth(db(), admin.accountId)).get(endpoint.webhookId)?.lastFailure && (await endpointHealth(db(), admin.accountId)).get(endpoint.webhookId));
    expect(health).toMatchObject({ failed: 0, retrying: 1, lastFailure: { statusCode: 503 } });
    // Another account sees nothing of it.
    expect((await endpointHealth(db(), (await newAdmin()).accountId)).size).toBe(0);

    // Editing the URL, description and events keeps the secret: the next event still verifies with it.
    const r2 = await receiver();
    r2.secrets.push(secret);
    const updated = await updateWebhookEndpoint(db(), admin, endpoint.webhookId, { url: r2.url, description: "moved", events: ["transcription.finished", "summary.finished"] }, { allowPrivate: true });
    expect(updated).toMatchObject({ url: r2.url, description: "moved", events: ["transcription.finished", "summary.finished"] });
    await emit(admin, 2);
    await until("delivery to the new URL", async () => r2.received.length === 1);
    expect(r2.received[0].validFor).toEqual([secret]);
    await expect(updateWebhookEndpoint(db(), { ...admin, role: "member" }, endpoint.webhookId, { url: r2.url, events: ["transcription.finished"] })).rejects.toThrow(/admin/i);
    await expect(updateWebhookEndpoint(db(), admin, endpoint.webhookId, { url: "http://10.0.0.1/hook", events: ["transcription.finished"] }, { allowPrivate: false })).rejects.toThrow(/cannot receive webhooks/);
  });

  it("loses nothing when the worker restarts between attempts", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    const { endpoint } = await endpointFor(admin, r);
    r.answers.push(500);
    const first = await worker({ retryDelayMs: () => 1500 });
    const { eventId } = await emit(admin, 2);
    await until("first attempt logged", async () => (await listDeliveryLog(db(), admin.accountId, endpoint.webhookId))[0]?.attempts[0]?.finishedAt);
    await first.stop();
    expect(r.received).toHaveLength(1);
    expect(await deliveryStatus(eventId)).toEqual(["pending"]);

    await worker({ retryDelayMs: () => 1500 });
    await until("delivery by the new worker", async () => (await deliveryStatus(eventId))[0] === "delivered");
    expect(r.received.map((x) => x.event.id)).toEqual([eventId, eventId]);
    const [log] = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(log.attempts.map((a) => a.statusCode)).toEqual([200, 500]);
  });

  it("cuts a receiver that does not answer at 5 s and logs the timeout", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    const { endpoint } = await endpointFor(admin, r);
    r.answers.push("hang");
    await worker({ retryDelayMs: () => null });
    const { eventId } = await emit(admin, 3);
    await until("the attempt to finish", async () => (await deliveryStatus(eventId))[0] === "failed", 400);
    const [log] = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(log.attempts).toHaveLength(1);
    expect(log.attempts[0]).toMatchObject({ ok: false, statusCode: null, error: "timeout after 5000 ms" });
    expect(log.attempts[0].durationMs).toBeGreaterThanOrEqual(5000);
    expect(r.received).toHaveLength(1);
  });

  it("refuses private targets when they are not allowed, when saving and again at delivery", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    for (const url of [r.url, "http://localhost:8080/hook", "https://10.1.2.3/hook", "https://[::1]/hook", "https://169.254.169.254/latest"]) {
      await expect(createWebhookEndpoint(db(), admin, { url, events: ["transcription.finished"] }, { allowPrivate: false })).rejects.toMatchObject({
        code: "validation",
        details: [{ path: "url" }],
      });
    }
    // Saved while allowed, delivered by an instance where it is not: refused at delivery, nothing reaches the receiver.
    const { endpoint } = await endpointFor(admin, r);
    await worker({ allowPrivate: false, retryDelayMs: () => null });
    const { eventId } = await emit(admin, 4);
    await until("the refused attempt", async () => (await deliveryStatus(eventId))[0] === "failed");
    const [log] = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(log.attempts[0].error).toMatch(/^refused: (https is required|private address 127\.0\.0\.1 \(loopback\))/);
    expect(r.received).toHaveLength(0);
  });

  it("refuses at creation, with the reason, a host name that resolves to loopback or a private address", async () => {
    const admin = await newAdmin();
    const resolveTo = (address: string, family = 4) => async () => [{ address, family }];
    await expect(
      createWebhookEndpoint(db(), admin, { url: "https://hooks.customer.example.net/in", events: ["transcription.finished"] }, { allowPrivate: false, resolve: resolveTo("127.0.0.1") }),
    ).rejects.toMatchObject({
      code: "validation",
      details: [{ path: "url", message: "This URL cannot receive webhooks: its host hooks.customer.example.net resolves to private address 127.0.0.1 (loopback)." }],
    });
    await expect(
      createWebhookEndpoint(db(), admin, { url: "https://inside.customer.example.net/in", events: ["transcription.finished"] }, { allowPrivate: false, resolve: resolveTo("fd00::5", 6) }),
    ).rejects.toMatchObject({ details: [{ path: "url", message: expect.stringContaining("resolves to private address fd00::5 (unique-local)") }] });
    // A public answer, or no answer yet, is accepted (each delivery checks again).
    const ok = await createWebhookEndpoint(db(), admin, { url: "https://public.customer.example.net/in", events: ["transcription.finished"] }, { allowPrivate: false, resolve: resolveTo("93.184.215.14") });
    expect(ok.endpoint.url).toBe("https://public.customer.example.net/in");
    const unresolved = createWebhookEndpoint(db(), admin, { url: "https://not-yet.example.com/in", events: ["transcription.finished"] }, { allowPrivate: false });
    await expect(unresolved).resolves.toMatchObject({ endpoint: { url: "https://not-yet.example.com/in" } });
  });

  it("never sends one account's events to another account's endpoints", async () => {
    const ana = await newAdmin();
    const otto = await newAdmin();
    const anaReceiver = await receiver();
    const ottoReceiver = await receiver();
    const anaEndpoint = (await endpointFor(ana, anaReceiver)).endpoint;
    const ottoEndpoint = (await endpointFor(otto, ottoReceiver)).endpoint;
    await worker();
    const { eventId } = await emit(ana, 5);
    await until("ana's delivery", async () => (await deliveryStatus(eventId))[0] === "delivered");
    const { eventId: ottoEvent } = await emit(otto, 6);
    await until("otto's delivery", async () => (await deliveryStatus(ottoEvent))[0] === "delivered");

    expect(anaReceiver.received.map((x) => x.event.id)).toEqual([eventId]);
    expect(ottoReceiver.received.map((x) => x.event.id)).toEqual([ottoEvent]);
    expect((await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId))).map((d) => d.endpointId)).toEqual([anaEndpoint.webhookId]);
    // Otto can neither see Ana's log nor push her event to his endpoint, nor redeliver to hers.
    expect(await listDeliveryLog(db(), otto.accountId, anaEndpoint.webhookId)).toEqual([]);
    await expect(redeliverEvent(db(), otto, { webhookId: ottoEndpoint.webhookId, eventId })).rejects.toMatchObject({ code: "not_found" });
    await expect(redeliverEvent(db(), otto, { webhookId: anaEndpoint.webhookId, eventId })).rejects.toMatchObject({ code: "not_found" });
    await expect(sendTestEvent(db(), otto, anaEndpoint.webhookId)).rejects.toMatchObject({ code: "not_found" });
  });

  it("sends only subscribed events to enabled endpoints", async () => {
    const admin = await newAdmin();
    const wantsSummaries = await receiver();
    const disabled = await receiver();
    const wantsAll = await receiver();
    await endpointFor(admin, wantsSummaries, ["summary.finished"]);
    const off = await endpointFor(admin, disabled, ["transcription.finished"]);
    await setWebhookEndpointEnabled(db(), admin, off.endpoint.webhookId, false);
    await endpointFor(admin, wantsAll, ["transcription.finished", "summary.finished"]);
    await worker();
    const { eventId } = await emit(admin, 7);
    await until("delivery", async () => (await deliveryStatus(eventId))[0] === "delivered");
    const [row] = await db().select().from(outboxEvents).where(eq(outboxEvents.id, eventId));
    expect(row.dispatchedAt).not.toBeNull();
    expect(wantsAll.received).toHaveLength(1);
    expect(wantsSummaries.received).toHaveLength(0);
    expect(disabled.received).toHaveLength(0);
  });

  it("signs with the old and the new secret during a rotation's grace period", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    const { endpoint, secret: oldSecret } = await endpointFor(admin, r);
    const { secret: newSecret } = await rotateWebhookSecret(db(), admin, endpoint.webhookId);
    r.secrets.push(newSecret);
    await worker();
    const { eventId } = await emit(admin, 8);
    await until("delivery", async () => (await deliveryStatus(eventId))[0] === "delivered");
    expect(r.received[0].validFor).toEqual([oldSecret, newSecret]);
    expect(r.received[0].headers["verbatim-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  });

  it("sends a test event to the chosen endpoint only", async () => {
    const admin = await newAdmin();
    const chosen = await receiver();
    const other = await receiver();
    const { endpoint } = await endpointFor(admin, chosen, ["summary.failed"]);
    await endpointFor(admin, other);
    await worker();
    const { eventId } = await sendTestEvent(db(), admin, endpoint.webhookId);
    await until("test delivery", async () => (await deliveryStatus(eventId))[0] === "delivered");
    expect(JSON.parse(chosen.received[0].body)).toMatchObject({ id: eventId, apiVersion: "1.0", type: "webhook.test", data: { webhookId: endpoint.webhookId } });
    expect(chosen.received[0].validFor).toHaveLength(1);
    expect(other.received).toHaveLength(0);
    const [log] = await listDeliveryLog(db(), admin.accountId, endpoint.webhookId);
    expect(log).toMatchObject({ reason: "test", eventType: "webhook.test", status: "delivered" });
  });

  it("makes each attempt once with two workers on one database", async () => {
    const admin = await newAdmin();
    const r = await receiver();
    await endpointFor(admin, r);
    r.answers.push(500, 500, 500);
    await worker();
    await worker();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await emit(admin, 100 + i)).eventId);
    await until("all deliveries", async () => {
      const statuses = await Promise.all(ids.map(deliveryStatus));
      return statuses.every((s) => s.length === 1 && s[0] === "delivered");
    });
    // Three failures and six successes: nine requests, each event delivered successfully exactly once.
    expect(r.received).toHaveLength(9);
    for (const id of ids) expect(r.received.filter((x) => x.event.id === id).length).toBeGreaterThanOrEqual(1);
    const rows = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.accountId, admin.accountId));
    expect(rows.reduce((sum, d) => sum + d.attemptCount, 0)).toBe(9);
  });

  it("rejects a malformed event in the caller's transaction, which then records nothing", async () => {
    const admin = await newAdmin();
    await expect(
      db().transaction((tx) => enqueueEvent(tx, { accountId: admin.accountId, type: "transcription.finished", data: { ...finished(9), status: "failed" } as never })),
    ).rejects.toThrow(/status/);
    const rows = await db().select().from(outboxEvents).where(eq(outboxEvents.accountId, admin.accountId));
    expect(rows).toHaveLength(0);
  });
});
