// The room page's privacy controls in a real browser: the notice before joining, joining not transcribed (the page never
// sends that participant's audio), and the host going off the record and back, seen by everyone.
import { chromium, expect, test, type Page } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";

const SHOTS = "/tmp/ui-shots";

test("a guest joins not transcribed and sends no audio; the host goes off the record and back", async ({ page, request, baseURL }) => {
  test.setTimeout(180_000);
  const key = await createApiKeyInDashboard(page, "Privacy e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), title: "Board meeting", fields: ["hostRoomUrl"], liveTranscription: { startTrigger: "manual" } },
  });
  expect(created.status()).toBe(201);
  const meeting = (await created.json()) as { roomName: string; roomUrl: string; hostRoomUrl: string };
  const name = meeting.roomName.slice(1);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  try {
    const fresh = { baseURL, storageState: { cookies: [], origins: [] } };
    const host = await (await browser.newContext(fresh)).newPage();
    const guest = await (await browser.newContext({ ...fresh, viewport: { width: 390, height: 844 } })).newPage();
    const audioFrom = (p: Page) => {
      const sent: string[] = [];
      p.on("request", (r) => {
        if (r.url().includes("/audio")) sent.push(r.url());
      });
      return sent;
    };
    const guestAudio = audioFrom(guest);
    const hostAudio = audioFrom(host);

    // Before joining a manual room, the page says plainly that the host may start transcription, and offers the choice.
    await guest.goto(meeting.roomUrl);
    await expect(guest.getByTestId("transcription-notice")).toContainText("The host may start transcription while you are here");
    await guest.getByLabel("Your name").fill("Gil Guest");
    await guest.getByLabel("Don't transcribe me").check();
    await expect(guest.getByRole("button", { name: "Join without being transcribed" })).toBeVisible();
    await guest.screenshot({ path: `${SHOTS}/phone-room-opt-out.png`, fullPage: true });
    await guest.getByRole("button", { name: "Join without being transcribed" }).click();
    await expect(guest.getByTestId("not-transcribed")).toHaveText("Not transcribed, at your request: your microphone is off");

    await host.goto(meeting.hostRoomUrl);
    await host.getByLabel("Your name").fill("Hana Host");
    await host.getByRole("button", { name: "Join", exact: true }).click();
    await expect(host.getByTestId("mic-on")).toBeVisible();
    await expect(host.getByRole("list", { name: "People in the room" })).toContainText("Gil Guest · not transcribed");
    await expect(host.getByTestId("pause-transcription")).toHaveCount(0); // nothing to pause before it starts

    await host.getByRole("button", { name: "Start transcription" }).click();
    await expect(guest.getByTestId("transcription-status")).toHaveText("Transcribing");
    // Someone arriving now is told it is on.
    const late = await (await browser.newContext(fresh)).newPage();
    await late.goto(meeting.roomUrl);
    await expect(late.getByTestId("transcription-notice")).toContainText("Transcription is on in this room");
    await late.screenshot({ path: `${SHOTS}/desktop-room-notice-on.png`, fullPage: true });
    await late.context().close();

    // Off the record: the host's button, everyone's banner and status, and the API agrees.
    await expect(host.getByTestId("pause-transcription")).toHaveText("Go off the record");
    await host.getByTestId("pause-transcription").click();
    await expect(host.getByTestId("resume-transcription")).toHaveText("Back on the record");
    await expect(guest.getByTestId("transcription-status")).toHaveText("Off the record");
    await expect(guest.getByTestId("off-record-banner")).toContainText("Nothing said now is transcribed or saved");
    await expect(guest.getByTestId("off-record-banner")).toContainText("The host puts it back on the record");
    await expect(guest.getByTestId("pause-transcription")).toHaveCount(0); // a guest has no such button
    const state = (await (await request.get(`/api/v1/rooms/${name}`)).json()) as { transcription: { offTheRecordSince: string | null } };
    expect(state.transcription.offTheRecordSince).toEqual(expect.any(String));
    await host.screenshot({ path: `${SHOTS}/desktop-room-off-record-host.png`, fullPage: true });
    await guest.screenshot({ path: `${SHOTS}/phone-room-off-record-guest.png`, fullPage: true });
    // While off the record the host's page holds its audio back too (the server drops any that still arrives).
    await expect(host.getByTestId("mic-off-record")).toHaveText("Off the record: nothing you say is sent");
    const sentBefore = hostAudio.length;

    await host.getByTestId("resume-transcription").click();
    await expect(guest.getByTestId("transcription-status")).toHaveText("Transcribing");
    await expect(guest.getByTestId("off-record-banner")).toHaveCount(0);
    await expect(host.getByTestId("pause-transcription")).toBeVisible();
    await expect(host.getByTestId("mic-on")).toBeVisible();
    await expect.poll(() => hostAudio.length, { timeout: 15_000 }).toBeGreaterThan(sentBefore + 1);

    // The guest who opted out never sent a byte of audio.
    expect(guestAudio).toEqual([]);
    await host.getByRole("button", { name: "Leave" }).click();
    await guest.getByRole("button", { name: "Leave" }).click();
  } finally {
    await browser.close();
  }
});

test("in a room that transcribes by itself, a participant can still join without being transcribed", async ({ page, request, browser, baseURL }) => {
  const key = await createApiKeyInDashboard(page, "Privacy auto e2e");
  const created = await request.post("/api/v1/meetings", {
    headers: { Authorization: `Bearer ${key}` },
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "e2e", liveTranscription: { startTrigger: "automatic" } },
  });
  const meeting = (await created.json()) as { roomName: string; roomUrl: string };
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const room = await context.newPage();
  const audio: string[] = [];
  room.on("request", (r) => {
    if (r.url().includes("/audio")) audio.push(r.url());
  });
  await room.goto(meeting.roomUrl);
  await expect(room.getByTestId("consent-notice")).toContainText("unless you choose not to be transcribed below");
  await room.getByLabel("Your name").fill("Olga Optout");
  await expect(room.getByRole("button", { name: "Agree and join" })).toBeVisible();
  await room.getByLabel("Don't transcribe me").check();
  await expect(room.getByText("You join without your microphone: nothing you say is transcribed.")).toBeVisible();
  await room.screenshot({ path: `${SHOTS}/desktop-room-auto-opt-out.png`, fullPage: true });
  await room.getByRole("button", { name: "Join without being transcribed" }).click();
  // Alone and opted out, there is nobody to transcribe: the automatic start waits (no empty transcript).
  await expect(room.getByTestId("transcription-status")).toHaveText("Not transcribing");
  // Someone to transcribe joins: the room transcribes (the others), and says that she is not.
  const name = meeting.roomName.slice(1);
  const auth = { Authorization: `Bearer ${key}` };
  expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "pat", displayName: "Pat Present" } })).status()).toBe(201);
  await expect(room.getByTestId("transcription-status")).toHaveText("Transcribing", { timeout: 15_000 });
  await expect(room.getByTestId("not-transcribed")).toBeVisible();
  await expect(room.getByRole("list", { name: "People in the room" })).toContainText("Olga Optout · not transcribed");
  await room.screenshot({ path: `${SHOTS}/desktop-room-auto-opted-out-joined.png`, fullPage: true });
  expect(audio).toEqual([]);
  await room.getByRole("button", { name: "Leave" }).click();
  expect((await request.delete(`/api/v1/rooms/${name}/participants/pat`, { headers: auth })).status()).toBe(204);
  await context.close();
});

test("a name typed and 'Don't transcribe me' ticked before the page came alive are kept: the guest joins under that name, not transcribed", async ({ page, request, browser, baseURL }) => {
  const key = await createApiKeyInDashboard(page, "Privacy early e2e");
  const created = await request.post("/api/v1/meetings", {
    headers: { Authorization: `Bearer ${key}` },
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "e2e", liveTranscription: { startTrigger: "automatic" } },
  });
  const meeting = (await created.json()) as { roomName: string; roomUrl: string };
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  // A name remembered from an earlier visit: the one typed now wins over it.
  await context.addInitScript(() => localStorage.setItem("verbatim.displayName", "Remembered Name"));
  const room = await context.newPage();
  const audio: string[] = [];
  room.on("request", (r) => {
    if (r.url().includes("/audio")) audio.push(r.url());
  });
  // A slow network: the page's scripts arrive only after the guest has typed and ticked in the server-rendered form.
  let scriptsMayLoad!: () => void;
  const held = new Promise<void>((resolve) => (scriptsMayLoad = resolve));
  await room.route("**/_next/static/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  await room.goto(meeting.roomUrl, { waitUntil: "domcontentloaded" });
  await room.getByLabel("Your name").fill("Early Eve");
  await room.getByLabel("Don't transcribe me").check();
  await expect(room.getByRole("button", { name: "Agree and join" })).toBeVisible(); // not alive yet: the label is the server's
  scriptsMayLoad();
  await expect(room.getByRole("button", { name: "Join without being transcribed" })).toBeVisible();
  await expect(room.getByLabel("Your name")).toHaveValue("Early Eve");
  await expect(room.getByLabel("Don't transcribe me")).toBeChecked();
  await room.getByRole("button", { name: "Join without being transcribed" }).click();
  await expect(room.getByTestId("not-transcribed")).toHaveText("Not transcribed, at your request: your microphone is off");
  await expect(room.getByRole("list", { name: "People in the room" })).toContainText("Early Eve · not transcribed");
  expect(audio).toEqual([]);
  await room.getByRole("button", { name: "Leave" }).click();
  await context.close();
});
