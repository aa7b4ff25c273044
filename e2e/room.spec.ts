// The room page in a real browser: Chromium's fake microphone plays flite speech, the page streams it as numbered chunks,
// the red dot and the live words appear, and after leaving the transcript is saved.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, expect, test } from "@playwright/test";
import { composeSpeech, roomTone, writeWav } from "../lib/testing/speech";
import { pacedPcmStream } from "../scripts/lib/paced-audio";
import { readSse } from "../scripts/lib/sse";
import { startTcpProxy } from "../lib/testing/db-outage";
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

    // An auto-start room says before joining that joining means being transcribed.
    await expect(room.getByTestId("consent-notice")).toContainText("Transcription starts by itself in this room");
    await room.getByLabel("Your name").fill("Ana Participant");
    await room.getByRole("button", { name: "Agree and join" }).click();
    // The keyboard lands on the room's controls.
    await expect(room.locator("button:focus")).toHaveText(/^(Mute|Leave)$/);

    // Automatic trigger: the first join starts the transcription, and the page says so with the red dot.
    await expect(room.getByTestId("red-dot")).toBeVisible();
    await expect(room.getByTestId("transcription-status")).toHaveText("Transcribing");
    await expect(room.getByTestId("mic-on")).toBeVisible();
    await expect(room.getByRole("list", { name: "People in the room" })).toContainText("Ana Participant");
    await expect(room.getByTestId("session-timer")).toHaveText(/^\d\d:\d\d$/);
    // The admin's Rooms page shows the room as live, and its session count leads to its transcripts.
    await page.goto(`/rooms?q=${name}`);
    const row = page.getByTestId("room-row").filter({ hasText: meeting.roomName });
    await expect(row).toContainText("Live now");
    await row.getByTestId("room-sessions").click();
    await expect(page.getByTestId("transcription-row")).toHaveCount(1);
    await expect(page.getByTestId("transcription-row")).toContainText("In progress");

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
    await room.setViewportSize({ width: 390, height: 844 });
    await room.screenshot({ path: "/tmp/ui-shots/phone-room-joined.png", fullPage: true });
    await room.setViewportSize({ width: 1440, height: 900 });

    // Mute stops sending; the page says so until unmuted.
    await room.getByRole("button", { name: "Mute" }).click();
    await expect(room.getByTestId("mic-muted")).toHaveText(/Muted/);
    await expect(room.getByRole("button", { name: "Unmute" })).toHaveAttribute("aria-pressed", "true");
    await room.getByRole("button", { name: "Unmute" }).click();
    await expect(room.getByTestId("mic-on")).toBeVisible();

    await room.getByRole("button", { name: "Leave" }).click();
    await expect(room.getByText("You left the room.")).toBeVisible();
    await expect(room.getByTestId("transcription-status")).toHaveText("Not transcribing", { timeout: 15_000 });
    // What was said stays on screen after leaving, and the guest (no downloads in this room) sees it become saved.
    await expect(transcript.getByTestId("final-segment").filter({ hasText: "Ana Participant:" }).first()).toBeVisible();
    await expect(room.getByTestId("transcription-ended")).toContainText("below, you see when the transcript is saved");
    await expect(room.getByTestId("downloads-status")).toContainText("Saved for the room's owners", { timeout: 60_000 });
    await expect(room.getByTestId("transcript-downloads").getByRole("heading", { name: "The transcript" })).toBeVisible();
    await expect(room.getByTestId("download-md")).toHaveCount(0);
    await room.screenshot({ path: "/tmp/ui-shots/desktop-room-left.png", fullPage: true });
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

test("in a manual room the host starts and stops, and a guest is told the host stopped", async ({ page, request, browser, baseURL }) => {
  const key = await createApiKeyInDashboard(page, "Room host e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), title: "Case review", fields: ["hostRoomUrl"], liveTranscription: { startTrigger: "manual" } },
  });
  const meeting = (await created.json()) as { roomName: string; roomUrl: string; hostRoomUrl: string };
  const hostContext = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const guestContext = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] }, viewport: { width: 390, height: 844 } });
  const host = await hostContext.newPage();
  const guest = await guestContext.newPage();
  await host.goto(meeting.hostRoomUrl);
  await expect(host.getByRole("heading", { level: 1, name: "Case review" })).toBeVisible();
  // A manual room asks for no consent up front: the host starts it, and everyone sees the red dot.
  await expect(host.getByTestId("consent-notice")).toHaveCount(0);
  await host.getByLabel("Your name").fill("Hana Host");
  await host.getByRole("button", { name: "Join" }).click();
  await guest.goto(meeting.roomUrl);
  await guest.getByLabel("Your name").fill("Gil Guest");
  await guest.getByRole("button", { name: "Join" }).click();
  await expect(guest.getByRole("list", { name: "People in the room" })).toContainText("Hana Host · host");
  await expect(guest.getByRole("list", { name: "People in the room" })).toContainText("Gil Guest");

  await host.getByRole("button", { name: "Start transcription" }).click();
  await expect(guest.getByTestId("transcription-status")).toHaveText("Transcribing");
  await host.getByRole("button", { name: "Stop transcription" }).click();
  await expect(guest.getByTestId("transcription-ended")).toContainText("The host stopped the transcription at");
  await expect(guest.getByTestId("me")).toHaveText("Gil Guest"); // still in the room
  await guest.screenshot({ path: "/tmp/ui-shots/phone-room-host-stopped.png", fullPage: true });
  await hostContext.close();
  await guestContext.close();
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

test("the live transcript resumes after the connection drops: the line said meanwhile appears, once", async ({ page, request, browser, baseURL }) => {
  test.setTimeout(240_000);
  const key = await createApiKeyInDashboard(page, "Room resume e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "e2e", liveTranscription: { startTrigger: "automatic" } },
  });
  const meeting = (await created.json()) as { roomName: string; roomUrl: string };
  const name = meeting.roomName.slice(1);

  // Someone watching the room page, on a network that will drop: the page goes through a TCP proxy the test cuts.
  const server = new URL(baseURL!);
  const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const room = await context.newPage();
  await room.goto(`http://127.0.0.1:${proxy.port}${new URL(meeting.roomUrl).pathname}`);
  const transcript = room.getByRole("log", { name: "Live transcript" });
  const lines = transcript.getByTestId("final-segment");

  // A media server's participant says one sentence, then (while the page is offline) another.
  expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "cy", displayName: "Cy Remote" } })).status()).toBe(201);
  const say = async (text: string) => {
    const speech = await composeSpeech([{ text, voice: "slt", pauseAfterMs: 1500 }], { leadMs: 500 });
    const res = await fetch(`${baseURL}/api/v1/rooms/${name}/participants/cy/audio`, {
      method: "PUT",
      headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
      body: pacedPcmStream(speech.pcm, { speed: 2 }),
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    expect(res.status).toBe(200);
  };
  await say("Good morning everyone.");
  await expect(lines.filter({ hasText: /morning|everyone/i })).toHaveCount(1, { timeout: 60_000 });

  // The connection drops; the page says it is reconnecting.
  proxy.cut();
  await expect(room.getByText("Reconnecting to the live transcript…")).toBeVisible({ timeout: 30_000 });
  // A second sentence while it is away; the live stream (read here with the key) shows when it is final.
  const watcher = new AbortController();
  const live = await fetch(`${baseURL}/api/v1/rooms/${name}/live`, { headers: auth, signal: watcher.signal });
  const secondFinal = (async () => {
    for await (const e of readSse(live.body!, watcher.signal)) {
      if (e.event === "segment" && JSON.parse(e.data).final && /report|friday/i.test(JSON.parse(e.data).text)) return;
    }
  })();
  await say("Please send me the report by Friday.");
  await secondFinal;
  watcher.abort();
  await expect(lines).toHaveCount(1);

  // Back online: EventSource reconnects with Last-Event-ID and the server replays what was missed, and only that.
  proxy.restore();
  await expect(lines.filter({ hasText: /report|friday/i })).toHaveCount(1, { timeout: 30_000 });
  await expect(room.getByText("Reconnecting to the live transcript…")).toHaveCount(0);
  await expect(lines).toHaveCount(2);
  await expect(lines.filter({ hasText: /morning|everyone/i })).toHaveCount(1);
  expect((await request.delete(`/api/v1/rooms/${name}/participants/cy`, { headers: auth })).status()).toBe(204);
  await context.close();
  await proxy.close();
});
