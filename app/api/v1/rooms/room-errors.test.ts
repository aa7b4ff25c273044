// The room routes answer every error with the one body of api.md ({ error, code, details? }) through the wrapper core:
// 401 and 403 say what to send instead, audio errors keep their own code, and a refusal that passes says when.
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { callRoute, newAccount, newRoom, PCM_TYPE, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

describeEachDatabase("room route errors", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  it("unknown rooms, missing or foreign tokens, and bad bodies each have their code", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "manual" });
    const notFound = await callRoute("GET", `/rooms/no-such-room-${name}`);
    expect(notFound).toMatchObject({ status: 404, json: { error: "The requested resource doesn't exist", code: "not_found" } });

    const anonymous = await callRoute("POST", `/rooms/${name}/participants/ana/heartbeat`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: "Send the participant token (X-Participant-Token) from the join answer, or an API key", code: "unauthorized" });
    const forged = await callRoute("POST", `/rooms/${name}/participants/ana/heartbeat`, { token: "not-a-token" });
    expect(forged.json).toEqual({ error: "The participant token is missing or invalid", code: "unauthorized" });
    const badKey = await callRoute("GET", `/rooms/${name}`, { key: "vbt_nonsense" });
    expect(badKey).toMatchObject({ status: 401, json: { error: "Access token is missing or invalid", code: "unauthorized" } });

    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    expect(ana.status).toBe(201);
    const asBen = await callRoute("POST", `/rooms/${name}/participants/ben/heartbeat`, { token: ana.json.participantToken });
    expect(asBen.status).toBe(403);
    expect(asBen.json).toEqual({ error: "A participant token acts only for its own participant", code: "forbidden" });

    const noName = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "" } });
    expect(noName.status).toBe(400);
    expect(noName.json).toMatchObject({ error: "Validation failed", code: "validation_failed" });
    expect(noName.json.details).toContainEqual({ path: "displayName", message: "Give a display name" });
    const text = await callRoute("POST", `/rooms/${name}/participants`, { body: "displayName=Ana", contentType: "text/plain" });
    expect(text).toMatchObject({ status: 415, json: { code: "unsupported_media_type" } });

    const notRunning = await callRoute("POST", `/rooms/${name}/transcription/stop`, { key: acct.key, json: {} });
    expect(notRunning).toMatchObject({ status: 409, json: { code: "conflict" } });
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { key: acct.key });
    await settlePipelineTasks();
  });

  it("audio errors answer with their own code, as before the one wrapper", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "manual" });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const chunk = (seq: number | string, body: Buffer, contentType = PCM_TYPE) =>
      callRoute("POST", `/rooms/${name}/participants/ana/audio/chunks/${seq}`, { token: ana.json.participantToken, body: new Uint8Array(body), contentType });
    expect(await chunk(0, Buffer.alloc(7999))).toMatchObject({ status: 400, json: { error: expect.stringMatching(/even/), code: "odd_length" } });
    expect(await chunk(1, Buffer.alloc(70_000))).toMatchObject({ status: 413, json: { code: "too_large" } });
    expect(await chunk("x", Buffer.alloc(8000))).toMatchObject({ status: 400, json: { code: "validation_failed", details: [{ path: "seq" }] } });
    expect(await chunk(2, Buffer.alloc(8000), "audio/wav")).toMatchObject({ status: 415, json: { code: "unsupported_media_type" } });
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { key: acct.key });
    await settlePipelineTasks();
  });
});
