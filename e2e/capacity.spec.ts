// Over capacity in a real browser, on a private server with one recognizer (the shared e2e server must stay below
// capacity for the other specs): two people speak at once, the second utterance waits past the bound, and the
// dashboard, /api/health, /metrics and a new room's join all say so, while the running room goes on and loses nothing.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { OVER_CAPACITY_RETRY_AFTER_SECONDS, type PoolStats } from "../lib/speech/recognizer-pool";
import { composeSpeech, roomTone } from "../lib/testing/speech";
import { pacedPcmStream } from "../scripts/lib/paced-audio";
import { startLocalServer, type LocalServer } from "../scripts/lib/local-server";
import { signIn } from "./fixtures";

// Ana's clause is long, and she stops mid-word in it: her utterance holds the only recognizer until the test lets her
// go on, whatever the machine's load. Ben's sentence meanwhile waits for it, past VERBATIM_ENGINE_POOL_WAIT_MS.
const ANA = "We need three more people for the project before the end of the month.";
const BEN = "Please send me the report by Friday.";
const PCM = "audio/L16;rate=16000;channels=1";

let server: LocalServer;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  server = await startLocalServer({
    readyTimeoutMs: 200_000,
    // Gated always (not only when the decoder worker builds here), so every utterance borrows from the pool.
    env: { VERBATIM_ENGINE_POOL_MAX: "1", VERBATIM_ENGINE_POOL_WAIT_MS: "300", VERBATIM_POCKETSPHINX_GATE: "1" },
  });
});

test.afterAll(async () => {
  await server?.stop();
});

/** A meeting whose transcription starts when someone joins; its room name without the leading slash. */
async function createRoom(request: APIRequestContext, auth: Record<string, string>, prefix: string): Promise<{ roomName: string; name: string }> {
  const created = await request.post(`${server.url}/api/v1/meetings`, {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: prefix, liveTranscription: { startTrigger: "automatic" } },
  });
  expect(created.status()).toBe(201);
  const { roomName } = (await created.json()) as { roomName: string };
  return { roomName, name: roomName.slice(1) };
}

type Health = { status: string; pool: PoolStats | null };

test("one recognizer, two speakers at once: the dashboard warns, health says over_capacity, a new room is refused, the running room keeps every word", async ({ browser, request }) => {
  test.setTimeout(180_000);
  const auth = { Authorization: `Bearer ${server.apiKey}` };
  const health = async () => (await (await request.get(`${server.url}/api/health`)).json()) as Health;
  // The admin signs in meanwhile: a fresh server is slow to its first dashboard on a busy machine (password hashing,
  // modules loaded on first use).
  const context = await browser.newContext({ baseURL: server.url, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const signedIn = signIn(page, server.adminEmail, server.adminPassword, { timeout: 60_000 });
  const room = await createRoom(request, auth, "busy");
  for (const [participantId, displayName] of [["ana", "Ana Busy"], ["ben", "Ben Waiting"]]) {
    expect((await request.post(`${server.url}/api/v1/rooms/${room.name}/participants`, { headers: auth, data: { participantId, displayName } })).status()).toBe(201);
  }

  // Ana speaks first and stops mid-word while her utterance holds the only recognizer.
  const anaSpeech = await composeSpeech([{ text: ANA, voice: "slt", pauseAfterMs: 1500 }], { leadMs: 800 });
  let letAnaGoOn!: () => void;
  const anaGoesOn = new Promise<void>((resolve) => (letAnaGoOn = resolve));
  const streamTo = (participantId: string, body: ReadableStream<Uint8Array> | Buffer) =>
    fetch(`${server.url}/api/v1/rooms/${room.name}/participants/${participantId}/audio`, {
      method: "PUT",
      headers: { ...auth, "Content-Type": PCM },
      body,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
  const anaPut = streamTo(
    "ana",
    pacedPcmStream(Buffer.concat([anaSpeech.pcm, roomTone(1000, { seed: 3 })]), { holds: [{ atMs: anaSpeech.utterances[0].startMs + 1500, until: () => anaGoesOn }] }),
  );
  try {
    await expect.poll(async () => (await health()).pool?.finalInUse, { timeout: 60_000, message: "Ana's utterance has the recognizer" }).toBe(1);
    // One speaker on the one recognizer is not over capacity.
    expect((await health()).pool).toMatchObject({ queued: 0, overCapacity: false });

    // Ben says a whole sentence meanwhile: it waits for the recognizer (its audio is kept), past the bound.
    const benSpeech = await composeSpeech([{ text: BEN, voice: "rms", pauseAfterMs: 1500 }], { leadMs: 800 });
    const benPut = streamTo("ben", Buffer.concat([benSpeech.pcm, roomTone(1000, { seed: 5 })]));
    await expect.poll(async () => (await health()).status, { timeout: 60_000, message: "the instance is over capacity" }).toBe("over_capacity");

    const over = await request.get(`${server.url}/api/health`);
    expect(over.status()).toBe(503);
    expect(over.headers()["retry-after"]).toBe(String(OVER_CAPACITY_RETRY_AFTER_SECONDS));
    expect(await over.json()).toMatchObject({ status: "over_capacity", pool: { max: 1, inUse: 1, queued: 1, overCapacity: true } });
    const metrics = await (await request.get(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^verbatim_over_capacity 1$/m);

    // A new room cannot start a session here now; the running room still admits people.
    const fresh = await createRoom(request, auth, "refused");
    const refused = await request.post(`${server.url}/api/v1/rooms/${fresh.name}/participants`, { headers: auth, data: { participantId: "cy", displayName: "Cy" } });
    expect(refused.status()).toBe(503);
    expect(refused.headers()["retry-after"]).toBe(String(OVER_CAPACITY_RETRY_AFTER_SECONDS));
    expect(await refused.json()).toMatchObject({ code: "over_capacity" });
    expect((await request.post(`${server.url}/api/v1/rooms/${room.name}/participants`, { headers: auth, data: { participantId: "di", displayName: "Di Late" } })).status()).toBe(201);
    expect((await request.delete(`${server.url}/api/v1/rooms/${room.name}/participants/di`, { headers: auth })).status()).toBe(204);

    // The admin's dashboard says why, with the setting to raise.
    await signedIn;
    await page.reload();
    const alert = page.getByTestId("capacity-alert");
    await expect(alert).toBeVisible();
    await expect(alert).toContainText("This server is transcribing as many people as it can.");
    await expect(alert).toContainText("sessions already running go on");
    await expect(alert).toContainText("had to wait longer than VERBATIM_ENGINE_POOL_WAIT_MS for a recognizer (1 in all; now 1 in use, 1 waiting). Raise VERBATIM_ENGINE_POOL_MAX");
    // The only transcription is in progress: there is nothing to select, so "select all" is neither checked nor usable.
    const selectAll = page.getByRole("checkbox", { name: "Select all shown" });
    await expect(selectAll).not.toBeChecked();
    await expect(selectAll).toBeDisabled();

    // Ana goes on: both sentences are transcribed, Ben's from the audio kept while it waited.
    letAnaGoOn();
    expect((await anaPut).status).toBe(200);
    expect((await benPut).status).toBe(200);
    for (const participantId of ["ana", "ben"]) {
      expect((await request.delete(`${server.url}/api/v1/rooms/${room.name}/participants/${participantId}`, { headers: auth })).status()).toBe(204);
    }
    let transcriptionId = "";
    await expect
      .poll(
        async () => {
          const res = await request.get(`${server.url}/api/v1/transcriptions?roomName=${encodeURIComponent(room.roomName)}`, { headers: auth });
          const found = ((await res.json()) as { results: { transcriptionId: string; state: string }[] }).results[0];
          transcriptionId = found?.transcriptionId ?? "";
          return found?.state;
        },
        { timeout: 90_000, intervals: [500, 1000] },
      )
      .toBe("ready");
    const transcript = (await (await page.request.get(`/transcriptions/${transcriptionId}/download/json`)).json()) as { segments: { participantId: string; text: string }[] };
    const said = (participantId: string) => transcript.segments.filter((s) => s.participantId === participantId).map((s) => s.text).join(" ");
    expect(said("ana"), JSON.stringify(transcript.segments)).toMatch(/people|project|month/i);
    expect(said("ben"), JSON.stringify(transcript.segments)).toMatch(/send|report|friday/i);
  } finally {
    letAnaGoOn();
    await context.close();
  }
});
