// A database outage in the middle of a live session, on both databases (PostgreSQL cut at a TCP proxy, PGlite cut in
// its client), with real PocketSphinx on flite speech: nothing accepted is lost, and a full queue refuses new audio.
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { describeEachDatabaseWithOutage } from "@/lib/testing/db-outage-suite";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { subscribeLive, type LiveEvent } from "@/lib/pipeline/live/live-bus";
import { finalizeTranscription } from "@/lib/pipeline/finalize";
import { ownedRuntimes, setSegmentQueueLimitsForTests } from "@/lib/pipeline/runtime-registry";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { unwrittenSegments } from "@/lib/pipeline/session/segment-queue";
import { composeSpeech, MEETING_SENTENCES, normalizeWords } from "@/lib/testing/speech";
import { callRoute, newAccount, newRoom, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
let speech: Buffer;
const OUTAGE_MS = 30_000;
const CUT_AT_MS = 5_000;
beforeAll(async () => {
  env = setUpPipelineEnv();
  // About 45 s of speech: a sentence every five seconds or so, so several end while the database is away.
  speech = (await composeSpeech(MEETING_SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 2500 })))).pcm;
});
afterAll(() => env.cleanup());
afterEach(() => setSegmentQueueLimitsForTests(undefined));

describeEachDatabaseWithOutage("a database outage in the middle of a live session", (ctx) => {
  const db = () => ctx().handle.db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  async function waitReady(transcriptionId: string) {
    for (;;) {
      const [t] = await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId));
      if (t.state !== "in_progress") return t;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const storedText = async (transcriptionId: string) =>
    (
      await db()
        .select({ text: transcriptSegments.text })
        .from(transcriptSegments)
        .where(eq(transcriptSegments.transcriptionId, transcriptionId))
        .orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.id))
    ).map((s) => s.text);

  /** One participant streams `speech` as a media server would; `during` runs while the stream is open. */
  async function session(opts: { realTime: boolean; during?: (roomId: string) => Promise<void> }) {
    const { name, room } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    expect(ana.status).toBe(201);
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    const finals: string[] = [];
    const unsubscribe = subscribeLive(room.id, (e) => {
      if (e.type === "segment" && e.data.final) finals.push(e.data.text);
    });
    const streamed = callRoute("PUT", `/rooms/${name}/participants/ana/audio`, {
      key: acct.key,
      body: pcmStream(speech, 16_000, { realTime: opts.realTime }),
      contentType: PCM_TYPE,
    });
    await opts.during?.(room.id);
    const res = await streamed;
    expect([res.status, res.json]).toEqual([200, { receivedBytes: speech.length }]);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken })).status).toBe(204);
    const t = await waitReady(transcriptionId);
    await settlePipelineTasks();
    unsubscribe();
    return { t, finals, stored: await storedText(transcriptionId) };
  }

  it("keeps every final segment through a 30 s outage and writes them in order when the database is back", async () => {
    const uncut = await session({ realTime: false });
    expect(uncut.t.state).toBe("ready");
    expect(uncut.stored.length).toBeGreaterThanOrEqual(5);

    let finalsDuringOutage = 0;
    let queuedAtEnd = 0;
    const cutRun = await session({
      realTime: true,
      during: async (roomId) => {
        await new Promise((r) => setTimeout(r, CUT_AT_MS));
        ctx().cut();
        const seen = subscribeLive(roomId, (e: LiveEvent) => {
          if (e.type === "segment" && e.data.final) finalsDuringOutage++;
        });
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        seen();
        queuedAtEnd = [...ownedRuntimes().values()].reduce((n, rt) => n + rt.queuedSegmentCount, 0);
        ctx().restore();
      },
    });
    // The outage really held final segments back: recognized while the database was away, written after.
    expect(finalsDuringOutage).toBeGreaterThanOrEqual(2);
    expect(queuedAtEnd).toBeGreaterThanOrEqual(2);

    expect(cutRun.t.state).toBe("ready");
    expect(cutRun.stored).toEqual(cutRun.finals); // every final segment stored once, in order
    expect(normalizeWords(cutRun.stored.join(" "))).toEqual(normalizeWords(uncut.stored.join(" ")));
  }, 180_000);

  it("refuses new audio with 503 and Retry-After when the queue is full, says so in the room state, and loses nothing", async () => {
    setSegmentQueueLimitsForTests({ perSession: 1, perInstance: 10_000 });
    const { name, room } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    const events: LiveEvent[] = [];
    const unsubscribe = subscribeLive(room.id, (e) => events.push(e));
    expect((await callRoute("GET", `/rooms/${name}`)).json.transcription.degraded).toBeNull();

    const streamed = callRoute("PUT", `/rooms/${name}/participants/ana/audio`, {
      key: acct.key,
      body: pcmStream(speech, 16_000, { realTime: true }),
      contentType: PCM_TYPE,
    });
    await new Promise((r) => setTimeout(r, 1_500)); // the stream is open: it needs no database from here on
    ctx().cut();
    const res = await streamed;
    // The first final segment filled the queue (bound 1): the rest of the body was refused, not recognized and dropped.
    expect(res.status).toBe(503);
    expect(res.json.code).toBe("database_unavailable");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(unwrittenSegments(transcriptionId)).toBeGreaterThanOrEqual(1);
    // Nor is it saved while a segment of it is unwritten.
    expect(await finalizeTranscription(db(), transcriptionId, { force: true }).catch(() => undefined)).toBeUndefined();
    const degraded = events.filter((e) => e.type === "state").map((e) => (e.type === "state" ? e.data.transcription.degraded : null));
    expect(degraded.at(-1)).toMatchObject({ reason: "database_unavailable" });

    ctx().restore();
    await settlePipelineTasks();
    for (let i = 0; i < 200 && unwrittenSegments(transcriptionId) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(unwrittenSegments(transcriptionId)).toBe(0);
    const state = await callRoute("GET", `/rooms/${name}`);
    expect(state.json.transcription.degraded).toBeNull();
    expect(events.filter((e) => e.type === "state").at(-1)).toMatchObject({ data: { transcription: { degraded: null } } });

    const finals = events.flatMap((e) => (e.type === "segment" && e.data.final ? [e.data.text] : []));
    expect(finals.length).toBeGreaterThanOrEqual(1);
    expect(await storedText(transcriptionId)).toEqual(finals);
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    expect((await waitReady(transcriptionId)).state).toBe("ready");
    unsubscribe();
  }, 120_000);
});
