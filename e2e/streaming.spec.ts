// A media server's view, over real HTTP against the production server: one long streaming PUT of a participant's
// audio at real time, while the live transcript (SSE) shows interim text and then final segments before the body ends.
import { expect, test } from "@playwright/test";
import { composeSpeech, roomTone, type ComposedSpeech } from "../lib/testing/speech";
import { pacedPcmStream } from "../scripts/lib/paced-audio";
import { createApiKeyInDashboard } from "./fixtures";

// One long clause first (no pause inside it for the recognizer to end an utterance on), then a short sentence.
const SENTENCES = ["We need three more people for the project before the end of the month.", "Please send me the report by Friday."];
const KEY_WORDS = /people|project|month|report|friday/i;

/** 2.5 s into the first sentence: interim text is due by then (one preview a second), and the sentence is not over. */
function midSentence(speech: ComposedSpeech): number {
  const u = speech.utterances[0];
  return Math.min(u.startMs + 2500, u.endMs - 500);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type LiveSegment = { participantId: string; displayName: string; startMs: number; endMs: number; text: string; final: boolean };

/** Reads `event: segment` messages of an SSE response until it is aborted. */
async function collectSegments(body: ReadableStream<Uint8Array>, into: { segment: LiveSegment; at: number }[]) {
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === "segment" && data) into.push({ segment: JSON.parse(data) as LiveSegment, at: Date.now() });
      }
    }
  } catch {
    // aborted at the end of the test
  }
}

test("a media server streams a participant's audio in one long PUT; interim and final text arrive live, before the stream ends", async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  const key = await createApiKeyInDashboard(page, "Streaming e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "stream", liveTranscription: { startTrigger: "automatic" } },
  });
  const { roomName } = (await created.json()) as { roomName: string };
  const name = roomName.slice(1);
  expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "ana", displayName: "Ana Stream" } })).status()).toBe(201);

  const live = new AbortController();
  const sse = await fetch(`${baseURL}/api/v1/rooms/${name}/live`, { signal: live.signal });
  expect(sse.headers.get("content-type")).toContain("text/event-stream");
  const segments: { segment: LiveSegment; at: number }[] = [];
  const reading = collectSegments(sse.body!, segments);

  const speech = await composeSpeech(SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 1500 })), { leadMs: 800 });
  const pcm = Buffer.concat([speech.pcm, roomTone(1000, { seed: 3 })]);
  // Interim text is best effort (its recognizer gives way to everything else), so the speaker pauses mid-sentence
  // until it shows: the final recognizer cannot end a sentence it has not heard the end of, so interim comes first.
  const interimShown = () => waitFor(() => segments.some((s) => !s.segment.final && s.segment.text), "interim text", 90_000);
  const put = await fetch(`${baseURL}/api/v1/rooms/${name}/participants/ana/audio`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
    body: pacedPcmStream(pcm, { holds: [{ atMs: midSentence(speech), until: interimShown }] }),
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  const answeredAt = Date.now();
  expect(put.status).toBe(200);
  expect(await put.json()).toEqual({ receivedBytes: pcm.length });

  // The first utterance was transcribed while the body was still streaming: live, not after the upload.
  const finals = segments.filter((s) => s.segment.final);
  expect(finals.length).toBeGreaterThan(0);
  expect(finals[0].at).toBeLessThan(answeredAt - 1000);
  expect(finals[0].segment).toMatchObject({ participantId: "ana", displayName: "Ana Stream" });
  expect(finals.map((s) => s.segment.text).join(" ")).toMatch(KEY_WORDS);
  // Interim text came first, under the same speaker.
  const firstFinal = segments.indexOf(finals[0]);
  const interims = segments.slice(0, firstFinal).filter((s) => !s.segment.final && s.segment.text);
  expect(interims.length).toBeGreaterThan(0);
  expect(interims[0].segment.participantId).toBe("ana");

  expect((await request.delete(`/api/v1/rooms/${name}/participants/ana`, { headers: auth })).status()).toBe(204);
  live.abort();
  await reading;
  await expect
    .poll(async () => {
      const res = await request.get(`/api/v1/transcriptions?roomName=${encodeURIComponent(roomName)}`, { headers: auth });
      return ((await res.json()) as { results: { state: string }[] }).results[0]?.state;
    }, { timeout: 60_000 })
    .toBe("ready");
});

test("staff watch a session live in the dashboard: interim text while a sentence is spoken, then the settled lines", async ({ page, request, baseURL }) => {
  test.setTimeout(240_000);
  const key = await createApiKeyInDashboard(page, "Dashboard live e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "watch", liveTranscription: { startTrigger: "automatic" } },
  });
  const { roomName } = (await created.json()) as { roomName: string };
  const name = roomName.slice(1);
  expect((await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "ana", displayName: "Ana Watched" } })).status()).toBe(201);
  const listed = await request.get(`/api/v1/transcriptions?roomName=${encodeURIComponent(roomName)}`, { headers: auth });
  const transcription = ((await listed.json()) as { results: { transcriptionId: string; state: string }[] }).results[0];
  expect(transcription.state).toBe("in_progress");

  // The view is open, and listening to the room's live events, before anyone speaks.
  const listening = page.waitForResponse((r) => r.url().includes("/live-events") && r.status() === 200);
  await page.goto(`/transcriptions/${transcription.transcriptionId}`);
  await listening;
  await expect(page.getByText(/Live: what people say appears as they speak/)).toBeVisible();
  await expect(page.getByTestId("transcript-when")).toContainText("in progress");
  await expect(page.getByTestId("transcript")).toContainText("Nobody has said anything yet.");

  const speech = await composeSpeech(SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 1500 })), { leadMs: 800 });
  const speakingNow = page.getByRole("list", { name: "Speaking now" });
  // As above: the speaker pauses mid-sentence until the interim line is on screen (best-effort text made certain).
  // While her first words are interim text, Talk time says she is speaking (not "did not speak").
  const interimShown = async () => {
    await expect(speakingNow.getByTestId("interim-line").first()).toContainText("Ana Watched:", { timeout: 90_000 });
    await expect(page.getByTestId("speaking-first")).toContainText(/Ana Watched\s*speaking…/);
    await expect(page.getByTestId("speakers")).not.toContainText("did not speak");
  };
  const streaming = fetch(`${baseURL}/api/v1/rooms/${name}/participants/ana/audio`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
    body: pacedPcmStream(Buffer.concat([speech.pcm, roomTone(1000, { seed: 4 })]), { holds: [{ atMs: midSentence(speech), until: interimShown }] }),
    duplex: "half",
  } as RequestInit & { duplex: "half" });

  await expect(speakingNow.getByTestId("interim-line").first()).toContainText("Ana Watched:", { timeout: 90_000 });
  await page.screenshot({ path: "test-results/screenshots/dashboard-live.png", fullPage: true });
  const transcript = page.getByTestId("transcript");
  await expect(transcript).toContainText(KEY_WORDS, { timeout: 60_000 });
  await expect(transcript.getByTestId("speaker-name").first()).toHaveText("Ana Watched");
  // The talk-time chart follows the live lines too.
  await expect(page.getByTestId("talk-time")).toContainText(/Ana Watched\s*\d+ seconds? · 100%/);

  expect((await streaming).status).toBe(200);
  // The view's live events resume: from "<transcriptionId>:0" they replay the lines said so far, each with its id; an
  // id the server never sent is a 400.
  const id = transcription.transcriptionId;
  const replay = await page.evaluate(async (id) => {
    const res = await fetch(`/transcriptions/${id}/live-events`, { headers: { "Last-Event-ID": `${id}:0` } });
    const reader = res.body!.getReader();
    let text = "";
    while (!/event: segment\ndata: [^\n]*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    return { status: res.status, text };
  }, id);
  expect(replay.status).toBe(200);
  expect(replay.text).toMatch(new RegExp(`id: ${id}:\\d+\nevent: segment\ndata: .*"final":true`));
  expect((await page.request.get(`/transcriptions/${id}/live-events`, { headers: { "Last-Event-ID": "yesterday" } })).status()).toBe(400);
  expect((await request.delete(`/api/v1/rooms/${name}/participants/ana`, { headers: auth })).status()).toBe(204);
  // The session is over: the view turns into the saved transcript.
  await expect(page.getByText(/Live: what people say/)).toHaveCount(0, { timeout: 30_000 });
  await expect(speakingNow).toHaveCount(0);
  await expect(transcript).toContainText(KEY_WORDS);
});
