// Makes a real transcript for browser tests: a room with an automatic trigger, flite speech streamed as PCM through
// the pipeline's HTTP routes with an API key, a leave, and a wait until the transcript is saved.
import { expect, type APIRequestContext } from "@playwright/test";
import { composeSpeech, roomTone } from "../lib/testing/speech";

type Meeting = { roomName: string };
export type Transcription = { transcriptionId: string; roomName: string; state: string; filename: string };

/**
 * Creates a room with an automatic trigger, speaks into it as one participant, leaves, and waits for the saved
 * transcript (or, with `until: "failed"`, for one whose save failed for good).
 */
export async function transcribeSession(
  request: APIRequestContext,
  auth: Record<string, string>,
  prefix: string,
  sentences: string[],
  speaker = "Ana",
  options: { title?: string; destination?: Record<string, unknown>; until?: "ready" | "failed" } = {},
): Promise<Transcription> {
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: prefix, title: options.title, liveTranscription: { startTrigger: "automatic", destination: options.destination ?? { provider: "hosted" } } },
  });
  expect(created.status()).toBe(201);
  const { roomName } = (await created.json()) as Meeting;
  const name = roomName.slice(1);
  const joined = await request.post(`/api/v1/rooms/${name}/participants`, { headers: auth, data: { participantId: "ana", displayName: speaker } });
  expect(joined.status()).toBe(201);
  const speech = await composeSpeech(sentences.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 1200 })), { leadMs: 800 });
  const audio = await request.put(`/api/v1/rooms/${name}/participants/ana/audio`, {
    headers: { ...auth, "Content-Type": "audio/L16;rate=16000;channels=1" },
    data: Buffer.concat([speech.pcm, roomTone(1500, { seed: 7 })]),
    timeout: 120_000,
  });
  expect(audio.status()).toBe(200);
  expect((await request.delete(`/api/v1/rooms/${name}/participants/ana`, { headers: auth })).status()).toBe(204);
  let found: Transcription | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/transcriptions?roomName=${encodeURIComponent(roomName)}`, { headers: auth });
        found = ((await res.json()) as { results: Transcription[] }).results[0];
        return found?.state;
      },
      { timeout: 90_000, intervals: [500, 1000] },
    )
    .toBe(options.until ?? "ready");
  return found!;
}

