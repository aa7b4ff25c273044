// A customer's bucket that is down when a session ends: the upload is retried on its schedule (shortened for this run
// by VERBATIM_UPLOAD_RETRY_DELAYS_MS in playwright.config.ts), the transcript then shows it failed with the reason,
// and once the bucket is back an admin's "Retry saving" stores the file in it (issue #14).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startLocalS3Server } from "../lib/storage/local-s3-server";
import { createS3Storage } from "../lib/storage/s3";
import { createApiKeyInDashboard } from "./fixtures";
import { transcribeSession } from "./speech-session";

test("an admin retries a transcript whose bucket was down, and it is saved in the bucket", async ({ page, request }) => {
  test.setTimeout(240_000);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-e2e-retry-bucket-"));
  // Started once to learn a free loopback port, then stopped: the customer's bucket is away when the session ends.
  let bucket = await startLocalS3Server({ buckets: ["minutes"], directory });
  const port = Number(new URL(bucket.endpoint).port);
  await bucket.close();
  try {
    const key = await createApiKeyInDashboard(page, "Upload retry e2e");
    const auth = { Authorization: `Bearer ${key}` };
    const destination = { provider: "s3", bucket: "minutes", region: "us-east-1", accessKeyId: "S3RVER", accessKeySecret: "S3RVER", endpoint: bucket.endpoint };
    const t = await transcribeSession(request, auth, `bucketdown${Date.now().toString(36)}`, ["Good morning everyone. Let us start with the budget."], "Ana", {
      destination,
      until: "failed",
    });

    // The list and the transcript say it failed, and why, without the storage service's own words.
    await page.goto("/transcriptions");
    const row = page.getByTestId("transcription-row").filter({ hasText: t.roomName });
    await expect(row).toContainText("Failed");
    await row.getByRole("link", { name: t.roomName, exact: true }).click();
    const failed = page.getByRole("alert").filter({ hasText: "This transcription failed" });
    await expect(failed).toContainText("The transcript could not be saved after 3 attempts: the storage service could not be reached");
    const retry = page.getByRole("button", { name: "Retry saving" });
    await expect(retry).toBeVisible();
    await page.screenshot({ path: "/tmp/upload-retry-failed.png", fullPage: true });

    // The bucket is back where it was: the admin's retry saves the transcript into it.
    bucket = await startLocalS3Server({ buckets: ["minutes"], directory, port });
    await retry.click();
    await expect(page.getByText("This transcription failed")).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByText("Ready", { exact: true }).first()).toBeVisible();
    await page.screenshot({ path: "/tmp/upload-retry-saved.png", fullPage: true });

    const api = await (await request.get(`/api/v1/transcriptions/${t.transcriptionId}`, { headers: auth })).json();
    expect(api).toMatchObject({ state: "ready", storageType: "SELF_HOSTED", filename: t.filename });
    const storage = createS3Storage({ kind: "self_hosted", bucket: "minutes", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", endpoint: bucket.endpoint });
    const stored = (await storage.get(t.filename)).toString("utf8");
    expect(stored).toContain(`# Transcript: ${t.roomName}`);
    expect(stored).toMatch(/\*\*\[\d\d:\d\d:\d\d\] Ana:\*\* \S+/);
  } finally {
    await bucket.close().catch(() => {});
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
