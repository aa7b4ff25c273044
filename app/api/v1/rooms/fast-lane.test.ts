// The fast lane: a whole session through the route handlers in seconds, on the tone-word engine instead of PocketSphinx.
// Two speakers (a media server's stream, a browser's numbered chunks with losses, repeats and reordering), the live
// stream's interim and final text, the saved transcript word for word, in a German room.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions } from "@/lib/db/schema";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { createFakeEngine, toneSpeech } from "@/lib/testing/fake-engine";
import { readSse } from "@/scripts/lib/sse";
import { callRoute, newAccount, newRoom, openRoute, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const opened: { language: string }[] = [];
let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv({ engine: createFakeEngine({ languages: ["en", "de"], onOpen: (o) => opened.push({ language: o.language }) }) });
});
afterAll(() => env.cleanup());

const ANA = ["guten tag", "hallo welt danke"];
const BEN = ["bitte send me the report", "thanks bye"];
const CHUNK = 8000; // 250 ms

type Live = { participantId: string; displayName: string; text: string; final: boolean };

describeEachDatabase("fast lane: a session on the tone-word engine", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("puts each speaker's words, and only theirs, live and in the saved transcript", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic", language: "de" });
    const before = opened.length;
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const ben = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ben", displayName: "Ben" } });
    expect([ana.status, ben.status]).toEqual([201, 201]);
    const transcriptionId = ben.json.transcription.transcriptionId as string;

    const live: Live[] = [];
    const stop = new AbortController();
    const res = await openRoute("GET", `/rooms/${name}/live`, { signal: stop.signal });
    const reading = (async () => {
      try {
        for await (const e of readSse(res.body!, stop.signal)) if (e.event === "segment") live.push(JSON.parse(e.data) as Live);
      } catch {
        // aborted at the end
      }
    })();

    // Ana: a media server streams her track with the API key, in odd-sized pieces the server re-aligns.
    const anaPcm = toneSpeech(ANA).pcm;
    const streamed = callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(anaPcm, 3201), contentType: PCM_TYPE });
    // Ben: numbered chunks; one repeated, two swapped, and a lost one that only held quiet (it becomes silence).
    const benSpeech = toneSpeech(BEN, { leadMs: 300, pauseMs: 900 });
    const chunks: Buffer[] = [];
    for (let at = 0; at < benSpeech.pcm.length; at += CHUNK) chunks.push(benSpeech.pcm.subarray(at, at + CHUNK));
    const quietChunk = chunks.findIndex((c, i) => i > 0 && c.every((b) => b === 0));
    expect(quietChunk).toBeGreaterThan(0);
    const order = chunks.map((_, i) => i).filter((i) => i !== quietChunk);
    [order[1], order[2]] = [order[2], order[1]];
    order.splice(3, 0, order[3]);
    const post = (seq: number) =>
      callRoute("POST", `/rooms/${name}/participants/ben/audio/chunks/${seq}`, { token: ben.json.participantToken, body: new Uint8Array(chunks[seq]), contentType: PCM_TYPE });
    for (const seq of order) expect((await post(seq)).status).toBeLessThan(300);
    expect((await streamed).json).toEqual({ receivedBytes: anaPcm.length });

    expect((await callRoute("DELETE", `/rooms/${name}/participants/ben`, { token: ben.json.participantToken })).status).toBe(204);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken })).status).toBe(204);
    let t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    for (let i = 0; i < 500 && t.state === "in_progress"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      t = (await db().select().from(transcriptions).where(eq(transcriptions.id, transcriptionId)))[0];
    }
    await settlePipelineTasks();
    stop.abort();
    await reading;
    expect(t.state).toBe("ready");
    expect(t.engineId).toBe("fake");
    // One engine stream per track, in the room's language.
    expect(opened.slice(before)).toEqual([{ language: "de" }, { language: "de" }]);

    // Live: each sentence's words grew as interim text under its speaker, then came final.
    for (const [id, sentences] of [["ana", ANA], ["ben", BEN]] as const) {
      const mine = live.filter((s) => s.participantId === id);
      expect(mine.filter((s) => s.final).map((s) => s.text)).toEqual(sentences);
      for (const sentence of sentences) {
        const firstFinal = mine.findIndex((s) => s.final && s.text === sentence);
        expect(mine.slice(0, firstFinal).some((s) => !s.final && s.text === sentence.split(" ")[0])).toBe(true);
      }
    }

    // Saved: the words, each under its speaker, and nobody else's.
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    expect(md).toContain("- Language: de");
    const said = (who: string) => md.split("\n").filter((l) => l.includes(`] ${who}:**`)).map((l) => l.replace(/^.*:\*\* /, ""));
    expect(said("Ana")).toEqual(ANA);
    expect(said("Ben")).toEqual(BEN);
  });
});
