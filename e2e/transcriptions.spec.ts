// Transcriptions in a real browser: two sessions transcribed through the real pipeline HTTP routes (flite speech
// streamed as PCM with an API key), then search, view, download every format, and bulk delete with the dialog.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";
import { transcribeSession } from "./speech-session";

const SPEAKER = "Ana <b>Bold</b> *star*";

test("search, view, download every format, and bulk delete transcripts", async ({ page, request }) => {
  test.setTimeout(300_000);
  const key = await createApiKeyInDashboard(page, "Transcriptions e2e");
  const auth = { Authorization: `Bearer ${key}` };
  // Unique per run: a database kept from an earlier (failed) run may still hold the last run's transcripts.
  const run = Date.now().toString(36);
  const alpha = await transcribeSession(request, auth, `alphaplan${run}`, ["Good morning everyone. Let us start with the budget.", "Please send me the report by Friday."], SPEAKER);
  const beta = await transcribeSession(request, auth, `betareview${run}`, ["Thank you all for coming today."], SPEAKER);

  // The list shows both, with their details.
  await page.goto("/transcriptions");
  const rows = page.getByTestId("transcription-row");
  await expect(rows.filter({ hasText: alpha.roomName })).toBeVisible();
  await expect(rows.filter({ hasText: beta.roomName })).toBeVisible();
  await expect(rows.filter({ hasText: alpha.roomName })).toContainText(SPEAKER);
  await expect(rows.filter({ hasText: alpha.roomName })).toContainText("Ready");
  await expect(rows.filter({ hasText: alpha.roomName })).toContainText("Hosted");
  await page.screenshot({ path: "/tmp/transcripts-list.png", fullPage: true });

  // Search by room name, then by a word that was actually recognized in alpha's speech.
  const search = page.getByLabel("Search");
  await search.fill(`alphaplan${run}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(alpha.roomName);
  const json = await (await request.get(`/transcriptions/${alpha.transcriptionId}/download/json`)).json();
  const alphaWords = new Set<string>(json.segments.flatMap((s: { text: string }) => s.text.toLowerCase().match(/[a-z]{4,}/g) ?? []));
  const betaJson = await (await request.get(`/transcriptions/${beta.transcriptionId}/download/json`)).json();
  const betaWords = new Set<string>(betaJson.segments.flatMap((s: { text: string }) => s.text.toLowerCase().match(/[a-z]{4,}/g) ?? []));
  const word = [...alphaWords].find((w) => !betaWords.has(w));
  expect(word, `PocketSphinx recognized words in alpha: ${[...alphaWords].join(", ")}`).toBeTruthy();
  await search.fill(word!);
  await expect(rows.filter({ hasText: beta.roomName })).toHaveCount(0);
  await expect(rows.filter({ hasText: alpha.roomName })).toBeVisible();
  await search.fill("nosuchwordanywhere");
  await expect(page.getByText("Nothing matches")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(rows.filter({ hasText: beta.roomName })).toBeVisible();

  // View: the speaker's name as typed, session details, find and jump-to-time.
  await rows.filter({ hasText: alpha.roomName }).getByRole("link", { name: alpha.roomName, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: alpha.roomName, exact: true })).toBeVisible();
  const transcript = page.getByTestId("transcript");
  await expect(transcript.getByTestId("speaker-name").first()).toHaveText(SPEAKER);
  await expect(transcript.locator("b, em, img, script")).toHaveCount(0);
  await expect(page.getByTestId("speakers")).toContainText(SPEAKER);
  await page.getByLabel("Find in transcript").fill(word!);
  await expect(page.getByTestId("find-count")).toContainText(/of \d+/);
  await expect(transcript.locator("mark[data-hit]").first()).toBeVisible();
  const firstStamp = transcript.locator("a.transcript-time").first();
  const stampText = (await firstStamp.textContent())!;
  await page.getByLabel("Jump to time").fill(stampText);
  await page.getByRole("button", { name: "Go" }).click();
  await expect(page).toHaveURL(/#t-\d\d-\d\d-\d\d$/);
  await page.screenshot({ path: "/tmp/transcripts-view.png", fullPage: true });

  // Downloads: .md is the stored file byte for byte (the same bytes the access link serves); the rest are rendered.
  const link = await (await request.get(`/api/v1/transcriptions/${alpha.transcriptionId}/access-link?validForSeconds=60`, { headers: auth })).json();
  const storedMd = await (await request.get(link.accessLink)).body();
  const downloaded: Record<string, Buffer> = {};
  for (const format of ["md", "txt", "vtt", "json"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: `.${format}` }).click()]);
    // The browser swaps the ":" of the ISO time for "_" when saving; the header carries the exact name (checked below).
    expect(download.suggestedFilename()).toBe(alpha.filename.replace(/\.md$/, `.${format}`).replace(/:/g, "_"));
    downloaded[format] = fs.readFileSync((await download.path())!);
  }
  expect(downloaded.md.equals(storedMd)).toBe(true);
  const header = await request.get(`/transcriptions/${alpha.transcriptionId}/download/vtt`);
  expect(header.headers()["content-type"]).toBe("text/vtt; charset=utf-8");
  expect(header.headers()["content-disposition"]).toContain(`filename*=UTF-8''${encodeURIComponent(alpha.filename.replace(/\.md$/, ".vtt"))}`);
  expect(downloaded.md.toString()).toContain(`# Transcript: ${alpha.roomName}`);
  expect(downloaded.md.toString()).toContain("Ana \\<b\\>Bold\\</b\\> \\*star\\*:**");
  expect(downloaded.txt.toString()).toMatch(new RegExp(`^Transcript: ${alpha.roomName}\\n`));
  expect(downloaded.txt.toString()).toContain(`] ${SPEAKER}: `);
  expect(downloaded.vtt.toString()).toMatch(/^WEBVTT/);
  expect(downloaded.vtt.toString()).toContain("<v Ana &lt;b&gt;Bold&lt;/b&gt; *star*>");
  const parsed = JSON.parse(downloaded.json.toString());
  expect(parsed.roomName).toBe(alpha.roomName);
  expect(parsed.participants).toEqual([SPEAKER]);
  expect(parsed.segments.length).toBeGreaterThan(0);
  expect(downloaded.txt.toString()).toContain(parsed.segments[0].text);

  // Bulk delete both with the dialog, which names what goes.
  // (Other specs may have left transcripts of their own: select exactly these two.)
  await page.goto("/transcriptions");
  const ours = [alpha, beta].map((t) => rows.filter({ hasText: t.roomName }));
  for (const row of ours) await row.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Delete 2 selected" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Delete 2 transcripts?");
  await expect(dialog.getByRole("list", { name: "Transcripts to delete" })).toContainText(alpha.roomName);
  await expect(dialog.getByRole("list", { name: "Transcripts to delete" })).toContainText(beta.roomName);
  await dialog.getByRole("button", { name: "Delete 2 transcripts" }).click();
  await expect(dialog).toBeHidden();
  for (const row of ours) await expect(row).toHaveCount(0);
  for (const t of [alpha, beta]) {
    expect((await request.get(`/api/v1/transcriptions/${t.transcriptionId}`, { headers: auth })).status()).toBe(404);
  }
  // The access link no longer finds the file.
  expect((await request.get(link.accessLink)).status()).toBe(404);
});
