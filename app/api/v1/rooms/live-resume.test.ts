// The live stream resumes: every event has an id; a client that reconnects with Last-Event-ID (header or ?lastEventId=)
// gets exactly the finals it missed, from the stored segments, then the live tail, nothing twice. Bad ids get a 400.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { abandonAllRuntimesForTests } from "@/lib/pipeline/runtime-registry";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import { readSse, type SseEvent } from "@/scripts/lib/sse";
import { callRoute, newAccount, newRoom, openRoute, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv({ engine: createFakeEngine({ languages: ["en"] }) });
});
afterAll(() => env.cleanup());

type Reader = { events: SseEvent[]; next(pred: (e: SseEvent) => boolean): Promise<SseEvent>; close(): Promise<void> };

/** Opens the room's live stream and collects its events; `next` waits for the next matching one not taken yet. */
async function openLive(name: string, headers: Record<string, string> = {}, query = ""): Promise<Reader> {
  const stop = new AbortController();
  const res = await openRoute("GET", `/rooms/${name}/live${query}`, { signal: stop.signal, headers });
  expect(res.status).toBe(200);
  const events: SseEvent[] = [];
  let taken = 0;
  let wake = () => {};
  const reading = (async () => {
    try {
      for await (const e of readSse(res.body!, stop.signal)) {
        events.push(e);
        wake();
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async next(pred) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const i = events.findIndex((e, n) => n >= taken && pred(e));
        if (i >= 0) {
          taken = i + 1;
          return events[i];
        }
        if (Date.now() > deadline) throw new Error(`No such event; got ${JSON.stringify(events.slice(taken))}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 200);
        });
      }
    },
    async close() {
      stop.abort();
      await reading;
    },
  };
}

const isFinal = (e: SseEvent) => e.event === "segment" && JSON.parse(e.data).final === true;
const text = (e: SseEvent) => JSON.parse(e.data).text as string;

describeEachDatabase("live stream resume", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  let name: string;
  let token: string;
  beforeAll(async () => {
    acct = await newAccount(db());
    name = (await newRoom(db(), acct, { startTrigger: "automatic", language: "en" })).name;
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    expect(ana.status).toBe(201);
    token = ana.json.participantToken;
  });

  /** Ana says these sentences (a media server's stream); resolves once their finals are stored. */
  async function say(...sentences: string[]) {
    const pcm = toneSpeech(sentences, { pauseMs: 500 }).pcm;
    const res = await callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(pcm), contentType: PCM_TYPE });
    expect(res.status).toBe(200);
    await settlePipelineTasks();
  }

  it("gives every event an id and replays exactly the missed finals, then the live tail", async () => {
    const first = await openLive(name);
    const state = await first.next((e) => e.event === "state");
    expect(state.id).toMatch(/^[0-9a-f-]{36}:\d+$/);
    await say("good morning everyone", "let us start");
    const a = await first.next(isFinal);
    const b = await first.next(isFinal);
    expect([text(a), text(b)]).toEqual(["good morning everyone", "let us start"]);
    // Every event carries an id; interims carry the id of the last final before them (resuming from one repeats nothing).
    expect(first.events.every((e) => e.id)).toBe(true);
    const interimAfterA = first.events.find((e, i) => i > first.events.indexOf(a) && e.event === "segment" && !isFinal(e));
    expect(interimAfterA?.id).toBe(a.id);
    expect(b.id).not.toBe(a.id);
    await first.close();

    // Said while the client was away.
    await say("send me the report", "we need three more people");

    const resumed = await openLive(name, { "Last-Event-ID": b.id! });
    expect((await resumed.next((e) => e.event === "state")).id).toBe(b.id);
    const missed = [await resumed.next(isFinal), await resumed.next(isFinal)];
    expect(missed.map(text)).toEqual(["send me the report", "we need three more people"]);
    await say("thanks bye");
    const tail = await resumed.next(isFinal);
    expect(text(tail)).toBe("thanks bye");
    // Nothing twice, nothing from before the resume point.
    expect(resumed.events.filter(isFinal).map(text)).toEqual(["send me the report", "we need three more people", "thanks bye"]);
    await resumed.close();

    // The query parameter, for clients that cannot set headers; resuming from an interim's id repeats nothing either.
    const byQuery = await openLive(name, {}, `?lastEventId=${encodeURIComponent(missed[0].id!)}`);
    await byQuery.next((e) => e.event === "state");
    expect([text(await byQuery.next(isFinal)), text(await byQuery.next(isFinal))]).toEqual(["we need three more people", "thanks bye"]);
    await byQuery.close();

    // The header wins over the query parameter (EventSource resends the header on a URL that still has the old query).
    const both = await openLive(name, { "Last-Event-ID": tail.id! }, `?lastEventId=${encodeURIComponent(a.id!)}`);
    await both.next((e) => e.event === "state");
    await say("yes");
    expect(text(await both.next(isFinal))).toBe("yes");
    expect(both.events.filter(isFinal).map(text)).toEqual(["yes"]);
    await both.close();
  });

  it("numbers on above the stored finals after a restart, so a client resumes across it", async () => {
    const before = await openLive(name);
    await say("good morning");
    const last = await before.next(isFinal);
    await before.close();
    // The process dies (its runtimes dropped without a flush); the next request rebuilds the session from the database.
    abandonAllRuntimesForTests();
    await say("we need three more people");
    const after = await openLive(name, { "Last-Event-ID": last.id! });
    const next = await after.next(isFinal);
    expect(text(next)).toBe("we need three more people");
    const seq = (id: string) => Number(id.split(":")[1]);
    expect(next.id!.split(":")[0]).toBe(last.id!.split(":")[0]);
    expect(seq(next.id!)).toBeGreaterThan(seq(last.id!));
    await after.close();
  });

  it("answers 400 for a Last-Event-ID it never sent, and for one of another room", async () => {
    for (const bad of ["garbage", "42", `${randomUUID()}:x`, "not-a-uuid:5"]) {
      const res = await callRoute("GET", `/rooms/${name}/live`, { headers: { "Last-Event-ID": bad } });
      expect(res.status).toBe(400);
      expect(res.json.details[0]).toMatchObject({ path: "Last-Event-ID" });
      expect(res.json.details[0].message).toContain("send back the last");
    }
    const elsewhere = await callRoute("GET", `/rooms/${name}/live?lastEventId=${randomUUID()}:5`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.details[0].message).toContain("names no transcription of this stream");
    // An empty one is no resume point: the stream starts from now.
    const empty = await openRoute("GET", `/rooms/${name}/live`, { headers: { "Last-Event-ID": "" }, signal: AbortSignal.timeout(2000) });
    expect(empty.status).toBe(200);
    await empty.body?.cancel();
  });
});
