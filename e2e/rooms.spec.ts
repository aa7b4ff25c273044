import { randomBytes } from "node:crypto";
import { test, expect } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";

test("an admin creates a room with an override in the dashboard, sees it in the list with its sources, and deletes it", async ({ page }) => {
  const secret = `room-secret-${randomBytes(12).toString("hex")}`;
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => bodies.push(response.text().catch(() => "")));

  await page.goto("/rooms");
  await expect(page.getByRole("heading", { level: 1, name: "Rooms" })).toBeVisible();

  // A bad bucket name is refused inside the dialog, on its field, and nothing is created.
  await page.getByRole("button", { name: "Create room" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Create a room" })).toBeVisible();
  // No API jargon in the dialog; the mode and lock say what they do.
  await expect(dialog).not.toContainText("POST");
  await expect(dialog).toContainText("only the host (with the host link) and people already admitted can join");
  await dialog.getByLabel("Room name", { exact: true }).fill("Ward round");
  await dialog.getByLabel("Link prefix (optional)").fill("ward");
  await dialog.getByLabel("Start trigger").selectOption("automatic");
  await dialog.getByLabel("Storage").selectOption("s3");
  await dialog.getByLabel("Bucket").fill("Bad_Bucket");
  await dialog.getByLabel("Region").fill("eu-west-1");
  await dialog.getByLabel("Access key id").fill("AKIAE2EROOM");
  await dialog.getByLabel("Secret access key").fill(secret);
  await dialog.getByRole("button", { name: "Create room" }).click();
  await expect(dialog.getByText(/The bucket name "Bad_Bucket" is not valid/)).toBeVisible();
  await expect(dialog.getByLabel("Region")).toHaveValue("eu-west-1"); // a refused form keeps what was typed
  await expect(dialog.getByLabel("Start trigger")).toHaveValue("automatic");

  // Fixed: the room is created with its own trigger and bucket; language and on/off follow the account.
  await dialog.getByLabel("Bucket").fill("ward-transcripts/2026");
  await dialog.getByLabel("Vocabulary").fill("Ana Lima\nKubernetes");
  await dialog.getByRole("button", { name: "Create room" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByText(/Room “Ward round” \(\/ward-[0-9a-f]{32}\) created\./)).toBeVisible();

  const row = page.getByTestId("room-row").filter({ hasText: /\/ward-[0-9a-f]{32}/ });
  await expect(row).toHaveCount(1);
  const setting = (field: string) => row.getByTestId(`setting-${field}`);
  await expect(setting("startTrigger")).toHaveText(/Start\s*Auto-start \(1 person\)\s*Room$/);
  await expect(setting("destination")).toHaveText(/Storage\s*S3: ward-transcripts\/2026\s*Room$/);
  await expect(setting("language")).toHaveText(/Language\s*English\s*Account$/);
  await expect(setting("vocabulary")).toHaveText(/Vocabulary\s*Ana Lima, Kubernetes\s*Room$/);
  await expect(setting("enabled")).toHaveText(/Transcription\s*On\s*Room$/);
  await expect(row.getByRole("button", { name: "Copy room link" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Copy host link" })).toBeVisible();
  await expect(row.getByTestId("room-title")).toHaveText("Ward round");
  await expect(row.getByRole("link", { name: "Open room" })).toHaveAttribute("href", /\/r\/ward-[0-9a-f]{32}$/);
  await expect(row.getByRole("link", { name: "Join as host" })).toHaveAttribute("href", /\/r\/ward-[0-9a-f]{32}\?roomKey=/);
  await expect(row.getByTestId("room-sessions")).toHaveText("0 sessions");
  await expect(row.getByTestId("room-sessions")).toHaveAttribute("href", /\/transcriptions\?room=%2Fward-/);

  // Rename keeps the link; search finds the room by its new name.
  await row.getByRole("button", { name: "Rename Ward round" }).click();
  await page.getByRole("dialog").getByLabel("Room name").fill("Ward round (east)");
  await page.getByRole("dialog").getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(row.getByTestId("room-title")).toHaveText("Ward round (east)");
  await page.getByLabel("Find a room").fill("round (EAST");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/rooms\?q=round/);
  await expect(page.getByTestId("room-row")).toHaveCount(1);
  await page.getByLabel("Find a room").fill("nosuchroomanywhere");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No room matches")).toBeVisible();
  await page.goto("/rooms");

  await page.screenshot({ path: "/tmp/rooms.png", fullPage: true });

  // Delete asks first (Radix dialog), then the room leaves the list.
  await row.getByRole("button", { name: /^Delete / }).click();
  await expect(page.getByRole("dialog")).toContainText("will accept no new sessions");
  await page.getByRole("button", { name: "Delete room" }).click();
  await expect(row).toHaveCount(0);

  const texts = await Promise.all(bodies);
  for (const text of texts) expect(text).not.toContain(secret);
});

test("a room created through the API shows on the Rooms page with the account's settings", async ({ page, request }) => {
  const key = await createApiKeyInDashboard(page, "Rooms e2e");
  const res = await request.post("/api/v1/meetings", {
    headers: { Authorization: `Bearer ${key}` },
    data: { endDate: new Date(Date.now() + 86_400_000).toISOString(), roomNamePrefix: "api", fields: ["hostRoomUrl"], liveTranscription: { startTrigger: "none" } },
  });
  expect(res.status()).toBe(201);
  const meeting = await res.json();
  expect(meeting.hostRoomUrl).toContain("?roomKey=");

  await page.goto("/rooms");
  const row = page.getByTestId("room-row").filter({ hasText: meeting.roomName });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("link", { name: meeting.roomName })).toHaveAttribute("href", meeting.roomUrl);
  await expect(row.getByTestId("setting-enabled")).toHaveText(/Transcription\s*Off\s*Room$/);
  await expect(row.getByTestId("setting-startTrigger")).toHaveText(/None \(transcription off\)\s*Room$/);
  await expect(row.getByTestId("setting-destination")).toHaveText(/Storage\s*Hosted\s*Account$/);
});
