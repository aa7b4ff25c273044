// <verbatim-room> on a customer's page: a static page on another loopback origin embeds a room for a host and a
// participant (Chromium's fake microphones: speech for the host, room tone for the guest), joins them, starts the
// transcription from code, hears the spoken words as segment events, stops it, and downloads the transcript from the
// room and from the event's links. A page on an origin the account does not list cannot frame the room.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { chromium, expect, test, type Browser, type Page } from "@playwright/test";
import { composeSpeech, roomTone, writeWav } from "../lib/testing/speech";
import { createApiKeyInDashboard } from "./fixtures";

const SENTENCES = ["Good morning everyone. Let us start with the budget.", "Please send me the report by Friday."];
const PORT = Number(process.env.E2E_PORT ?? 3100);
// The customer's pages: loopback origins other than Verbatim's (127.0.0.1:<E2E_PORT>).
const ALLOWED_PORT = PORT + 1;
const FORBIDDEN_PORT = PORT + 2;
const EVENTS = ["ready", "joined", "left", "transcription-started", "transcription-stopped", "transcription-paused", "transcription-resumed", "segment", "transcript-ready", "error"];

type Recorded = { type: string; detail: any };

/** The customer's page: their own heading, the element, and the script from the Verbatim server. */
function customerPage(verbatim: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Care: consultation</title>
<style>body{font-family:system-ui,sans-serif;margin:0;background:#f1f5f9}header{padding:12px 24px;background:#0f766e;color:white}
main{padding:16px 24px}verbatim-room{height:680px;border-radius:12px;overflow:hidden;box-shadow:0 1px 4px #0003}</style></head>
<body><header><strong>Acme Care</strong> · Consultation with Dr. Lima</header>
<main><verbatim-room id="room"></verbatim-room></main>
<script>
  window.events = [];
  const room = document.getElementById("room");
  for (const type of ${JSON.stringify(EVENTS)}) room.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
  const q = new URLSearchParams(location.search);
  for (const name of ["room-url", "display-name", "theme", "lang", "hide-transcript"]) if (q.has(name)) room.setAttribute(name, q.get(name));
</script>
<script src="${verbatim}/embed.js"></script>
</body></html>`;
}

/** The README's complete example page, with this server's address and a room link put in (served at /example?room=…). */
function readmeExample(verbatim: string, roomUrl: string): string {
  const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Rooms in your own app"));
  const html = /```html\n([\s\S]*?)```/.exec(section)![1];
  return html.replaceAll("https://verbatim.example.com/embed.js", `${verbatim}/embed.js`).replace(/room-url="[^"]*"/, `room-url="${roomUrl}"`);
}

function serveCustomerPage(port: number, verbatim: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    const url = new URL(req.url ?? "/", "http://x");
    res.end(url.pathname === "/example" ? readmeExample(verbatim, url.searchParams.get("room")!) : customerPage(verbatim));
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

async function launch(wav: string): Promise<Browser> {
  return chromium.launch({
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
}

const events = (page: Page, type?: string) => page.evaluate((t) => (window as unknown as { events: Recorded[] }).events.filter((e) => !t || e.type === t), type);
/** Calls a method of the element; a rejection comes back as { rejected: { code, message } }. */
const call = (page: Page, method: string) =>
  page.evaluate(
    (m) =>
      (document.getElementById("room") as unknown as Record<string, () => Promise<unknown>>)[m]().then(
        (value) => ({ value }),
        (e: Error & { code?: string }) => ({ rejected: { code: e.code, message: e.message } }),
      ),
    method,
  ) as Promise<{ value?: any; rejected?: { code: string; message: string } }>;

test("a customer's page embeds a room for a host and a participant, drives the transcription from code, hears the words, and downloads the transcript; another origin cannot frame it", async ({ page, request, baseURL }) => {
  test.setTimeout(360_000);
  const verbatim = baseURL!;
  const allowedOrigin = `http://127.0.0.1:${ALLOWED_PORT}`;
  const forbiddenOrigin = `http://127.0.0.1:${FORBIDDEN_PORT}`;

  // The admin lists the customer's origin (a bad entry is refused with the reason first).
  await page.goto("/configure/transcription");
  const origins = page.getByLabel("Sites allowed to embed rooms");
  await origins.fill("http://app.example.com/consult");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("http://app.example.com/consult: only the origin, without a path")).toBeVisible();
  await origins.fill(`${allowedOrigin}/`);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Sites allowed to embed rooms")).toHaveValue(allowedOrigin);
  await page.getByRole("heading", { name: "Embedding and downloads" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/ui-shots/embed-settings.png" });

  const key = await createApiKeyInDashboard(page, "Embed e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: {
      endDate: new Date(Date.now() + 3600_000).toISOString(),
      roomNamePrefix: "embed",
      title: "Consultation",
      fields: ["hostRoomUrl"],
      // The account keeps downloads to the host; this room lets its participants download too.
      liveTranscription: { startTrigger: "manual", participantDownloads: true },
    },
  });
  expect(created.status()).toBe(201);
  const meeting = (await created.json()) as { roomName: string; roomUrl: string; hostRoomUrl: string };

  // The room page allows exactly the listed origin to frame it; everything else still refuses framing.
  const roomHeaders = (await request.get(`${meeting.roomUrl}?embed=1&origin=${encodeURIComponent(allowedOrigin)}`)).headers();
  expect(roomHeaders["content-security-policy"]).toContain(`frame-ancestors ${allowedOrigin}`);
  expect(roomHeaders["content-security-policy"]).not.toContain(forbiddenOrigin);
  expect(roomHeaders["x-frame-options"]).toBeUndefined();
  const dashboardHeaders = (await request.get("/sign-in")).headers();
  expect(dashboardHeaders["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(dashboardHeaders["x-frame-options"]).toBe("DENY");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-embed-e2e-"));
  const speechWav = path.join(dir, "speech.wav");
  const quietWav = path.join(dir, "quiet.wav");
  // Six seconds of room tone first: the host's microphone opens at join, and startTranscription() comes just after.
  const speech = await composeSpeech(SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 1500 })), { leadMs: 6000 });
  await writeWav(speechWav, Buffer.concat([speech.pcm, roomTone(4000, { seed: 5 })]));
  await writeWav(quietWav, roomTone(60_000, { seed: 6 }));

  const allowedServer = await serveCustomerPage(ALLOWED_PORT, verbatim);
  const forbiddenServer = await serveCustomerPage(FORBIDDEN_PORT, verbatim);
  const hostBrowser = await launch(speechWav);
  const guestBrowser = await launch(quietWav);
  try {
    const host = await (await hostBrowser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 820 } })).newPage();
    const guest = await (await guestBrowser.newContext({ viewport: { width: 900, height: 820 } })).newPage();
    const page1 = (url: string, name: string, extra = "") => `${allowedOrigin}/consult?room-url=${encodeURIComponent(url)}&display-name=${encodeURIComponent(name)}${extra}`;
    await guest.goto(page1(meeting.roomUrl, "Gus Guest", "&theme=dark&hide-transcript=&lang=en"));
    await host.goto(page1(meeting.hostRoomUrl, "Hana Host", "&theme=light"));

    // Both rooms load in their frames and say so.
    await expect.poll(() => events(host, "ready"), { timeout: 60_000 }).toHaveLength(1);
    await expect.poll(() => events(guest, "ready"), { timeout: 60_000 }).toHaveLength(1);
    expect((await events(host, "ready"))[0].detail).toMatchObject({ role: "host", startTrigger: "manual", transcribing: false, roomName: meeting.roomName });
    expect((await events(guest, "ready"))[0].detail).toMatchObject({ role: "guest" });
    const hostFrame = host.frameLocator("verbatim-room iframe");
    const guestFrame = guest.frameLocator("verbatim-room iframe");
    // Embed mode: no Verbatim chrome, the element's name filled in, the host's own theme.
    await expect(hostFrame.getByLabel("Your name")).toHaveValue("Hana Host");
    await expect(hostFrame.getByText("Live transcription, never a recording")).toHaveCount(0);
    await expect(guestFrame.getByTestId("embed-frame")).toHaveAttribute("data-theme", "dark");

    // join() from code; a guest cannot start the transcription, and is told why.
    const guestJoin = await call(guest, "join");
    expect(guestJoin.value).toMatchObject({ role: "guest", displayName: "Gus Guest" });
    const refused = await call(guest, "startTranscription");
    expect(refused.rejected).toEqual({ code: "not_host", message: expect.stringContaining("Only the host can start") });
    const hostJoin = await call(host, "join");
    expect(hostJoin.value).toMatchObject({ role: "host", displayName: "Hana Host" });
    const started = await call(host, "startTranscription");
    expect(started.value.transcription).toMatchObject({ state: "in_progress" });
    await expect.poll(() => events(guest, "transcription-started"), { timeout: 15_000 }).toHaveLength(1);
    expect((await events(host, "joined"))[0].detail).toMatchObject({ role: "host", displayName: "Hana Host" });
    // A second start while running is refused by the server, with its reason.
    expect((await call(host, "startTranscription")).rejected?.code).toBe("conflict");

    // The participant's page hears the host's words as segment events, with speaker and times; its frame shows no
    // transcript (hide-transcript), the host's does.
    await expect
      .poll(async () => (await events(guest, "segment")).map((e) => e.detail.text).join(" ").toLowerCase(), { timeout: 120_000, intervals: [1000] })
      .toMatch(/budget|morning|report|friday/);
    const segment = (await events(guest, "segment"))[0].detail;
    expect(segment).toMatchObject({ speaker: "Hana Host", participantId: hostJoin.value.participantId });
    expect(segment.endMs).toBeGreaterThan(segment.startMs);
    await expect(hostFrame.getByRole("log", { name: "Live transcript" }).getByTestId("final-segment").first()).toContainText("Hana Host:");
    await expect(guestFrame.getByRole("log", { name: "Live transcript" })).toHaveCount(0);
    await host.screenshot({ path: "/tmp/ui-shots/embed-host-transcribing.png" });
    await guest.screenshot({ path: "/tmp/ui-shots/embed-guest-dark.png" });

    // Let the second sentence finish, then stop from code.
    await expect
      .poll(async () => (await events(guest, "segment")).map((e) => e.detail.text).join(" ").toLowerCase(), { timeout: 90_000, intervals: [1000] })
      .toMatch(/report|friday/);
    // Off the record and back, from code: only the host, and everyone's page hears of it.
    expect((await call(guest, "pauseTranscription")).rejected?.code).toBe("not_host");
    const paused = await call(host, "pauseTranscription");
    expect(paused.value.transcription.offTheRecordSince).toEqual(expect.any(String));
    await expect.poll(() => events(guest, "transcription-paused"), { timeout: 15_000 }).toHaveLength(1);
    await expect(guestFrame.getByTestId("off-record-banner")).toBeVisible();
    expect((await call(host, "pauseTranscription")).rejected?.code).toBe("conflict");
    const resumed = await call(host, "resumeTranscription");
    expect(resumed.value.transcription.offTheRecordSince).toBeNull();
    await expect.poll(() => events(guest, "transcription-resumed"), { timeout: 15_000 }).toHaveLength(1);
    const stopped = await call(host, "stopTranscription");
    expect(stopped.value.transcription).toMatchObject({ state: "idle" });
    await expect.poll(() => events(guest, "transcription-stopped"), { timeout: 15_000 }).toHaveLength(1);

    // Once saved, the host downloads from the room, and the participant (allowed in this room) gets links too.
    await expect(hostFrame.getByTestId("download-md")).toBeVisible({ timeout: 60_000 });
    await host.screenshot({ path: "/tmp/ui-shots/embed-host-downloads.png" });
    const downloading = host.waitForEvent("download");
    await hostFrame.getByTestId("download-md").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^embed-[0-9a-f]{32}-.*\.md$/);
    const markdown = fs.readFileSync((await download.path())!, "utf8");
    expect(markdown).toContain(`# Transcript: ${meeting.roomName}`);
    expect(markdown).toMatch(/Hana Host:\*\* .*(budget|morning|report|friday)/i);
    expect(markdown).toMatch(/^\*Off the record \d\d:\d\d:\d\d–\d\d:\d\d:\d\d\*$/m);

    await expect.poll(() => events(guest, "transcript-ready"), { timeout: 60_000 }).toHaveLength(1);
    const ready = (await events(guest, "transcript-ready"))[0].detail as { links: Record<string, string>; expires: number };
    expect(ready.expires).toBeGreaterThan(Date.now());
    const vtt = await request.get(ready.links.vtt);
    expect(vtt.status()).toBe(200);
    expect(await vtt.text()).toMatch(/^WEBVTT[\s\S]*<v Hana Host>/);
    const txt = await (await request.get(ready.links.txt)).text();
    expect(txt.toLowerCase()).toMatch(/hana host: .*(budget|morning|report|friday)/);
    // A changed link is refused with a clear reason (its signature's first character changed, whatever it was).
    const alteredLink = ready.links.txt.replace(/signature=(.)/, (_, c: string) => `signature=${c === "0" ? "1" : "0"}`);
    expect(alteredLink).not.toBe(ready.links.txt);
    const altered = await request.get(alteredLink);
    expect(altered.status()).toBe(403);
    expect((await altered.json()).error).toMatch(/not valid/);

    expect((await call(guest, "leave")).rejected).toBeUndefined();
    await expect.poll(() => events(guest, "left"), { timeout: 10_000 }).toHaveLength(1);
    expect(await events(host, "error")).toEqual([]);
    expect(await events(guest, "error")).toEqual([]);

    // A refused command's reason shows in the frame until the transcription moves (here, started from another page).
    expect((await call(host, "stopTranscription")).rejected?.code).toBe("conflict");
    const refusal = hostFrame.getByRole("alert").filter({ hasText: "Transcription is not running." });
    await expect(refusal).toBeVisible();

    // The plain room page (no embed) shows the same downloads to the host after a session.
    const plain = await (await hostBrowser.newContext()).newPage();
    await plain.goto(meeting.hostRoomUrl);
    await plain.getByLabel("Your name").fill("Hana Host");
    await plain.getByRole("button", { name: "Join" }).click();
    await plain.getByRole("button", { name: "Start transcription" }).click();
    await expect(plain.getByTestId("transcription-status")).toHaveText("Transcribing");
    await expect(refusal).toHaveCount(0);
    // Someone speaks (through a media server, with the API key), so the session has a transcript.
    const name = meeting.roomName.slice(1);
    expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "ben", displayName: "Ben Remote" } })).status()).toBe(201);
    const benSpeech = await composeSpeech([{ text: "Please send me the report by Friday.", voice: "rms", pauseAfterMs: 1500 }], { leadMs: 800 });
    const put = await request.put(`/api/v1/rooms/${name}/participants/ben/audio`, {
      headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
      data: Buffer.concat([benSpeech.pcm, roomTone(1500, { seed: 8 })]),
      timeout: 120_000,
    });
    expect(put.status()).toBe(200);
    await expect(plain.getByTestId("final-segment").filter({ hasText: "Ben Remote:" }).first()).toBeVisible({ timeout: 90_000 });
    await plain.getByRole("button", { name: "Stop transcription" }).click();
    await expect(plain.getByTestId("download-txt")).toBeVisible({ timeout: 60_000 });
    await plain.screenshot({ path: "/tmp/ui-shots/room-downloads.png", fullPage: true });
    await call(host, "leave");

    // The README's example page works as written: it loads the room, joins with its display-name, and shows why a
    // guest's startTranscription() is refused.
    const example = await (await guestBrowser.newContext()).newPage();
    await example.goto(`${allowedOrigin}/example?room=${encodeURIComponent(meeting.roomUrl)}`);
    await expect(example.locator("#log")).toContainText("Room ready; you are the guest", { timeout: 60_000 });
    await example.getByRole("button", { name: "Join" }).click();
    await expect(example.locator("#log")).toContainText("Joined as Dr. Ana Lima");
    await example.getByRole("button", { name: "Start transcription" }).click();
    await expect(example.locator("#log")).toContainText("startTranscription() refused (not_host): Only the host can start");
    await example.getByRole("button", { name: "Leave" }).click();
    await expect(example.locator("#log")).toContainText("Left the room");
    await example.screenshot({ path: "/tmp/ui-shots/embed-readme-example.png" });

    // A guest link to a locked room: the frame says so, and the element tells the page why (no waiting for a time-out).
    const lockedRoom = (await (
      await request.post("/api/v1/meetings", { headers: auth, data: { endDate: new Date(Date.now() + 3600_000).toISOString(), isLocked: true } })
    ).json()) as { roomUrl: string };
    const lockedPage = await (await guestBrowser.newContext()).newPage();
    await lockedPage.goto(`${allowedOrigin}/consult?room-url=${encodeURIComponent(lockedRoom.roomUrl)}&display-name=Gus`);
    await expect.poll(() => events(lockedPage, "error"), { timeout: 60_000 }).toHaveLength(1);
    expect((await events(lockedPage, "error"))[0].detail).toMatchObject({ code: "room_locked", message: expect.stringContaining("only the host can join") });
    expect((await call(lockedPage, "join")).rejected?.code).toBe("room_locked");
    await expect(lockedPage.frameLocator("verbatim-room iframe").getByRole("heading", { name: "This room is locked" })).toBeVisible();

    // A page on an origin the account does not list: the browser refuses the frame, the element says so.
    const stranger = await (await guestBrowser.newContext()).newPage();
    await stranger.goto(`${forbiddenOrigin}/consult?room-url=${encodeURIComponent(meeting.roomUrl)}&display-name=Eve`);
    await expect.poll(() => events(stranger, "error"), { timeout: 60_000 }).toHaveLength(1);
    expect((await events(stranger, "error"))[0].detail).toMatchObject({ code: "frame_blocked", message: expect.stringContaining(forbiddenOrigin) });
    expect(await events(stranger, "ready")).toEqual([]);
    expect((await call(stranger, "join")).rejected?.code).toBe("frame_blocked");
    // The element says so in place of the frame, and nothing of the room rendered in any frame of that page.
    await expect(stranger.locator("verbatim-room p[role=alert]")).toContainText("The Verbatim room could not be shown here.");
    for (const frame of stranger.frames()) expect(await frame.locator("text=Join the room").count()).toBe(0);
    await stranger.screenshot({ path: "/tmp/ui-shots/embed-blocked.png" });
  } finally {
    await hostBrowser.close();
    await guestBrowser.close();
    allowedServer.close();
    forbiddenServer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
