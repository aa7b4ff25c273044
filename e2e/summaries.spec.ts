// Summaries in a real browser: a transcript made through the real pipeline, summarized from its page with a chosen
// template, watched until ready, read, and deleted with the confirm dialog.
import { expect, test } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";
import { transcribeSession } from "./speech-session";

test("summarize a transcript from the dashboard, read the summary, and delete it", async ({ page, request }) => {
  test.setTimeout(240_000);
  const key = await createApiKeyInDashboard(page, "Summaries e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const transcript = await transcribeSession(
    request,
    auth,
    "standup",
    // Enough to condense: a meeting of two or three remarks gets "too short to summarize" instead.
    [
      "Good morning everyone. Let us start with the budget for the new project.",
      "Please send me the report by Friday.",
      "We need three more people for the project.",
      "Let us meet again next Tuesday afternoon.",
    ],
    "Ana Lead",
  );

  await page.goto(`/transcriptions/${transcript.transcriptionId}`);
  await page.getByLabel("Template").selectOption("General Narrative");
  await page.getByRole("button", { name: "Summarize" }).click();
  // The extractive summarizer quotes what was said, attributed to the speaker.
  const panel = page.locator(".summary-panel");
  await expect(panel).toContainText("General Narrative", { timeout: 60_000 });
  await expect(panel).toContainText("Ana Lead", { timeout: 60_000 });

  // The same summary through the API.
  const list = await (await request.get("/api/v1/summaries", { headers: auth })).json();
  const summary = list.results.find((s: { transcriptionId: string }) => s.transcriptionId === transcript.transcriptionId);
  expect(summary).toMatchObject({ template: "General Narrative", state: "ready", roomName: transcript.roomName });
  expect(summary.summary.summary).toContain("Ana Lead");

  // A second summary of the same transcript waits until the first is deleted.
  const second = await request.post("/api/v1/summaries", { headers: auth, data: { transcriptionId: transcript.transcriptionId } });
  expect(second.status()).toBe(409);

  await page.getByRole("button", { name: "Delete summary" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: /Delete/ }).click();
  await expect(page.getByRole("button", { name: "Summarize" })).toBeVisible();
  const again = await request.post("/api/v1/summaries", { headers: auth, data: { transcriptionId: transcript.transcriptionId } });
  expect(again.status()).toBe(201);
});
