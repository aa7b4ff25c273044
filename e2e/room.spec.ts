// The room page in a real browser: Chromium's fake microphone plays flite speech, the page streams it as numbered chunks,
// the red dot and the live words appear, and after leaving the transcript is saved.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, expect, test } from "@playwright/test";
import { composeSpeech, roomTone, writeWav } from "../lib/testing/speech";
import { pacedPcmStream } from "../scripts/lib/paced-audio";
import { createApiKeyInDashboard } from "./fixtures";

const SENTENCES = ["Good morning everyone. Let us start with the budget.", "Please send me the report by Friday."];
// One long clause, with no pause inside for a recognizer to end the utterance on.
const BEN_SENTENCE = "We need three more people for the project before the end of the month.";

test("a participant joins a room with an automatic trigger, is transcribed live with the red dot, leaves, and the transcript is saved", async ({ page, request, baseURL }) => {
  test.setTimeout(300_000);
  const key = await createApiKeyInDashboard(page, "Room page e2e");
  const auth = { Authorization: `Bearer ${key}` };

  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "e2e", liveTranscription: { startTrigger: "automatic" } },
  });
  expect(created.status()).toBe(201);
  const meeting = (await created.json()) as { roomName: string; roomUrl: string };
  const name = meeting.roomName.slice(1);

  // The fake microphone's audio: 16-bit mono speech, padded with room tone on both sides (played once, then silence).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-room-e2e-"));
  const wav = path.join(dir, "speech.wav");
  const speech = await composeSpeech(SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 1500 })), { leadMs: 1500 });
  await writeWav(wav, Buffer.concat([speech.pcm, roomTone(3000, { seed: 99 })]));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-audio-capture=${wav}%noloop`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-dev-shm-usage",
    ],
  });
  try {
    // A participant is nobody's user: a fresh context, no dashboard session.
    const context = await browser.newContext({ baseURL });
    const room = await context.newPage();
    await room.goto(meeting.roomUrl);
    await expect(room.getByRole("heading", { level: 1, name: meeting.roomName })).toBeVisible();
    await expect(room.getByRole("heading", { name: "Join the room" })).toBeVisible();

    await room.getByLabel("Your name").fill("Ana Participant");
    await room.getByRole("button", { name: "Join" }).click();

    // Automatic trigger: the first join starts the transcription, and the page says so with the red dot.
    await expect(room.getByTestId("red-dot")).toBeVisible();
    await expect(room.getByTestId("transcription-status")).toHaveText("Transcribing");
    await expect(room.getByTestId("mic-on")).toBeVisible();

    // The words come back live, under the speaker's name.
    const transcript = room.getByRole("log", { name: "Live transcript" });
    const anaLines = transcript.getByTestId("final-segment").filter({ hasText: "Ana Participant:" });
    await expect(anaLines.filter({ hasText: /budget|morning|report|friday/i }).first()).toBeVisible({ timeout: 60_000 });

    // Everyone's words show, interim text first. A second participant comes in through a media server's stream and
    // pauses mid-sentence until the page shows their interim text: interim text is best effort (it gives way under
    // load), and the final recognizer cannot end a sentence it has not heard the end of, so this makes it certain.
    expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "ben", displayName: "Ben Remote" } })).status()).toBe(201);
    const benSpeech = await composeSpeech([{ text: BEN_SENTENCE, voice: "rms", pauseAfterMs: 1500 }], { leadMs: 800 });
    const benInterim = transcript.getByTestId("interim-segment").filter({ hasText: "Ben Remote:" });
    const benSpeaking = fetch(`${baseURL}/api/v1/rooms/${name}/participants/ben/audio`, {
      method: "PUT",
      headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
      body: pacedPcmStream(benSpeech.pcm, {
        holds: [{ atMs: benSpeech.utterances[0].startMs + 2500, until: () => expect(benInterim).toBeVisible({ timeout: 90_000 }) }],
      }),
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    await expect(benInterim).toBeVisible({ timeout: 90_000 });
    await room.screenshot({ path: "/tmp/room-interim.png", fullPage: true });
    // The final line replaces it.
    await expect(transcript.getByTestId("final-segment").filter({ hasText: "Ben Remote:" }).filter({ hasText: /people|project|month/i }).first()).toBeVisible({ timeout: 60_000 });
    expect((await benSpeaking).status).toBe(200);
    expect((await request.delete(`/api/v1/rooms/${name}/participants/ben`, { headers: auth })).status()).toBe(204);
    await expect(benInterim).toHaveCount(0);
    await room.screenshot({ path: "/tmp/room.png", fullPage: true });

    await room.getByRole("button", { name: "Leave" }).click();
    await expect(room.getByText("You left the room.")).toBeVisible();
    await expect(room.getByTestId("transcription-status")).toHaveText("Not transcribing", { timeout: 15_000 });
    await context.close();
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // The last leave stopped the transcription; the transcript is saved and names the speaker.
  let transcription: { transcriptionId: string; state: string } | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/transcriptions?roomName=${encodeURIComponent(meeting.roomName)}`, { headers: auth });
        transcription = ((await res.json()) as { results: { transcriptionId: string; state: string }[] }).results[0];
        return transcription?.state;
      },
      { timeout: 60_000 },
    )
    .toBe("ready");
  const link = await request.get(`/api/v1/transcriptions/${transcription!.transcriptionId}/access-link`, { headers: auth });
  expect(link.status()).toBe(200);
  const markdown = await (await request.get((await link.json()).accessLink)).text();
  expect(markdown).toContain(`# Transcript: ${meeting.roomName}`);
  expect(markdown).toContain("Ana Participant:");
  expect(markdown).toContain("Ben Remote:");
  expect(markdown.toLowerCase()).toMatch(/budget|morning|report|friday/);
});

test("a participant the server let go (a long loss of connection) is told so and can join again", async ({ page, request, browser, baseURL }) => {
  const key = await createApiKeyInDashboard(page, "Room heartbeat e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "e2e", liveTranscription: { startTrigger: "manual" } },
  });
  const meeting = (await created.json()) as { roomName: string; roomUrl: string };

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const room = await context.newPage();
  await room.clock.install(); // the page's heartbeat timer runs on this clock
  await room.goto(meeting.roomUrl);
  await room.getByLabel("Your name").fill("Ben Away");
  await room.getByRole("button", { name: "Join" }).click();
  await expect(room.getByTestId("me")).toHaveText("Ben Away");

  // The page says "still here" every 20 s, and the server takes it.
  const beat = room.waitForResponse((r) => r.url().endsWith("/heartbeat") && r.request().method() === "POST");
  await room.clock.fastForward(21_000);
  expect((await beat).status()).toBe(204);
  // Participant ids are listed for the account's API key only (with the room link alone, nobody learns them).
  const present = await request.get(`/api/v1/rooms/${meeting.roomName.slice(1)}`, { headers: auth });
  expect(((await present.json()) as { participants: { displayName: string }[] }).participants.map((p) => p.displayName)).toEqual(["Ben Away"]);

  // The server lets Ben go, as its idle timeout does for a client it has not heard from; the next beat learns of it.
  const snapshot = (await present.json()) as { participants: { participantId: string }[] };
  const kicked = await request.delete(`/api/v1/rooms/${meeting.roomName.slice(1)}/participants/${snapshot.participants[0].participantId}`, { headers: auth });
  expect(kicked.status()).toBe(204);
  await room.clock.fastForward(21_000);
  await expect(room.getByRole("alert").filter({ hasText: "disconnected" })).toHaveText("You were disconnected from the room for too long. Join again to continue.");
  await expect(room.getByRole("heading", { name: "Join the room" })).toBeVisible();
  await room.screenshot({ path: "/tmp/room-disconnected.png", fullPage: true });

  await room.getByRole("button", { name: "Join" }).click();
  await expect(room.getByTestId("me")).toHaveText("Ben Away");
  await context.close();
});
