// Live sessions through the route handlers on both databases: join/leave, every start trigger, refusals, events in the outbox, limits and ownership.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { rooms, roomSessions, transcriptions } from "@/lib/db/schema";
import { resetAppEnvForTests } from "@/lib/config/env";
import { configuredSpeechEngineStatuses } from "@/lib/speech/status";
import { cutOverdueTranscriptions } from "@/lib/pipeline/overdue-cut";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { callRoute, newAccount, newRoom, openRoute, outboxOf, PCM_TYPE, setUpPipelineEnv, someoneSpoke, type TestAccount } from "./rooms-api-harness";
import { NO_SPEECH_ERROR } from "@/lib/pipeline/finalize";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

describeEachDatabase("live sessions through the routes", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  const join = (name: string, body: Record<string, unknown>, key?: string, token?: string) =>
    callRoute("POST", `/rooms/${name}/participants`, { json: body, key, token });
  const leave = (name: string, pid: string, token?: string) => callRoute("DELETE", `/rooms/${name}/participants/${pid}`, { token });
  const transcriptionsOf = (sessionId: string) => db().select().from(transcriptions).where(eq(transcriptions.roomSessionId, sessionId));

  it("automatic: the first join opens the session and starts; the last leave ends it and saves the transcript", async () => {
    const { room, roomKey, name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const a = await join(name, { participantId: "ana", displayName: "Ana" });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ participantId: "ana", role: "guest", transcription: { state: "in_progress", startTrigger: "automatic", language: "en" } });
    const again = await join(name, { participantId: "ana", displayName: "Ana" }, undefined, a.json.participantToken);
    expect(again.json.roomSessionId).toBe(a.json.roomSessionId);
    const b = await join(name, { participantId: "ben", displayName: "Ben", roomKey });
    expect(b.json.role).toBe("host");
    expect(b.json.roomSessionId).toBe(a.json.roomSessionId);

    const state = await callRoute("GET", `/rooms/${name}`, { key: acct.key });
    expect(state.json).toMatchObject({ roomName: room.roomName, roomSessionId: a.json.roomSessionId, transcription: { state: "in_progress" } });
    expect(state.json.participants.map((p: { participantId: string }) => p.participantId)).toEqual(["ana", "ben"]);
    expect(JSON.stringify(state.json)).not.toContain(roomKey);
    await someoneSpoke(db(), a.json.roomSessionId);

    expect((await leave(name, "ana", a.json.participantToken)).status).toBe(204);
    expect((await leave(name, "ana", a.json.participantToken)).status).toBe(204); // idempotent
    expect((await leave(name, "ben", b.json.participantToken)).status).toBe(204);
    await settlePipelineTasks();

    const [session] = await db().select().from(roomSessions).where(eq(roomSessions.id, a.json.roomSessionId));
    expect(session.endedAt).not.toBeNull();
    expect(session.ownerInstance).toBeNull();
    const [t] = await transcriptionsOf(session.id);
    expect(t).toMatchObject({ state: "ready", storageType: "HOSTED", error: null });
    expect(t.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(t.filename).toBe(`${name}-${t.startedAt.toISOString()}.md`);
    const md = fs.readFileSync(path.join(env.dataDir, "transcripts", t.storageKey!), "utf8");
    expect(md).toContain(`# Transcript: ${room.roomName.replace(/^\//, "/")}`.replace("/", "/"));
    expect(md).toContain("- Participants: Ana, Ben");

    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.roomSessionId === session.id);
    const types = events.map((e) => e.type);
    for (const type of ["room.session.started", "transcription.started", "transcription.finished", "room.session.ended"]) {
      expect(types.filter((x) => x === type)).toHaveLength(1);
    }
    const joined = events.filter((e) => e.type === "room.client.joined").map((e) => e.data);
    expect(joined).toEqual([
      { meetingId: room.id, roomName: room.roomName, roomSessionId: session.id, participantId: "ana", displayName: "Ana", roleName: "guest", numClients: 1 },
      { meetingId: room.id, roomName: room.roomName, roomSessionId: session.id, participantId: "ben", displayName: "Ben", roleName: "host", numClients: 2 },
    ]);
    expect(events.filter((e) => e.type === "room.client.left").map((e) => e.data.numClients)).toEqual([1, 0]);
    const finished = events.find((e) => e.type === "transcription.finished")!.data;
    expect(finished).toEqual({
      roomName: room.roomName,
      roomSessionId: session.id,
      transcriptionId: t.id,
      type: "LIVE_TRANSCRIPTION",
      status: "ready",
      filename: t.filename,
      storageType: "HOSTED",
      durationInSeconds: t.durationSeconds,
    });
    // A new join opens a new session.
    const c = await join(name, { participantId: "ana", displayName: "Ana" });
    expect(c.json.roomSessionId).not.toBe(a.json.roomSessionId);
    await leave(name, "ana", c.json.participantToken);
    await settlePipelineTasks();
  });

  it("automatic-2nd-participant: starts with the second participant, stops only at the last leave", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic-2nd-participant" });
    const a = await join(name, { participantId: "a", displayName: "A" });
    expect(a.json.transcription.state).toBe("idle");
    const b = await join(name, { participantId: "b", displayName: "B" });
    expect(b.json.transcription.state).toBe("in_progress");
    await someoneSpoke(db(), a.json.roomSessionId, "b", "B");
    await leave(name, "b", b.json.participantToken);
    expect((await callRoute("GET", `/rooms/${name}`)).json.transcription.state).toBe("in_progress");
    await leave(name, "a", a.json.participantToken);
    await settlePipelineTasks();
    const all = await transcriptionsOf(a.json.roomSessionId);
    expect(all.map((t) => t.state)).toEqual(["ready"]);
  });

  it("manual: only the host starts and stops; refusals say why", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const guest = await join(name, { participantId: "g", displayName: "Guest" });
    const host = await join(name, { participantId: "h", displayName: "Host", roomKey });
    expect(guest.json.transcription.state).toBe("idle");
    const refused = await callRoute("POST", `/rooms/${name}/transcription/start`, { token: guest.json.participantToken });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(/Only the host/);
    const wrongKey = await callRoute("POST", `/rooms/${name}/transcription/start`, { json: { roomKey: "nope" } });
    expect(wrongKey.status).toBe(403);
    const started = await callRoute("POST", `/rooms/${name}/transcription/start`, { json: { roomKey } });
    expect(started.status).toBe(200);
    expect(started.json.transcription.state).toBe("in_progress");
    await someoneSpoke(db(), host.json.roomSessionId, "h", "Host");
    expect((await callRoute("POST", `/rooms/${name}/transcription/start`, { token: host.json.participantToken })).status).toBe(409);
    expect((await callRoute("POST", `/rooms/${name}/transcription/stop`, { token: guest.json.participantToken })).status).toBe(403);
    const stopped = await callRoute("POST", `/rooms/${name}/transcription/stop`, { token: host.json.participantToken });
    expect(stopped.json.transcription.state).toBe("idle");
    expect((await callRoute("POST", `/rooms/${name}/transcription/stop`, { key: acct.key })).status).toBe(409);
    expect((await callRoute("POST", `/rooms/${name}/transcription/start`, { key: acct.key })).json.transcription.state).toBe("in_progress");
    await someoneSpoke(db(), host.json.roomSessionId, "g", "Guest");
    await leave(name, "g", guest.json.participantToken);
    await leave(name, "h", host.json.participantToken);
    await settlePipelineTasks();
    expect((await transcriptionsOf(host.json.roomSessionId)).map((t) => t.state)).toEqual(["ready", "ready"]);
  });

  it("automatic: the host cannot stop it (403); none: nothing is transcribed and commands answer 409", async () => {
    const auto = await newRoom(db(), acct, { startTrigger: "automatic" });
    const h = await join(auto.name, { participantId: "h", displayName: "H", roomKey: auto.roomKey });
    const stop = await callRoute("POST", `/rooms/${auto.name}/transcription/stop`, { token: h.json.participantToken });
    expect(stop.status).toBe(403);
    expect(stop.json.error).toMatch(/automatically/);
    await leave(auto.name, "h", h.json.participantToken);

    const none = await newRoom(db(), acct, { startTrigger: "none" });
    const n = await join(none.name, { participantId: "h", displayName: "H", roomKey: none.roomKey });
    expect(n.json.transcription).toMatchObject({ state: "idle", startTrigger: "none" });
    const start = await callRoute("POST", `/rooms/${none.name}/transcription/start`, { token: n.json.participantToken });
    expect(start.status).toBe(409);
    expect(start.json.error).toMatch(/turned off|not available/);
    await leave(none.name, "h", n.json.participantToken);
    await settlePipelineTasks();
    expect(await transcriptionsOf(n.json.roomSessionId)).toHaveLength(0);
  });

  it("a room more than an hour past its end date accepts no new session", async () => {
    const { room, name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    await db().update(rooms).set({ endDate: new Date(Date.now() - 30 * 60_000) }).where(eq(rooms.id, room.id));
    const ok = await join(name, { participantId: "a", displayName: "A" });
    expect(ok.status).toBe(201);
    await leave(name, "a", ok.json.participantToken);
    await db().update(rooms).set({ endDate: new Date(Date.now() - 61 * 60_000) }).where(eq(rooms.id, room.id));
    const late = await join(name, { participantId: "a", displayName: "A" });
    expect(late.status).toBe(409);
    expect(late.json.error).toMatch(/accepts no new sessions/);
    await settlePipelineTasks();
  });

  it("checks callers: tokens, keys of other accounts, unknown rooms, bad bodies", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "manual" });
    const other = await newAccount(db());
    const a = await join(name, { participantId: "a", displayName: "A" });
    const b = await join(name, { participantId: "b", displayName: "B" });
    expect((await leave(name, "a")).status).toBe(401);
    expect((await leave(name, "a", "garbage.token")).status).toBe(401);
    expect((await leave(name, "b", a.json.participantToken)).status).toBe(403);
    expect((await callRoute("DELETE", `/rooms/${name}/participants/b`, { key: other.key })).status).toBe(404);
    expect((await callRoute("GET", `/rooms/nosuchroom`)).status).toBe(404);
    expect((await join(name, { displayName: "" })).status).toBe(400);
    expect((await join(name, { participantId: "bad id!", displayName: "X" })).status).toBe(400);
    const noBody = await callRoute("POST", `/rooms/${name}/participants`, { body: "x", contentType: "text/plain" });
    expect(noBody.status).toBe(415);
    // A generated participant id when none is given.
    const gen = await join(name, { displayName: "Zed" });
    expect(gen.json.participantId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    for (const p of [a, b, gen]) expect((await callRoute("DELETE", `/rooms/${name}/participants/${p.json.participantId}`, { key: acct.key })).status).toBe(204);
    // A token for an ended session cannot send audio.
    const chunk = await callRoute("POST", `/rooms/${name}/participants/a/audio/chunks/0`, { token: a.json.participantToken, body: new Uint8Array(8000), contentType: PCM_TYPE });
    expect(chunk.status).toBe(409);
    await settlePipelineTasks();
  });

  it("breakout-group audio is not transcribed", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const a = await join(name, { participantId: "a", displayName: "A", breakoutGroup: "group-1" });
    expect(a.json.transcription.state).toBe("in_progress");
    const chunk = await callRoute("POST", `/rooms/${name}/participants/a/audio/chunks/0`, { token: a.json.participantToken, body: new Uint8Array(8000), contentType: PCM_TYPE });
    expect(chunk.status).toBe(202);
    expect(chunk.json).toEqual({ accepted: true, transcribed: false });
    const back = await join(name, { participantId: "a", displayName: "A", breakoutGroup: null }, undefined, a.json.participantToken);
    const chunk2 = await callRoute("POST", `/rooms/${name}/participants/a/audio/chunks/0`, { token: back.json.participantToken, body: new Uint8Array(8000), contentType: PCM_TYPE });
    expect(chunk2.json).toEqual({ accepted: true, transcribed: true });
    await leave(name, "a", back.json.participantToken);
    await settlePipelineTasks();
  });

  it("a missing speech engine fails the transcription with the reason, never the session", async () => {
    const auto = await newRoom(db(), acct, { startTrigger: "automatic" });
    const manual = await newRoom(db(), acct, { startTrigger: "manual" });
    process.env.VERBATIM_SPEECH_ENGINE = "nosuchengine";
    resetAppEnvForTests();
    try {
      const [status] = await configuredSpeechEngineStatuses({ refresh: true });
      expect(status.ok).toBe(false);
      expect(status.problem).toMatch(/Unknown speech engine "nosuchengine"/);
      const a = await join(auto.name, { participantId: "a", displayName: "A" });
      expect(a.status).toBe(201);
      const [t] = await transcriptionsOf(a.json.roomSessionId);
      expect(t.state).toBe("failed");
      expect(t.error).toMatch(/speech engine is not available.*nosuchengine/);
      const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.transcriptionId === t.id).map((e) => e.type);
      expect(events).toEqual(["transcription.started", "transcription.failed"]);
      const chunk = await callRoute("POST", `/rooms/${auto.name}/participants/a/audio/chunks/0`, { token: a.json.participantToken, body: new Uint8Array(8000), contentType: PCM_TYPE });
      expect(chunk.json).toEqual({ accepted: true, transcribed: false });
      await leave(auto.name, "a", a.json.participantToken);

      const h = await join(manual.name, { participantId: "h", displayName: "H", roomKey: manual.roomKey });
      const start = await callRoute("POST", `/rooms/${manual.name}/transcription/start`, { token: h.json.participantToken });
      expect(start.status).toBe(503);
      expect(start.json.error).toMatch(/not available/);
      await leave(manual.name, "h", h.json.participantToken);
    } finally {
      process.env.VERBATIM_SPEECH_ENGINE = "pocketsphinx";
      resetAppEnvForTests();
      await configuredSpeechEngineStatuses({ refresh: true });
    }
    await settlePipelineTasks();
  });

  it("a session is cut at 12 hours and saved; it does not start again", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const a = await join(name, { participantId: "a", displayName: "A" });
    const [t0] = await transcriptionsOf(a.json.roomSessionId);
    await someoneSpoke(db(), a.json.roomSessionId, "a", "A");
    const cut = await cutOverdueTranscriptions(db(), new Date(t0.startedAt.getTime() + 12 * 3600_000 + 5000));
    expect(cut).toEqual([t0.id]);
    await settlePipelineTasks();
    const [t] = await transcriptionsOf(a.json.roomSessionId);
    expect(t.state).toBe("ready");
    expect(t.durationSeconds).toBe(12 * 3600);
    const b = await join(name, { participantId: "b", displayName: "B" });
    expect(b.json.transcription.state).toBe("idle");
    expect(await transcriptionsOf(a.json.roomSessionId)).toHaveLength(1);
    await leave(name, "a", a.json.participantToken);
    await leave(name, "b", b.json.participantToken);
    await settlePipelineTasks();
  });

  it("a transcription in which nobody was heard is not saved as an empty ready transcript: it fails and says why", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const a = await join(name, { participantId: "mute", displayName: "Muted Mic" });
    await leave(name, "mute", a.json.participantToken);
    await settlePipelineTasks();
    const [t] = await transcriptionsOf(a.json.roomSessionId);
    expect(t).toMatchObject({ state: "failed", error: NO_SPEECH_ERROR, storageKey: null });
    expect(fs.existsSync(path.join(env.dataDir, "transcripts", acct.admin.accountId, t.filename))).toBe(false);
    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.roomSessionId === a.json.roomSessionId);
    expect(events.filter((e) => e.type === "transcription.finished")).toHaveLength(0);
    expect(events.find((e) => e.type === "transcription.failed")?.data).toMatchObject({ transcriptionId: t.id, status: "failed", error: NO_SPEECH_ERROR });
  });

  it("the live stream sends the state first, then changes", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const controller = new AbortController();
    const res = await openRoute("GET", `/rooms/${name}/live`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil('"state":"idle"');
    const a = await join(name, { participantId: "a", displayName: "A" });
    await readUntil('"state":"in_progress"');
    expect(text).toMatch(/event: state\ndata: \{"transcription":\{"state":"in_progress"/);
    controller.abort();
    await reader.cancel();
    await leave(name, "a", a.json.participantToken);
    await settlePipelineTasks();
  });
});
