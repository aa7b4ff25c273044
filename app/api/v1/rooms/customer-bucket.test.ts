// A customer's bucket that fails, then recovers (a real s3rver started late on the configured port), on both databases:
// retries with backoff, visible attempts and error, `failed` after the last retry, and an admin's retry from kept segments;
// with the upload retry worker running, each attempt arrives as a pg-boss job at its due time.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { transcriptions, transcriptSegments } from "@/lib/db/schema";
import { createS3Storage } from "@/lib/storage/s3";
import { retryDueUploads, retryTranscriptUpload } from "@/lib/pipeline/finalize";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { startUploadRetryWorker } from "@/lib/pipeline/upload-retry-worker";
import { resetAppEnvForTests } from "@/lib/config/env";
import { startLocalS3Server } from "@/lib/storage/local-s3-server";
import { dashboardTranscriptionPage } from "@/lib/transcripts/dashboard-list";
import { transcriptionListFiltersSchema } from "@/lib/transcripts/validation";
import * as retryRoute from "../transcriptions/[transcriptionId]/retry-upload/route";
import { callRoute, newAccount, newRoom, outboxOf, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
const servers: { close(): Promise<void>; dir: string }[] = [];
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(async () => {
  for (const s of servers) {
    await s.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
  env.cleanup();
});

/** A loopback port with nothing listening on it (yet). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function startS3rverOn(port: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-s3rver-late-"));
  const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory: dir, configureBuckets: [{ name: "customer" }] });
  await server.run();
  servers.push({
    dir,
    close: async () => {
      server.httpServer?.closeAllConnections();
      await server.close();
    },
  });
}

describeEachDatabase("customer bucket that fails, then recovers", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });

  const bucketRoom = (port: number) =>
    newRoom(db(), acct, {
      startTrigger: "automatic",
      destination: {
        provider: "s3",
        bucket: "customer/meetings",
        region: "us-east-1",
        accessKeyId: "S3RVER",
        accessKeySecret: "S3RVER",
        endpoint: `http://127.0.0.1:${port}`,
      },
    });

  /** A session with one stored final segment, ended: its upload is attempted once at the end. */
  async function endedSession(name: string) {
    const ana = await callRoute("POST", `/rooms/${name}/participants`, { json: { participantId: "ana", displayName: "Ana" } });
    const transcriptionId = ana.json.transcription.transcriptionId as string;
    await db()
      .insert(transcriptSegments)
      .values({ accountId: acct.admin.accountId, transcriptionId, participantId: "ana", displayName: "Ana", startMs: 1200, endMs: 2500, text: "the budget is approved" });
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken });
    await settlePipelineTasks();
    return transcriptionId;
  }
  const row = async (id: string) => (await db().select().from(transcriptions).where(eq(transcriptions.id, id)))[0];

  it("retries with backoff while the bucket is down, then saves it when it comes up", async () => {
    const port = await closedPort();
    const { name } = await bucketRoom(port);
    const id = await endedSession(name);
    let t = await row(id);
    expect(t).toMatchObject({ state: "in_progress", phase: "upload_retrying", uploadAttempts: 1, storageType: "SELF_HOSTED" });
    expect(t.error).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}|reach|connect`, "i"));
    expect(t.uploadDueAt!.getTime()).toBeGreaterThan(Date.now());

    // Not due yet: nothing happens.
    expect(await retryDueUploads(db())).toEqual([]);
    await retryDueUploads(db(), { now: () => new Date(t.uploadDueAt!.getTime() + 1) });
    t = await row(id);
    expect(t).toMatchObject({ state: "in_progress", uploadAttempts: 2 });

    await startS3rverOn(port);
    const [saved] = await retryDueUploads(db(), { now: () => new Date(t.uploadDueAt!.getTime() + 1) });
    expect(saved).toMatchObject({ id, state: "ready", error: null, storageKey: t.filename });
    const storage = createS3Storage({ kind: "self_hosted", bucket: "customer/meetings", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", endpoint: `http://127.0.0.1:${port}` });
    const md = (await storage.get(t.filename)).toString("utf8");
    expect(md).toContain("**[00:00:01] Ana:** the budget is approved");
    // Its size is kept for the storage-used figures.
    expect((await row(id)).sizeBytes).toBe(Buffer.byteLength(md, "utf8"));
    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.transcriptionId === id);
    expect(events.map((e) => e.type)).toEqual(["transcription.started", "transcription.finished"]);
    expect(events[1].data).toMatchObject({ status: "ready", storageType: "SELF_HOSTED", filename: t.filename });
  });

  it("after the last retry it is failed with the reason, the text is kept, and an admin's retry saves it", async () => {
    const port = await closedPort();
    const { name } = await bucketRoom(port);
    const id = await endedSession(name);
    const far = () => new Date(Date.now() + 3600_000);
    await retryDueUploads(db(), { now: far, backoffMs: [1, 1] });
    expect((await row(id)).state).toBe("in_progress");
    await retryDueUploads(db(), { now: () => new Date(far().getTime() + 10), backoffMs: [1, 1] });
    const failed = await row(id);
    expect(failed.state).toBe("failed");
    expect(failed.uploadAttempts).toBe(3);
    expect(failed.error).toMatch(/could not be saved after 3 attempts/);
    const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.transcriptionId === id);
    expect(events.map((e) => e.type)).toEqual(["transcription.started", "transcription.failed"]);
    expect(events[1].data.error).toBe(failed.error);
    expect(await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, id))).toHaveLength(1);

    const member = { ...acct.admin, role: "member" as const };
    await expect(retryTranscriptUpload(db(), member, id)).rejects.toThrow(/Only account admins/);
    await expect(retryTranscriptUpload(db(), acct.admin, "not-a-uuid")).rejects.toThrow(/doesn't exist/);

    await startS3rverOn(port);
    const ready = await retryTranscriptUpload(db(), acct.admin, id);
    expect(ready).toMatchObject({ state: "ready", error: null });
    await expect(retryTranscriptUpload(db(), acct.admin, id)).rejects.toThrow(/already saved/);
  });

  it("a bucket that stops: the list says when the save is retried and why; after the last retry an admin's POST retry-upload saves it once the bucket is back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-s3rver-restart-"));
    let bucket = await startLocalS3Server({ buckets: ["customer"], directory: dir });
    const port = Number(new URL(bucket.endpoint).port);
    const { name } = await bucketRoom(port);
    await bucket.close(); // the customer's bucket goes away before the session ends
    const id = await endedSession(name);

    // While retrying: "Saving to your bucket failed, retrying at <time>" with a fixed reason (never the service's own words).
    const page = await dashboardTranscriptionPage(db(), acct.admin.accountId, transcriptionListFiltersSchema.parse({ room: `/${name}` }));
    const item = page.items.find((i) => i.id === id)!;
    const t = await row(id);
    expect(item).toMatchObject({ state: "in_progress", saveStatus: { kind: "retrying", where: "your bucket", reason: "the storage service could not be reached" } });
    expect(item.saveStatus?.kind === "retrying" && item.saveStatus.retryAt).toBe(t.uploadDueAt!.toISOString());

    const other = await newAccount(db());
    const retry = (key: string, transcriptionId = id) =>
      retryRoute.POST(
        new Request(`http://localhost/api/v1/transcriptions/${transcriptionId}/retry-upload`, { method: "POST", headers: { authorization: `Bearer ${key}` } }),
        { params: Promise.resolve({ transcriptionId }) },
      );
    // Not failed yet (it retries by itself): 409.
    expect((await retry(acct.key)).status).toBe(409);

    const far = () => new Date(Date.now() + 3600_000);
    await retryDueUploads(db(), { now: far, backoffMs: [1] });
    expect(await row(id)).toMatchObject({ state: "failed", phase: "upload_failed" });
    // Another account's key: not found, exactly as a missing id.
    expect((await retry(other.key)).status).toBe(404);

    bucket = await startLocalS3Server({ buckets: ["customer"], directory: dir, port });
    const res = await retry(acct.key);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ transcriptionId: id, state: "ready" });
    const md = (await createS3Storage({ kind: "self_hosted", bucket: "customer/meetings", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", endpoint: bucket.endpoint }).get(t.filename)).toString("utf8");
    expect(md).toContain("the budget is approved");
    // Saved: a second retry is refused.
    expect((await retry(acct.key)).status).toBe(409);
    await bucket.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The upload retry worker (pg-boss) with VERBATIM_UPLOAD_RETRY_DELAYS_MS set to `delays`, its sweep out of the way. */
  async function withUploadWorker(delays: string, run: () => Promise<void>, sweep = { sweepEveryMs: 3_600_000, overdueByMs: 30_000 }) {
    process.env.VERBATIM_UPLOAD_RETRY_DELAYS_MS = delays;
    resetAppEnvForTests();
    const worker = await startUploadRetryWorker(handle(), { pollingIntervalSeconds: 0.5, ...sweep });
    try {
      await run();
    } finally {
      await worker.stop();
      delete process.env.VERBATIM_UPLOAD_RETRY_DELAYS_MS;
      resetAppEnvForTests();
    }
  }

  it("on the job queue: attempts come by themselves at their due times, and the last one fails it with the reason", async () => {
    await withUploadWorker("300,300", async () => {
      const { name } = await bucketRoom(await closedPort());
      const id = await endedSession(name);
      expect(await row(id)).toMatchObject({ phase: "upload_retrying", uploadAttempts: 1 });
      await expect.poll(async () => (await row(id)).phase, { timeout: 60_000, interval: 200 }).toBe("upload_failed");
      const failed = await row(id);
      expect(failed).toMatchObject({ state: "failed", uploadAttempts: 3, uploadDueAt: null });
      expect(failed.error).toBe("The transcript could not be saved after 3 attempts: the storage service could not be reached");
      const events = (await outboxOf(db(), acct.admin.accountId)).filter((e) => e.data.transcriptionId === id);
      expect(events.map((e) => e.type)).toEqual(["transcription.started", "transcription.failed"]);
    });
  });

  it("on the job queue: a bucket that comes back before the next attempt gets the transcript", async () => {
    await withUploadWorker("1500,1500,1500,1500,1500", async () => {
      const port = await closedPort();
      const { name } = await bucketRoom(port);
      const id = await endedSession(name);
      expect(await row(id)).toMatchObject({ phase: "upload_retrying", uploadAttempts: 1 });
      await startS3rverOn(port);
      await expect.poll(async () => (await row(id)).state, { timeout: 60_000, interval: 200 }).toBe("ready");
      const t = await row(id);
      expect(t).toMatchObject({ phase: "ready", error: null, storageKey: t.filename, uploadDueAt: null });
      const storage = createS3Storage({ kind: "self_hosted", bucket: "customer/meetings", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", endpoint: `http://127.0.0.1:${port}` });
      expect((await storage.get(t.filename)).toString("utf8")).toContain("the budget is approved");
    });
  });

  it("a retry whose job was lost (no worker ran when the upload failed) is made by the upload sweep", async () => {
    const port = await closedPort();
    const { name } = await bucketRoom(port);
    const id = await endedSession(name); // no worker in this process: no job was sent
    expect(await row(id)).toMatchObject({ phase: "upload_retrying", uploadAttempts: 1 });
    await startS3rverOn(port);
    await withUploadWorker(
      "300",
      async () => {
        await expect.poll(async () => (await row(id)).state, { timeout: 60_000, interval: 200 }).toBe("ready");
      },
      { sweepEveryMs: 200, overdueByMs: 0 },
    );
  });
});
