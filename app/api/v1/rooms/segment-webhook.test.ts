// The opt-in transcription.segment webhook, end to end: a live session on the tone-word engine, the outbox, the webhook
// worker and a real loopback receiver that checks signatures with the docs' own code. At most one event a second per
// session, every final segment exactly once, in order, only to endpoints that asked for it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { outboxEvents, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { SEGMENT_EVENT_INTERVAL_MS } from "@/lib/pipeline/segment-events";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import { createWebhookEndpoint } from "@/lib/webhooks/endpoints";
import { webhookEnvelopeSchema } from "@/lib/webhooks/events";
import { loadDocsVerifier, startTestReceiver, type TestReceiver } from "@/lib/webhooks/test-receiver";
import { startWebhookWorker, type WebhookWorker } from "@/lib/webhooks/worker";
import { callRoute, newAccount, newRoom, PCM_TYPE, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const CHUNK = 8000;
const SENTENCES = ["good morning everyone", "let us start", "with the budget", "send me the report", "by friday please", "we need three more people", "yes", "thanks bye"];

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv({ engine: createFakeEngine() });
});
afterAll(() => env.cleanup());

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describeEachDatabase("transcription.segment webhook", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  let worker: WebhookWorker;
  let subscriber: TestReceiver;
  let bystander: TestReceiver;

  beforeAll(async () => {
    acct = await newAccount(db());
    const verify = await loadDocsVerifier();
    subscriber = await startTestReceiver(verify);
    bystander = await startTestReceiver(verify);
    const wanted = await createWebhookEndpoint(db(), acct.admin, { url: subscriber.url, events: ["transcription.segment"], description: "live lines" }, { allowPrivate: true });
    subscriber.secrets.push(wanted.secret);
    const notWanted = await createWebhookEndpoint(db(), acct.admin, { url: bystander.url, events: ["transcription.started", "transcription.finished"], description: "files" }, { allowPrivate: true });
    bystander.secrets.push(notWanted.secret);
    worker = await startWebhookWorker(handle(), { allowPrivate: true, pollingIntervalSeconds: 0.5, dispatchIntervalMs: 100, sweepIntervalMs: 60_000, retryDelayMs: () => 300 });
  });
  afterAll(async () => {
    await worker?.stop();
    await subscriber?.close();
    await bystander?.close();
  });

  it("batches new final segments into at most one signed delivery a second per session, losing none", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    // Spoken at a live pace for several seconds, so the segments come over several batches.
    const pcm = toneSpeech(SENTENCES, { pauseMs: 400 }).pcm;
    const start = Date.now();
    for (let seq = 0, at = 0; at < pcm.length; seq++, at += CHUNK) {
      await new Promise((r) => setTimeout(r, Math.max(0, start + seq * 250 - Date.now())));
      const res = await callRoute("POST", `/rooms/${name}/participants/ana/audio/chunks/${seq}`, { token: ana.json.participantToken, body: new Uint8Array(pcm.subarray(at, at + CHUNK)), contentType: PCM_TYPE });
      expect(res.status).toBe(202);
    }
    // Ben's media server sends his whole track at once: his segments come faster than one a second, and are batched.
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { key: acct.key, json: { participantId: "ben", displayName: "Ben" } });
    const benPcm = toneSpeech(SENTENCES.slice(0, 4), { pauseMs: 400 }).pcm;
    expect((await callRoute("PUT", `/rooms/${name}/participants/ben/audio`, { key: acct.key, body: new Uint8Array(benPcm), contentType: PCM_TYPE })).status).toBe(200);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken })).status).toBe(204);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken })).status).toBe(204);
    await until("the transcript", async () => (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0].state === "ready");
    await settlePipelineTasks();

    const stored = await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId)).orderBy(asc(transcriptSegments.id));
    expect(stored.filter((s) => s.participantId === "ana").map((s) => s.text)).toEqual(SENTENCES);
    expect(stored.filter((s) => s.participantId === "ben").map((s) => s.text)).toEqual(SENTENCES.slice(0, 4));

    const events = (await db().select().from(outboxEvents).where(eq(outboxEvents.accountId, acct.admin.accountId)).orderBy(asc(outboxEvents.createdAt))).filter(
      (e) => e.type === "transcription.segment" && (e.data as { transcriptionId: string }).transcriptionId === transcriptionId,
    );
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < events.length; i++) {
      expect(events[i].createdAt.getTime() - events[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(SEGMENT_EVENT_INTERVAL_MS);
    }

    // Every event reached the subscriber, signed with its secret; together they carry every segment once, in order.
    const received = await until("every segment delivery", async () => {
      const mine = subscriber.received.filter((r) => r.event.type === "transcription.segment" && JSON.parse(r.body).data.transcriptionId === transcriptionId);
      return mine.length >= events.length && mine;
    });
    const ids = new Set(received.map((r) => r.event.id));
    expect(ids.size).toBe(events.length);
    for (const r of received) {
      expect(r.validFor).toEqual(subscriber.secrets);
      webhookEnvelopeSchema.parse(JSON.parse(r.body));
    }
    const inOrder = events.flatMap((e) => (received.find((r) => r.event.id === e.id) ? JSON.parse(received.find((r) => r.event.id === e.id)!.body).data.segments : []));
    expect(inOrder).toEqual(stored.map((s) => ({ participantId: s.participantId, displayName: s.displayName, startMs: s.startMs, endMs: s.endMs, text: s.text })));
    expect(JSON.parse(received[0].body).data).toMatchObject({ roomName: `/${name}`, roomSessionId: ana.json.roomSessionId, transcriptionId, type: "LIVE_TRANSCRIPTION" });

    // Opt-in: an endpoint that did not ask for it gets the transcription events it chose, and no segments.
    await until("the bystander's finished event", async () => bystander.received.some((r) => r.event.type === "transcription.finished"));
    expect(bystander.received.map((r) => r.event.type).filter((t) => t === "transcription.segment")).toEqual([]);
  });
});
