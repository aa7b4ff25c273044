// Participants who vanish without leaving (a crashed browser, a lost network): the idle timeout lets them go, with the
// usual events, so the session ends and its transcript is saved instead of running until the 12-hour cut.
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { roomSessions, transcriptions } from "@/lib/db/schema";
import { expireIdleParticipants } from "@/lib/pipeline/presence";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { callRoute, newAccount, newRoom, outboxOf, PCM_TYPE, setUpPipelineEnv, someoneSpoke, type TestAccount } from "./rooms-api-harness";

const IDLE_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

describeEachDatabase("idle participants", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  const join = (name: string, participantId: string) =>
    callRoute("POST", `/rooms/${name}/participants`, { json: { participantId, displayName: participantId.toUpperCase() } });
  const heartbeat = (name: string, participantId: string, token?: string) =>
    callRoute("POST", `/rooms/${name}/participants/${participantId}/heartbeat`, { token });
  const session = async (id: string) => (await db().select().from(roomSessions).where(eq(roomSessions.id, id)))[0];

  it("lets go of a participant not heard from, keeps one who sent a heartbeat or audio, and ends the session with the last", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await join(name, "ana");
    const ben = await join(name, "ben");
    const cleo = await join(name, "cleo");
    const sessionId = ana.json.roomSessionId as string;
    await sleep(30);
    // From here on Ben says he is still here (muted) and Cleo sends audio; Ana's browser has gone silent.
    const since = Date.now();
    expect((await heartbeat(name, "ben", ben.json.participantToken)).status).toBe(204);
    const chunk = await callRoute("POST", `/rooms/${name}/participants/cleo/audio/chunks/0`, {
      token: cleo.json.participantToken,
      body: new Uint8Array(8000),
      contentType: PCM_TYPE,
    });
    expect(chunk.status).toBe(202);
    await someoneSpoke(db(), sessionId, "cleo", "Cleo");

    const expired = await expireIdleParticipants(db(), IDLE_MS, since + IDLE_MS - 1);
    expect(expired.get(sessionId)).toEqual(["ana"]);
    await settlePipelineTasks();
    const snapshot = await callRoute("GET", `/rooms/${name}`, { key: acct.key });
    expect(snapshot.json.participants.map((p: { participantId: string }) => p.participantId).sort()).toEqual(["ben", "cleo"]);
    expect((await session(sessionId)).endedAt).toBeNull();
    // Ana's page comes back to life: her heartbeat is refused as not present, so it knows to join again.
    expect((await heartbeat(name, "ana", ana.json.participantToken)).status).toBe(404);

    // Later, both other clients vanish too: the session ends and the transcript is saved.
    const all = await expireIdleParticipants(db(), IDLE_MS, Date.now() + IDLE_MS);
    expect(all.get(sessionId)?.sort()).toEqual(["ben", "cleo"]);
    await settlePipelineTasks();
    expect((await session(sessionId)).endedAt).not.toBeNull();
    const [t] = await db().select().from(transcriptions).where(eq(transcriptions.roomSessionId, sessionId));
    expect(t.state).toBe("ready");

    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.roomSessionId === sessionId);
    const left = events.filter((e) => e.type === "room.client.left");
    expect(left.map((e) => [e.data.participantId, e.data.numClients])).toEqual([["ana", 2], expect.any(Array), expect.any(Array)]);
    expect(left.map((e) => e.data.numClients).sort()).toEqual([0, 1, 2]);
    expect(events.filter((e) => e.type === "room.session.ended")).toHaveLength(1);
    expect(events.filter((e) => e.type === "transcription.finished")).toHaveLength(1);
    // The session is over: a heartbeat with its token must join again.
    expect((await heartbeat(name, "ben", ben.json.participantToken)).status).toBe(409);
  });

  it("never counts a participant who is sending an audio stream as idle", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await join(name, "ana");
    const sessionId = ana.json.roomSessionId as string;
    let close!: () => void;
    const closed = new Promise<void>((r) => (close = r));
    let sent = false;
    let waiting = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new Uint8Array(3200));
          return;
        }
        waiting = true; // the server took the first piece and asks for more: the stream is open
        await closed; // a media server holding the track open, sending nothing for now
        controller.close();
      },
    });
    const streaming = callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body, contentType: PCM_TYPE });
    while (!waiting) await sleep(20);
    expect((await expireIdleParticipants(db(), IDLE_MS, Date.now() + 10 * IDLE_MS)).size).toBe(0);
    close();
    expect((await streaming).status).toBe(200);
    // Idle time counts from the end of the stream.
    expect((await expireIdleParticipants(db(), IDLE_MS, Date.now() + IDLE_MS - 5_000)).size).toBe(0);
    expect((await expireIdleParticipants(db(), IDLE_MS, Date.now() + IDLE_MS)).get(sessionId)).toEqual(["ana"]);
    await settlePipelineTasks();
    expect((await session(sessionId)).endedAt).not.toBeNull();
  });

  it("refuses a heartbeat without a token, or for another participant", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await join(name, "ana");
    await join(name, "ben");
    expect((await heartbeat(name, "ana")).status).toBe(401);
    const other = await heartbeat(name, "ben", ana.json.participantToken);
    expect(other.status).toBe(403);
    expect(other.json.error).toMatch(/own participant/);
    expect((await callRoute("POST", `/rooms/${name}/participants/ben/heartbeat`, { key: acct.key })).status).toBe(204);
    expect((await heartbeat("no-such-room", "ana", ana.json.participantToken)).status).toBe(404);
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { key: acct.key });
    await callRoute("DELETE", `/rooms/${name}/participants/ben`, { key: acct.key });
    await settlePipelineTasks();
  });
});
