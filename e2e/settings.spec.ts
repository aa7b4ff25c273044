import { randomBytes } from "node:crypto";
import { test, expect } from "@playwright/test";
import { startLocalS3Server, type LocalS3Server } from "../lib/storage/local-s3-server";

let s3: LocalS3Server;

test.beforeAll(async () => {
  s3 = await startLocalS3Server({ buckets: ["e2e-transcripts"] });
});

test.afterAll(async () => {
  await s3?.close();
});

test("an admin stores transcripts in their own S3 bucket, tests it, and the secret never comes back", async ({ page }) => {
  // s3rver checks the access key id only, so any secret works; a unique one lets us look for leaks.
  const secret = `e2e-secret-${randomBytes(12).toString("hex")}`;
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => bodies.push(response.text().catch(() => "")));

  await page.goto("/configure/transcription");
  await expect(page.getByRole("heading", { level: 1, name: "Transcription" })).toBeVisible();
  // The embedded engine does English only; other languages are listed but cannot be chosen.
  await expect(page.getByRole("option", { name: /^French \(fr\)/ })).toBeDisabled();
  await expect(page.getByRole("option", { name: "English (en)" })).toBeEnabled();
  // Which engine takes the chosen language, and whether it can be reached.
  await expect(page.getByTestId("language-engine")).toContainText(/Transcribed by PocketSphinx .*Reachable/);
  await page.getByLabel("Vocabulary").fill("Ana Lima\nKubernetes");

  await page.getByLabel("Your S3 bucket").check();
  await page.getByLabel("Bucket", { exact: true }).fill("e2e-transcripts/verbatim");
  await page.getByLabel("Region", { exact: true }).fill(s3.region);
  await page.getByLabel("Access key id", { exact: true }).fill(s3.accessKeyId);
  await page.getByLabel("Secret access key", { exact: true }).fill(secret);
  await page.getByLabel("Endpoint (optional)").fill(s3.endpoint);

  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("connection-result")).toHaveText('Connected: a test object was written to "e2e-transcripts/verbatim", read back and deleted.');

  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Your S3 bucket")).toBeChecked();
  await expect(page.getByLabel("Bucket", { exact: true })).toHaveValue("e2e-transcripts/verbatim");
  await expect(page.getByText("A secret is set")).toBeVisible();
  await expect(page.getByLabel("Secret access key", { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("settings-audit")).toContainText("Secret access key replaced");
  await expect(page.getByTestId("settings-audit")).toContainText("Storage: Hosted → Your S3 bucket");
  // The first entry lists what was chosen, not the defaults nobody touched.
  await expect(page.getByTestId("settings-audit")).not.toContainText("Language");
  await expect(page.getByLabel("Vocabulary")).toHaveValue("Ana Lima\nKubernetes");
  await expect(page.getByTestId("settings-audit")).toContainText(/Vocabulary.*Ana Lima, Kubernetes/);
  expect(await page.content()).not.toContain(secret);

  // The stored secret is used when the field is left alone; a wrong access key id is explained.
  await page.getByLabel("Access key id", { exact: true }).fill("AKIAWRONGKEY");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByTestId("connection-result")).toHaveText(
    `Writing a test object failed. Access denied: the access key id "AKIAWRONGKEY" is not known at ${s3.endpoint}; check the access key id.`,
  );

  // Saving the settings that just failed their test warns, and says why.
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByTestId("saved-with-failed-test")).toContainText("Settings saved, but the connection test of this bucket just failed");
  await expect(page.getByTestId("saved-with-failed-test")).toContainText("AKIAWRONGKEY");
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: "/tmp/ui-shots/desktop-settings-failed-test.png", fullPage: true });
  await page.getByLabel("Access key id", { exact: true }).fill(s3.accessKeyId);

  // A missing field is refused inline, next to the field.
  await page.getByLabel("Region", { exact: true }).fill("");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Enter the bucket's region, such as eu-west-1")).toBeVisible();
  await page.getByLabel("Region", { exact: true }).fill(s3.region);
  await expect(page.getByText("Enter the bucket's region, such as eu-west-1")).toHaveCount(0);

  // Back to hosted storage: the bucket settings are kept (unused) and come back with a switch to the bucket…
  await page.getByLabel("Hosted", { exact: true }).check();
  await expect(page.getByTestId("kept-bucket")).toContainText("e2e-transcripts/verbatim");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Hosted", { exact: true })).toBeChecked();
  await page.getByLabel("Your S3 bucket").check();
  await expect(page.getByLabel("Bucket", { exact: true })).toHaveValue("e2e-transcripts/verbatim");
  await expect(page.getByText("A secret is set")).toBeVisible();
  // …until the admin asks to remove them; later tests' rooms store as hosted.
  await page.getByLabel("Hosted", { exact: true }).check();
  await page.getByLabel("Remove the saved bucket settings and secret when I save").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Hosted", { exact: true })).toBeChecked();
  await expect(page.getByTestId("kept-bucket")).toHaveCount(0);
  await expect(page.getByTestId("settings-audit")).toContainText("Secret access key removed");

  // No page, server action answer or RSC payload carried the secret.
  for (const body of await Promise.all(bodies)) expect(body).not.toContain(secret);
});
