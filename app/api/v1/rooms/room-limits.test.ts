// Limits on anonymous room traffic through the route handlers: joins per room and per address, participants per room, audio at real time.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { resetAppEnvForTests } from "@/lib/config/env";
import { ADDRESS_JOIN_BUDGET, AUDIO_REALTIME_FACTOR, AUDIO_WINDOW_SECONDS, ROOM_JOIN_BUDGET } from "@/lib/api/room-limits";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { callRoute, newAccount, newRoom, PCM_TYPE, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
  process.env.VERBATIM_ROOM_MAX_PARTICIPANTS = "40";
  resetAppEnvForTests();
});
afterAll(() => {
  delete process.env.VERBATIM_ROOM_MAX_PARTICIPANTS;
  resetAppEnvForTests();
  env.cleanup();
});

describeEachDatabase("anonymous room limits", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });
  const join = (name: string, clientAddress?: string, key?: string) =>
    callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Guest" }, clientAddress, key });
  const leaveAll = async (name: string) => {
    const state = await callRoute("GET", `/rooms/${name}`, { key: acct.key });
    for (const p of state.json.participants) await callRoute("DELETE", `/rooms/${name}/participants/${p.participantId}`, { key: acct.key });
    await settlePipelineTasks();
  };

  it("one address may join only so often; the excess gets 429 with Retry-After", async () => {
    const rooms = [await newRoom(db(), acct, { startTrigger: "none" }), await newRoom(db(), acct, { startTrigger: "none" })];
    const answers = [];
    for (let i = 0; i <= ADDRESS_JOIN_BUDGET.points; i++) answers.push(await join(rooms[i % 2].name, "203.0.113.77"));
    expect(answers.slice(0, -1).every((a) => a.status === 201)).toBe(true);
    const refused = answers.at(-1)!;
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/Too many joins from your network/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected, nor is the account's API key.
    expect((await join(rooms[0].name, "203.0.113.78")).status).toBe(201);
    expect((await join(rooms[0].name, "203.0.113.77", acct.key)).status).toBe(201);
    for (const r of rooms) await leaveAll(r.name);
  });

  it("one room takes only so many joins a minute, from any number of addresses", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "none" });
    const statuses = [];
    for (let i = 0; i <= ROOM_JOIN_BUDGET.points; i++) statuses.push((await join(name)).status);
    expect(statuses.slice(0, -1).every((s) => s === 201)).toBe(true);
    const refused = await join(name);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/Too many people are joining this room/);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    await leaveAll(name);
  });

  it("a full room refuses one more participant with 503 and Retry-After, whoever asks", async () => {
    process.env.VERBATIM_ROOM_MAX_PARTICIPANTS = "3";
    resetAppEnvForTests();
    try {
      const { name } = await newRoom(db(), acct, { startTrigger: "none" });
      const first = await join(name);
      for (let i = 0; i < 2; i++) expect((await join(name)).status).toBe(201);
      const full = await join(name, undefined, acct.key);
      expect(full.status).toBe(503);
      expect(full.json.error).toBe("This room is full: at most 3 participants at once. Try again when someone leaves.");
      expect(full.json.code).toBe("room_full");
      expect(full.headers.get("retry-after")).toBe("30");
      // A present participant joining again is not a new one.
      const again = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: first.json.participantId, displayName: "Guest" }, token: first.json.participantToken });
      expect(again.status).toBe(201);
      await leaveAll(name);
    } finally {
      process.env.VERBATIM_ROOM_MAX_PARTICIPANTS = "40";
      resetAppEnvForTests();
    }
  });

  it("a participant's audio chunks beyond real time are refused with 429 and Retry-After; an API key's are not", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "automatic" });
    const ana = await join(name);
    const chunk = new Uint8Array(32_000); // one second
    const budgetSeconds = AUDIO_WINDOW_SECONDS * AUDIO_REALTIME_FACTOR;
    const post = (seq: number, opts: { token?: string; key?: string }) =>
      callRoute("POST", `/rooms/${name}/participants/${ana.json.participantId}/audio/chunks/${seq}`, { ...opts, body: chunk, contentType: PCM_TYPE });
    let seq = 0;
    for (; seq < budgetSeconds; seq++) expect((await post(seq, { token: ana.json.participantToken })).status).toBe(202);
    const refused = await post(seq, { token: ana.json.participantToken });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/faster than real time/);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(seq, { key: acct.key })).status).toBe(202);
    await leaveAll(name);
  });
});
