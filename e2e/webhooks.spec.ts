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

  // Bad input is refused inline.
  await page.getByLabel("Endpoint URL").fill("ftp://example.com/hook");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText(/This URL cannot receive webhooks: unsupported scheme ftp/)).toBeVisible();

  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByLabel("Description").fill("E2E receiver");
  await page.getByLabel("summary.finished").check();
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
  await page.goto("/configure/webhooks");
  await page.screenshot({ path: "/tmp/webhooks-list.png", fullPage: true });
});
