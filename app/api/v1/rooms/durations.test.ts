// Durations are true, on both databases with real PocketSphinx: after a crash the session ends at its last sign of life
// (not at the end of the recovery grace), an idle participant leaves as of when last heard, and deleting a room ends
// its session at once with the transcript saved.
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { roomSessions, sessionParticipants, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { abandonAllRuntimesForTests } from "@/lib/pipeline/runtime-registry";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { expireIdleParticipants } from "@/lib/pipeline/presence";
import { recoverOpenSessions } from "@/lib/pipeline/session-recovery";
import { composeSpeech } from "@/lib/testing/speech";
import * as meetingRoute from "../meetings/[meetingId]/route";
import { callRoute, newAccount, newRoom, outboxOf, PCM_TYPE, pcmStream, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
let speech: Buffer;
beforeAll(async () => {
  env = setUpPipelineEnv();
  speech = (await composeSpeech([{ text: "Good morning everyone. Let us start with the budget.", voice: "slt", pauseAfterMs: 1000 }])).pcm;
});
afterAll(() => env.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase("durations are true", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  const transcription = async (id: string) => (await db().select().from(transcriptions).where(eq(transcriptions.id, id)))[0];
  async function waitSaved(id: string) {
    for (let i = 0; i < 400; i++) {
      const t = await transcription(id);
      if (t.state !== "in_progress") return t;
      await sleep(50);
    }
    return transcription(id);
  }

  async function sessionWithSpeech() {
    const { name, room } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const streamed = await callRoute("PUT", `/rooms/${name}/participants/ana/audio`, { key: acct.key, body: pcmStream(speech), contentType: PCM_TYPE });
    expect(streamed.status).toBe(200);
    await settlePipelineTasks();
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    expect((await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId))).length).toBeGreaterThan(0);
    return { name, room, ana, transcriptionId, sessionId: ana.json.roomSessionId as string };
  }

  it("after a crash, ends the session at its last sign of life, not when the recovery grace runs out", async () => {
    const s = await sessionWithSpeech();
    const crashedAt = Date.now();
    abandonAllRuntimesForTests();
    await sleep(1_500); // the server is down a while
    const report = await recoverOpenSessions(db(), { graceMs: 2_000 });
    expect(report.recovered).toContain(s.sessionId);
    const t = await waitSaved(s.transcriptionId);
    await settlePipelineTasks();
    expect(t.state).toBe("ready");
    // The old rule ended it 3.5 s after the crash (down time plus grace) and counted those seconds as transcribed.
    expect(t.endedAt!.getTime()).toBeLessThanOrEqual(crashedAt);
    expect(t.endedAt!.getTime()).toBeGreaterThanOrEqual(t.startedAt.getTime());
    expect(t.durationSeconds).toBeLessThanOrEqual(Math.ceil((crashedAt - t.startedAt.getTime()) / 1000));
    const [session] = await db().select().from(roomSessions).where(eq(roomSessions.id, s.sessionId));
    expect(session.endedAt!.getTime()).toBe(t.endedAt!.getTime());
    const [ana] = await db().select().from(sessionParticipants).where(eq(sessionParticipants.roomSessionId, s.sessionId));
    expect(ana.leftAt!.getTime()).toBeLessThanOrEqual(crashedAt);
  });

  it("an idle participant leaves as of when last heard from, so the transcript does not run on through the idle timeout", async () => {
    const s = await sessionWithSpeech();
    const lastHeard = Date.now();
    const expired = await expireIdleParticipants(db(), 1_000, lastHeard + 60_000); // 60 s later by the sweep's clock
    expect(expired.get(s.sessionId)).toEqual(["ana"]);
    const t = await waitSaved(s.transcriptionId);
    await settlePipelineTasks();
    expect(t.state).toBe("ready");
    expect(t.endedAt!.getTime()).toBeLessThanOrEqual(lastHeard);
  });

  it("DELETE /meetings/{id} in the middle of a session ends it at once and saves the transcript", async () => {
    const s = await sessionWithSpeech();
    const res = await meetingRoute.DELETE(
      new Request(`http://localhost/api/v1/meetings/${s.room.id}`, { method: "DELETE", headers: { authorization: `Bearer ${acct.key}` } }),
      { params: Promise.resolve({ meetingId: s.room.id }) },
    );
    expect(res.status).toBe(204);
    const [session] = await db().select().from(roomSessions).where(eq(roomSessions.id, s.sessionId));
    expect(session.endedAt).not.toBeNull();
    const t = await waitSaved(s.transcriptionId);
    await settlePipelineTasks();
    expect(t.state).toBe("ready");
    expect(t.endedAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.roomSessionId === s.sessionId).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["room.client.left", "room.session.ended", "transcription.finished"]));
    // The room is gone: its participants are told so, and nothing keeps the session open.
    expect((await callRoute("DELETE", `/rooms/${s.name}/participants/ana`, { token: s.ana.json.participantToken })).status).toBe(404);
  });
});
