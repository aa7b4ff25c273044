// NUL characters anywhere in input are a 400 naming the field, through the real route handlers and the action wrapper (PostgreSQL text cannot hold them: it used to be a 500).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { checkedForm, NUL_MESSAGE } from "@/lib/validation/no-nul";
import * as meetingsRoute from "./meetings/route";
import * as transcriptionsRoute from "./transcriptions/route";
import * as webhooksRoute from "./webhooks/route";
import { callRoute, newAccount, newRoom, setUpPipelineEnv, type TestAccount } from "./rooms/rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

describeEachDatabase("NUL characters in input", (handle) => {
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(handle().db);
  });
  const api = async (handler: (r: Request) => Promise<Response>, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${acct.key}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await handler(new Request(`http://localhost/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
    return { status: res.status, json: (await res.json()) as { error: string; details?: { path: string; message: string }[] } };
  };

  it("room names in paths and display names", async () => {
    const { name } = await newRoom(handle().db, acct, { startTrigger: "none" });
    const inPath = await callRoute("POST", `/rooms/${name}%00x/participants`, { json: { displayName: "Ana" } });
    expect(inPath.status).toBe(400);
    expect(inPath.json.details).toEqual([{ path: "roomName", message: NUL_MESSAGE }]);
    const displayName = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Ana\u0000Evil" } });
    expect(displayName.status).toBe(400);
    expect(displayName.json.details).toEqual([{ path: "displayName", message: NUL_MESSAGE }]);
  });

  it("filters, webhook descriptions and a room's S3 endpoint in the REST API", async () => {
    const filter = await api(transcriptionsRoute.GET, "GET", `/transcriptions?roomName=${encodeURIComponent("/a\u0000b")}`);
    expect(filter).toMatchObject({ status: 400, json: { details: [{ path: "roomName", message: NUL_MESSAGE }] } });
    const hook = await api(webhooksRoute.POST, "POST", "/webhooks", { url: "https://hooks.example.com/in", description: "ops\u0000", events: ["transcription.finished"] });
    expect(hook).toMatchObject({ status: 400, json: { details: [{ path: "description", message: NUL_MESSAGE }] } });
    const meeting = await api(meetingsRoute.POST, "POST", "/meetings", {
      endDate: new Date(Date.now() + 3600_000).toISOString(),
      liveTranscription: { destination: { provider: "s3", bucket: "bucket", region: "eu-west-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: "https://s3.example.com\u0000" } },
    });
    expect(meeting).toMatchObject({ status: 400, json: { details: [{ path: "liveTranscription.destination.endpoint", message: NUL_MESSAGE }] } });
  });

  it("the form reader of the action wrapper every form goes through (invite names, API key names, settings) names the field", () => {
    const form = new FormData();
    form.set("name", "CI\u0000key");
    form.set("$ACTION_ID_x", "");
    expect(() => checkedForm(form)).toThrow(expect.objectContaining({ code: "validation", details: [{ path: "name", message: NUL_MESSAGE }] }));
    form.set("name", "CI key");
    expect(checkedForm(form)).toEqual({ name: "CI key" });
  });
});
