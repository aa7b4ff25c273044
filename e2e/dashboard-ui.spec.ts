// The dashboard as a customer meets it, phone and desktop: the navigation drawer, lists as cards, dialogs that fit,
// the transcript page built for reading, and a member's navigation without admin-only pages. Screenshots go to
// /tmp/ui-shots for review.
import { expect, test, type Page } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";
import { transcribeSession } from "./speech-session";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/ui-shots/${name}.png`, fullPage: true });

/** Nothing on the page is wider than the screen: no sideways scrolling on a phone. */
async function expectNoSidewaysScroll(page: Page) {
  const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

async function expectInsideViewport(page: Page, box: { x: number; y: number; width: number; height: number } | null) {
  const size = page.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(size.height);
}

test("on a phone the navigation is a drawer, lists are cards, dialogs fit and no page scrolls sideways", async ({ page }) => {
  await page.setViewportSize(PHONE);
  await page.goto("/transcriptions");
  await expect(page.getByRole("heading", { level: 1, name: "Transcriptions" })).toBeVisible();
  // The sidebar is folded away: only the menu button shows.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expectNoSidewaysScroll(page);
  await shot(page, "phone-transcriptions");

  await page.getByRole("button", { name: "Open menu" }).click();
  const drawer = page.getByRole("dialog", { name: "Menu" });
  await expect(drawer.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expectInsideViewport(page, await drawer.boundingBox());
  await shot(page, "phone-menu");
  await drawer.getByRole("link", { name: "Rooms" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rooms" })).toBeVisible();
  await expect(drawer).toBeHidden();

  // Create room is on screen, and so is its dialog.
  const create = page.getByRole("button", { name: "Create room" });
  await expectInsideViewport(page, await create.boundingBox());
  await create.click();
  const dialog = page.getByRole("dialog", { name: "Create a room" });
  await expectInsideViewport(page, await dialog.boundingBox());
  await dialog.getByLabel("Room name", { exact: true }).fill("Phone standup");
  await shot(page, "phone-create-room");
  await dialog.getByRole("button", { name: "Create room" }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByTestId("room-row").filter({ hasText: "Phone standup" });
  await expect(card.getByRole("link", { name: "Join as host" })).toBeVisible();
  await expectInsideViewport(page, await card.getByRole("link", { name: "Join as host" }).boundingBox());
  await expectNoSidewaysScroll(page);
  await shot(page, "phone-rooms");

  for (const [path, heading] of [
    ["/configure/transcription", "Transcription"],
    ["/configure/api-keys", "API keys"],
    ["/configure/webhooks", "Webhooks"],
    ["/configure/members", "Members"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await shot(page, `phone-${path.split("/").pop()}`);
  }

  // The same pages at desktop size keep the sidebar.
  await page.setViewportSize(DESKTOP);
  await page.goto("/rooms");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Open menu" })).toBeHidden();
  await shot(page, "desktop-rooms");
  await page.goto("/configure/api-keys");
  await shot(page, "desktop-api-keys");
});

test("a transcript reads as a document: title, date and length in words, speakers, talk time, search carried over, copy, share and rename", async ({ page, request, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const key = await createApiKeyInDashboard(page, "Reading e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const run = Date.now().toString(36);
  const t = await transcribeSession(request, auth, `reading${run}`, ["Good morning everyone. Let us start with the budget.", "Please send me the report by Friday."], "Ana Lopez", {
    title: `Budget review ${run}`,
  });
  const json = await (await request.get(`/transcriptions/${t.transcriptionId}/download/json`)).json();
  const word: string = json.segments.flatMap((s: { text: string }) => s.text.toLowerCase().match(/[a-z]{5,}/g) ?? [])[0];
  expect(word, "PocketSphinx recognized a word").toBeTruthy();

  // The list names it by the room's title; a search carries into the page, highlighted.
  await page.setViewportSize(DESKTOP);
  await page.goto("/transcriptions");
  const row = page.getByTestId("transcription-row").filter({ hasText: `Budget review ${run}` });
  await expect(row).toBeVisible();
  await shot(page, "desktop-transcriptions");
  await page.getByLabel("Search").fill(word);
  await expect(page.getByTestId("transcription-row")).toHaveCount(1);
  // The link carries the words in the search box.
  await expect(row.getByRole("link", { name: `Budget review ${run}` })).toHaveAttribute("href", new RegExp(`\\?q=${word}$`));
  await row.getByRole("link", { name: `Budget review ${run}` }).click();
  await expect(page).toHaveURL(new RegExp(`/transcriptions/${t.transcriptionId}\\?q=${word}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Budget review ${run}`);
  await expect(page.getByLabel("Find in transcript")).toHaveValue(word);
  await expect(page.getByTestId("transcript").locator("mark[data-hit]").first()).toBeVisible();
  // Date and length in words, not ISO stamps or a raw header.
  await expect(page.getByTestId("transcript-when")).toContainText(/\d+ seconds? · English/);
  await expect(page.getByTestId("transcript")).not.toContainText("Session:");
  await expect(page.getByTestId("transcript").getByTestId("speaker-name").first()).toHaveText("Ana Lopez");
  await expect(page.getByTestId("talk-time")).toHaveCount(1);
  await expect(page.getByTestId("talk-time")).toContainText(/Ana Lopez.*100%/);

  // The jump-to-time error sits under its own field.
  await page.getByLabel("Jump to time").fill("soon");
  await page.getByRole("button", { name: "Go" }).click();
  const error = page.getByText("Use a time such as 1:05 or 1:02:05");
  await expect(error).toBeVisible();
  const jumpBox = (await page.getByLabel("Jump to time").boundingBox())!;
  const errorBox = (await error.boundingBox())!;
  expect(errorBox.y).toBeGreaterThan(jumpBox.y);
  expect(Math.abs(errorBox.x - jumpBox.x)).toBeLessThan(40);

  // Delete reads as destructive (red text).
  const [color, red] = await page.getByRole("button", { name: "Delete transcript…" }).evaluate((el) => {
    const probe = document.createElement("span");
    probe.className = "text-red-600 dark:text-red-400";
    el.parentElement!.append(probe);
    const colors = [getComputedStyle(el).color, getComputedStyle(probe).color];
    probe.remove();
    return colors;
  });
  expect(color).toBe(red);
  await page.getByLabel("Find in transcript").fill("");
  await shot(page, "desktop-transcript");

  // Copy text puts the readable transcript on the clipboard; Copy share link the API's access link, which downloads it.
  await page.getByRole("button", { name: "Copy text" }).click();
  await expect(page.getByRole("button", { name: "Text copied" })).toBeVisible();
  const text = await page.evaluate(() => navigator.clipboard.readText());
  expect(text).toContain(`Budget review ${run}`);
  expect(text).toContain("Ana Lopez: ");
  await page.getByRole("button", { name: "Copy share link" }).click();
  const link = await page.getByTestId("share-link").inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const file = await request.get(link);
  expect(file.status()).toBe(200);
  expect(await file.text()).toContain("Ana Lopez:**");

  // Rename: the page and the list take the new title.
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByRole("dialog").getByLabel("Title").fill(`Q3 budget ${run}`);
  await page.getByRole("dialog").getByRole("button", { name: "Save title" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Q3 budget ${run}`);

  await page.setViewportSize(PHONE);
  await page.goto(`/transcriptions/${t.transcriptionId}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Q3 budget ${run}`);
  await expectNoSidewaysScroll(page);
  await shot(page, "phone-transcript");
  await page.goto("/transcriptions");
  await expect(page.getByTestId("transcription-row").filter({ hasText: `Q3 budget ${run}` })).toBeVisible();
  await expectNoSidewaysScroll(page);
  await shot(page, "phone-transcriptions-list");

  // Dark mode, desktop: the list's headers and the transcript.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize(DESKTOP);
  await page.goto("/transcriptions");
  await shot(page, "desktop-transcriptions-dark");
  await page.goto(`/transcriptions/${t.transcriptionId}`);
  await shot(page, "desktop-transcript-dark");
});

test("an admin sees usage at a glance over a chosen range, and exports it as CSV", async ({ page }) => {
  await page.setViewportSize(DESKTOP);
  await page.goto("/transcriptions");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();
  await expect(page.getByTestId("usage-totals")).toContainText("Transcribed minutes");
  // Storage used by the saved transcripts, in words (bytes, kB, MB).
  await expect(page.getByTestId("usage-storage")).toContainText(/Held now\s*\d[\d.]* (bytes?|kB|MB|GB)\s*in \d+ saved transcripts?/);
  await page.getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(/\/usage\?days=7$/);
  await expect(page.getByRole("link", { name: "7 days" })).toHaveAttribute("aria-current", "page");
  await shot(page, "desktop-usage");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^verbatim-usage-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const csv = (await import("node:fs")).readFileSync((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("section,date_or_room,title,transcribed_minutes,transcriptions,bytes");
  expect(csv).toMatch(/\r\nstorage,stored_now,,,\d+,\d+\r\n/);
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page);
  await shot(page, "phone-usage");
});

test("an unknown address gets Verbatim's own not-found page, and every page has a favicon", async ({ page, request }) => {
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // an .ico file
  await page.goto("/transcriptions/00000000-0000-0000-0000-000000000000");
  await expect(page.getByRole("heading", { level: 1, name: "This page does not exist" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to Transcriptions" })).toBeVisible();
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1, name: "This page does not exist" })).toBeVisible();
  await page.setViewportSize(PHONE);
  await shot(page, "phone-not-found");
});

test("a member's navigation has no admin-only pages", async ({ page, browser }) => {
  await page.goto("/configure/members");
  await page.getByLabel("Email").fill("nav-member@example.com");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();
  const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const member = await guest.newPage();
  await member.goto(link);
  await member.getByLabel("Your name").fill("Nora Member");
  await member.getByLabel("Choose a password").fill("nora's long passphrase");
  await member.getByRole("button", { name: "Join" }).click();
  await expect(member.getByRole("heading", { level: 1, name: "Transcriptions" })).toBeVisible();
  const nav = member.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Rooms" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Members" })).toBeVisible();
  for (const adminOnly of ["Usage", "Transcription", "API keys", "Webhooks"]) await expect(nav.getByRole("link", { name: adminOnly, exact: true })).toHaveCount(0);
  // The admin's own navigation keeps them.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" })).toBeVisible();
  await guest.close();
});
