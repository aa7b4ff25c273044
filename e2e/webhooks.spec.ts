import { test, expect } from "@playwright/test";
import { loadDocsVerifier, startTestReceiver, type TestReceiver } from "../lib/webhooks/test-receiver";

let receiver: TestReceiver;

test.beforeAll(async () => {
  // A real receiver on loopback (the server runs with VERBATIM_WEBHOOK_ALLOW_PRIVATE=1), checking signatures with the README's code.
  receiver = await startTestReceiver(await loadDocsVerifier());
});
test.afterAll(async () => {
  await receiver?.close();
});

test("an admin adds an endpoint, sees its secret once, sends a test event and finds it in the delivery log", async ({ page }) => {
  await page.goto("/configure/webhooks");
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

  // Every event says what it is; the guide lists their fields and samples.
  await expect(page.getByLabel("transcription.finished")).toHaveAccessibleDescription("A transcript is saved and ready to fetch");
  // The per-line event is opt-in: never chosen for the admin.
  await expect(page.getByLabel("transcription.segment")).not.toBeChecked();

  // Bad input is refused inline, and the form keeps everything typed.
  await page.getByLabel("Endpoint URL").fill("ftp://example.com/hook");
  await page.getByLabel("Description").fill("E2E receiver");
  await page.getByLabel("summary.finished").check();
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText(/This URL cannot receive webhooks: unsupported scheme ftp/)).toBeVisible();
  await expect(page.getByLabel("Description")).toHaveValue("E2E receiver");
  await expect(page.getByLabel("summary.finished")).toBeChecked();
  await expect(page.getByLabel("Endpoint URL")).toHaveValue("ftp://example.com/hook");

  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByRole("button", { name: "Add endpoint" }).click();

  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("shown only once");
  const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  receiver.secrets.push(secret);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(secret)).toHaveCount(0); // shown once only

  await expect(page.getByText(receiver.url)).toBeVisible();
  await expect(page.getByText("E2E receiver")).toBeVisible();
  await expect(page.getByText("transcription.started, transcription.finished, transcription.failed, summary.finished")).toBeVisible();

  // Editing keeps the signing secret (the test event below still verifies with it).
  const ours = page.getByTestId("webhook-endpoint").filter({ hasText: receiver.url });
  await ours.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit endpoint" });
  await edit.getByLabel("Description").fill("E2E receiver (edited)");
  await edit.getByLabel("summary.failed").check();
  await edit.getByRole("button", { name: "Save endpoint" }).click();
  await expect(edit).toBeHidden();
  await expect(ours).toContainText("E2E receiver (edited)");
  await expect(ours).toContainText("summary.finished, summary.failed");

  // The events guide is one click away.
  await page.getByRole("link", { name: "the webhook events guide" }).click();
  await expect(page.getByRole("heading", { name: "transcription.finished" })).toBeVisible();
  await page.goBack();

  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Delivery log" })).toBeVisible();
  // The endpoint hears every transcription of the account: a session another spec left open may end meanwhile and be
  // delivered here too. This test looks at its own test event only.
  const testDeliveries = page.getByTestId("delivery").filter({ hasText: "webhook.test" });
  const testEvents = () => receiver.received.filter((r) => r.event?.type === "webhook.test");
  const delivery = testDeliveries.first();
  await expect(delivery).toContainText("Delivered", { timeout: 20_000 });
  await expect(delivery.getByTestId("attempt")).toHaveCount(1);
  await expect(delivery.getByTestId("attempt")).toContainText("200");
  await expect(delivery.getByTestId("attempt")).toContainText("ok");

  expect(testEvents()).toHaveLength(1);
  expect(testEvents()[0].validFor).toEqual([secret]);
  expect(JSON.parse(testEvents()[0].body)).toMatchObject({ apiVersion: "1.0", type: "webhook.test" });

  // Redeliver sends the same event (same id) again, as a new delivery.
  await delivery.getByRole("button", { name: "Redeliver" }).click();
  await expect(testDeliveries).toHaveCount(2);
  await expect(testDeliveries.first()).toContainText("Redelivery");
  await expect(testDeliveries.first()).toContainText("Delivered", { timeout: 20_000 });
  expect(testEvents().map((r) => r.event.id)).toEqual([testEvents()[0].event.id, testEvents()[0].event.id]);

  await page.screenshot({ path: "/tmp/webhooks.png", fullPage: true });

  // An endpoint whose receiver fails shows it in the list, with what it answered.
  const failing = await startTestReceiver(await loadDocsVerifier());
  try {
    failing.answers.push(500, 500, 500, 500, 500, 500, 500, 500, 500, 500);
    await page.goto("/configure/webhooks");
    await page.getByLabel("Endpoint URL").fill(failing.url);
    await page.getByLabel("Description").fill("Failing receiver");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await page.getByRole("button", { name: "Done" }).click();
    const bad = page.getByTestId("webhook-endpoint").filter({ hasText: failing.url });
    await bad.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("delivery").first()).toContainText("500", { timeout: 20_000 });
    await page.goto("/configure/webhooks");
    await expect(bad).toContainText("Deliveries failing");
    await expect(bad.getByTestId("endpoint-health")).toContainText("answered 500");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: "/tmp/ui-shots/desktop-webhooks.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "/tmp/ui-shots/phone-webhooks-list.png", fullPage: true });
    await bad.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("button", { name: "Delete endpoint" }).click();
  } finally {
    await failing.close();
  }
});
