// Customers' S3 endpoints under the outbound address policy, against a real "internal service" on loopback: Test connection,
// POST /meetings and a transcript upload never reach it (in any IP encoding, or through a name that rebinds), and
// an unexpected answer's body is never shown.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { resetAppEnvForTests } from "@/lib/config/env";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { testConnectionForForm } from "@/lib/settings/test-connection-form";
import { saveAccountSettings } from "@/lib/settings/save-settings";
import { createS3Storage } from "@/lib/storage/s3";
import { transcriptDownload, readStoredTranscript } from "@/lib/transcripts/transcript-content";
import { getTranscription } from "@/lib/transcripts/transcriptions";
import * as meetingsRoute from "../meetings/route";
import { callRoute, newAccount, newRoom, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

const SECRET_BODY = "INTERNAL-ADMIN-PANEL root:hunter2";

/** A service that must stay unreachable: answers every request with its secret page and counts them. */
let internal: { port: number; hits: string[]; status: number; close(): Promise<void> };
let env: ReturnType<typeof setUpPipelineEnv>;

function allowPrivate(allowed: boolean) {
  process.env.VERBATIM_S3_ALLOW_PRIVATE = allowed ? "1" : "0";
  resetAppEnvForTests();
}

beforeAll(async () => {
  env = setUpPipelineEnv();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(internal.status, { "content-type": "text/plain" }).end(SECRET_BODY);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  internal = {
    port: (server.address() as AddressInfo).port,
    hits,
    status: 500,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
});
afterEach(() => {
  allowPrivate(true);
  internal.hits.length = 0;
  internal.status = 500;
});
afterAll(async () => {
  await internal.close();
  env.cleanup();
});

const encodings = (port: number) => [
  `http://127.0.0.1:${port}`,
  `http://2130706433:${port}`,
  `http://0x7f.0.0.1:${port}`,
  `http://0177.0.0.01:${port}`,
  `http://127.1:${port}`,
  `http://[::ffff:127.0.0.1]:${port}`,
  `http://[::ffff:7f00:1]:${port}`,
  `http://localhost:${port}`,
  `http://LOCALHOST.:${port}`,
  `http://0.0.0.0:${port}`,
];

describeEachDatabase("customer S3 endpoints under the address policy", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });
  const settingsForm = { enabled: "on", startTrigger: "automatic", language: "en", storage: "s3", retentionDays: "" };
  const form = (endpoint: string) => ({ bucket: "customer", region: "us-east-1", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cret-value", endpoint });

  it("Test connection refuses loopback in every encoding and sends nothing", async () => {
    allowPrivate(false);
    for (const endpoint of encodings(internal.port)) {
      const result = await testConnectionForForm(db(), acct.admin, form(endpoint)).catch((error: { details?: { path: string; message: string }[] }) => error);
      // Refused as a field problem before anything is sent, naming the field and the reason.
      expect((result as { details?: { path: string; message: string }[] }).details, endpoint).toEqual([
        { path: "endpoint", message: expect.stringMatching(/is not allowed: private address .*\((loopback|unspecified)/) },
      ]);
    }
    expect(internal.hits).toEqual([]);
  });

  it("saving account settings and POST /meetings refuse a private endpoint with a 400 naming the field", async () => {
    allowPrivate(false);
    await expect(saveAccountSettings(db(), acct.admin, { ...settingsForm, ...form(`http://[::ffff:7f00:1]:${internal.port}`) })).rejects.toMatchObject({
      details: [{ path: "endpoint", message: expect.stringContaining("private address ::ffff:7f00:1 (loopback, embedded IPv4 127.0.0.1)") }],
    });
    const request = new Request("http://localhost/api/v1/meetings", {
      method: "POST",
      headers: { authorization: `Bearer ${acct.key}`, "content-type": "application/json" },
      body: JSON.stringify({
        endDate: new Date(Date.now() + 3600_000).toISOString(),
        liveTranscription: {
          destination: { provider: "s3", bucket: "customer", region: "us-east-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: `http://2130706433:${internal.port}` },
        },
      }),
    });
    const res = await meetingsRoute.POST(request);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: { path: string; message: string }[] };
    expect(body.details).toEqual([{ path: "liveTranscription.destination.endpoint", message: expect.stringContaining("(loopback)") }]);
    // The metadata service stays refused even when the operator allows private endpoints.
    allowPrivate(true);
    await expect(saveAccountSettings(db(), acct.admin, { ...settingsForm, ...form("http://169.254.169.254") })).rejects.toMatchObject({
      details: [{ path: "endpoint", message: expect.stringContaining("cloud metadata") }],
    });
    expect(internal.hits).toEqual([]);
  });

  it("a stored room destination on an internal address is refused at connection: the upload fails with a fixed reason, nothing is sent", async () => {
    // Saved while the operator allowed private endpoints; the operator then turns that off.
    const { name } = await newRoom(db(), acct, {
      startTrigger: "automatic",
      destination: { provider: "s3", bucket: "customer", region: "us-east-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: `http://127.0.0.1:${internal.port}` },
    });
    allowPrivate(false);
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Ana" } });
    const id = ana.json.transcription.transcriptionId as string;
    await db().insert(transcriptSegments).values({ accountId: acct.admin.accountId, transcriptionId: id, participantId: ana.json.participantId, displayName: "Ana", startMs: 0, endMs: 900, text: "hello" });
    await callRoute("DELETE", `/rooms/${name}/participants/${ana.json.participantId}`, { token: ana.json.participantToken });
    await settlePipelineTasks();
    const [row] = await db().select().from(transcriptions).where(eq(transcriptions.id, id));
    expect(row.state).toBe("in_progress");
    expect(row.error).toMatch(/not allowed/);
    expect(internal.hits).toEqual([]);
  });

  it("never shows the body of an unexpected answer: Test connection, the upload error, the transcript view and the .md download", async () => {
    allowPrivate(true);
    const check = await testConnectionForForm(db(), acct.admin, form(`http://127.0.0.1:${internal.port}`), { network: { maxAttempts: 1 } });
    expect(check.ok).toBe(false);
    expect(check.message).toContain("HTTP 500");
    expect(check.message).not.toContain("INTERNAL");
    expect(internal.hits.length).toBeGreaterThan(0);

    const { name } = await newRoom(db(), acct, {
      startTrigger: "automatic",
      destination: { provider: "s3", bucket: "customer", region: "us-east-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: `http://127.0.0.1:${internal.port}` },
    });
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { displayName: "Ana" } });
    const id = ana.json.transcription.transcriptionId as string;
    await db().insert(transcriptSegments).values({ accountId: acct.admin.accountId, transcriptionId: id, participantId: ana.json.participantId, displayName: "Ana", startMs: 0, endMs: 900, text: "hello" });
    await callRoute("DELETE", `/rooms/${name}/participants/${ana.json.participantId}`, { token: ana.json.participantToken });
    await settlePipelineTasks();
    const [failed] = await db().select().from(transcriptions).where(eq(transcriptions.id, id));
    // A short fixed reason, never the service's own answer.
    expect(failed.error).toBe("the storage service answered with an error");

    // Say the upload went through; reading the file back then gets the service's error page.
    await db().update(transcriptions).set({ phase: "ready", storageKey: failed.filename, error: null }).where(eq(transcriptions.id, id));
    const row = await getTranscription(db(), acct.admin.accountId, id);
    const read = await readStoredTranscript(row);
    expect(read.status).toBe("unavailable");
    expect(JSON.stringify(read)).not.toContain("INTERNAL");
    const md = await transcriptDownload(db(), acct.admin.accountId, id, "md");
    expect(md.source).toBe("segments");
    expect(md.body.toString("utf8")).not.toContain("INTERNAL");
  });

  it("checks every connection against the resolved address: a name that resolves to loopback is refused at connect time", async () => {
    allowPrivate(false);
    const answers = ["93.184.215.14", "127.0.0.1"];
    let asked = 0;
    const storage = createS3Storage({
      kind: "self_hosted",
      bucket: "customer",
      region: "us-east-1",
      accessKeyId: "AKIA1",
      secretAccessKey: "s",
      endpoint: `http://rebind.example:${internal.port}`,
      network: { maxAttempts: 1 },
      // A DNS server that answers public when the endpoint is saved and loopback when the upload connects.
      addressPolicy: { allowPrivate: false, resolve: async () => [{ address: answers[Math.min(asked++, 1)], family: 4 }].slice(0, 1) },
    });
    asked = 1;
    await expect(storage.put("x.md", "x", "text/markdown")).rejects.toMatchObject({ code: "unreachable", message: expect.stringContaining("127.0.0.1 (loopback), which is not allowed") });
    expect(internal.hits).toEqual([]);
  });
});
