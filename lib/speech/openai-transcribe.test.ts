import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EngineSegment } from "@/lib/speech/types";
import { createOpenAiTranscribeEngine, vocabularyPrompt, whisperLanguage, type OpenAiTranscribeConfig } from "@/lib/speech/openai-transcribe";
import { startTranscribeServer, type TranscribeServer, type TranscribeServerOptions } from "@/lib/testing/openai-transcribe-server";
import { composeSpeech, roomTone, wordErrorRate, type ComposedSpeech } from "@/lib/testing/speech";

const API_KEY = "sk-transcribe-test-7";
const servers: TranscribeServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: TranscribeServerOptions = {}) {
  const server = await startTranscribeServer({ apiKey: API_KEY, ...options });
  servers.push(server);
  return server;
}

const engineFor = (server: TranscribeServer, extra: Partial<OpenAiTranscribeConfig> = {}) =>
  createOpenAiTranscribeEngine({ baseUrl: server.baseUrl, apiKey: API_KEY, model: "whisper-1", retryDelayMs: 50, ...extra });

type Run = { segments: (EngineSegment & { at: number })[]; finals: EngineSegment[]; errors: Error[] };

/** Streams PCM into a fresh engine stream in 100 ms chunks (every `paceMs`, or as fast as it takes it), then ends it. */
async function stream(
  engine: ReturnType<typeof createOpenAiTranscribeEngine>,
  pcm: Buffer,
  opts: { language?: string; vocabulary?: string[]; paceMs?: number } = {},
): Promise<Run> {
  const s = engine.open({ language: opts.language ?? "en", vocabulary: opts.vocabulary });
  const run: Run = { segments: [], finals: [], errors: [] };
  s.onSegment((segment) => {
    run.segments.push({ ...segment, at: performance.now() });
    if (segment.final) run.finals.push(segment);
  });
  s.onError((e) => run.errors.push(e));
  for (let offset = 0; offset < pcm.length; offset += 3200) {
    await s.write(pcm.subarray(offset, offset + 3200));
    if (opts.paceMs) await new Promise((r) => setTimeout(r, opts.paceMs));
  }
  await s.end();
  return run;
}

/** Where a request's audio sits in the stream, in ms (the WAV must be an exact slice of what was written). */
function offsetMsIn(pcm: Buffer, sent: Buffer): number {
  const at = pcm.indexOf(sent);
  expect(at, "the audio sent is a slice of the stream").toBeGreaterThanOrEqual(0);
  return at / 32;
}

let speech: ComposedSpeech;
beforeAll(async () => {
  speech = await composeSpeech([
    { text: "Good morning everyone.", voice: "slt", pauseAfterMs: 1500 },
    { text: "The budget meeting starts at nine.", voice: "rms", pauseAfterMs: 1500 },
    { text: "Please send the report today.", voice: "slt", pauseAfterMs: 1200 },
  ]);
});

describe("OpenAI-compatible transcription engine", () => {
  it("sends each utterance as a WAV slice of the stream and returns its words at their times on the stream", async () => {
    const server = await serve();
    const run = await stream(engineFor(server), speech.pcm);

    expect(run.errors).toEqual([]);
    expect(server.requests).toHaveLength(speech.utterances.length);
    for (const [i, request] of server.requests.entries()) {
      expect(request).toMatchObject({
        path: "/v1/audio/transcriptions",
        authorization: `Bearer ${API_KEY}`,
        model: "whisper-1",
        language: "en",
        responseFormat: "verbose_json",
        prompt: undefined,
        wav: { sampleRate: 16_000, channels: 1, bitsPerSample: 16 },
      });
      // The WAV holds the whole utterance, with pre-roll before its first word, and nothing of the next one.
      const u = speech.utterances[i];
      const startMs = offsetMsIn(speech.pcm, request.pcm);
      expect(startMs).toBeLessThanOrEqual(u.startMs - 200);
      expect(startMs + request.durationMs).toBeGreaterThanOrEqual(u.endMs);
      if (i + 1 < speech.utterances.length) expect(startMs + request.durationMs).toBeLessThan(speech.utterances[i + 1].startMs);
    }

    const text = run.finals.map((s) => s.text).join(" ");
    expect(wordErrorRate(speech.utterances.map((u) => u.text).join(" "), text)).toBeLessThanOrEqual(0.25);
    // Segment times are the server's segment times moved onto the stream timeline: inside their utterance.
    for (const segment of run.finals) {
      const u = speech.utterances.find((x) => segment.startMs < x.endMs + 300 && segment.endMs > x.startMs - 300);
      expect(u, `segment ${JSON.stringify(segment)} lies on an utterance`).toBeDefined();
      expect(segment.startMs).toBeGreaterThanOrEqual(u!.startMs - 500);
      expect(segment.endMs).toBeLessThanOrEqual(u!.endMs + 400);
    }
    const starts = run.finals.map((s) => s.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(run.segments.every((s) => s.final)).toBe(true); // no interim text unless enabled
  });

  it("places verbose_json segments exactly on the stream and drops one Whisper marks as no speech", async () => {
    const server = await serve({
      fault: () => ({
        status: 200,
        body: {
          task: "transcribe",
          language: "english",
          duration: 2.5,
          text: "Good morning everyone. Thank you for watching.",
          segments: [
            { id: 0, seek: 0, start: 0.32, end: 1.48, text: " Good morning everyone.", avg_logprob: -0.21, no_speech_prob: 0.02 },
            { id: 1, seek: 0, start: 1.6, end: 2.4, text: " Thank you for watching.", avg_logprob: -1.3, no_speech_prob: 0.91 },
          ],
        },
      }),
    });
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    const run = await stream(engineFor(server), one);
    const wavStartMs = offsetMsIn(one, server.requests[0].pcm);
    expect(run.finals).toEqual([{ startMs: Math.round(wavStartMs + 320), endMs: Math.round(wavStartMs + 1480), text: "Good morning everyone.", final: true }]);
  });

  it("sends no request for silence, room tone or noise", async () => {
    const server = await serve();
    const noise = Buffer.alloc(5000 * 32);
    for (let i = 0; i < noise.length; i += 2) noise.writeInt16LE(Math.round((Math.random() * 2 - 1) * 3000), i);
    const run = await stream(engineFor(server), Buffer.concat([roomTone(5000), Buffer.alloc(5000 * 32), noise]));
    expect(server.requests).toHaveLength(0);
    expect(run.segments).toEqual([]);
    expect(run.errors).toEqual([]);
  });

  it("sends the room's language as Whisper's code and its vocabulary as the prompt", async () => {
    const server = await serve();
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    await stream(engineFor(server), one, { language: "de", vocabulary: ["Verbatim", "Kubernetes", " Ana  Costa "] });
    await stream(engineFor(server), one, { language: "zh-TW" });
    expect(server.requests.map((r) => [r.language, r.prompt])).toEqual([
      ["de", "Vocabulary: Verbatim, Kubernetes, Ana Costa."],
      ["zh", undefined],
    ]);
    expect(whisperLanguage("pt-BR")).toBe("pt");
    expect(vocabularyPrompt(Array.from({ length: 100 }, (_, i) => `term-number-${i}`))!.length).toBeLessThanOrEqual(620);
    expect(vocabularyPrompt([])).toBeUndefined();
  });

  it("keeps segments in utterance order when a later utterance is answered first", async () => {
    const received: number[] = [];
    const server = await serve({
      fault: (r) => {
        received.push(performance.now());
        return r.index === 0 ? { delayMs: 2500 } : undefined;
      },
    });
    const run = await stream(engineFor(server, { concurrency: 3 }), speech.pcm);
    expect(run.errors).toEqual([]);
    expect(server.requests).toHaveLength(3);
    // The later utterances were out while the first one was still being answered.
    expect(received[2] - received[0]).toBeLessThan(2500);
    const starts = run.finals.map((s) => s.startMs);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(run.finals[0].startMs).toBeLessThan(speech.utterances[0].endMs);
    expect(wordErrorRate(speech.utterances.map((u) => u.text).join(" "), run.finals.map((s) => s.text).join(" "))).toBeLessThanOrEqual(0.25);
  });

  it("honours a 429's Retry-After and retries a 500", async () => {
    const seenAt: number[] = [];
    const server = await serve({
      fault: (r) => {
        seenAt.push(performance.now());
        if (r.index === 0) return { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "Rate limit reached", type: "requests" } } };
        if (r.index === 2) return { status: 500, body: { error: { message: "The server had an error", type: "server_error" } } };
        return undefined;
      },
    });
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    const run = await stream(engineFor(server), one);
    expect(seenAt[1] - seenAt[0]).toBeGreaterThanOrEqual(950);
    expect(run.errors).toEqual([]);
    expect(run.finals.map((s) => s.text).join(" ")).toMatch(/good morning/i);

    const again = await stream(engineFor(server), one);
    expect(server.requests).toHaveLength(4);
    expect(again.finals.map((s) => s.text).join(" ")).toMatch(/good morning/i);
  });

  it("gives up on a slow answer at the timeout and asks again", async () => {
    const server = await serve({ fault: (r) => (r.index === 0 ? { hang: true } : undefined) });
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    // The timeout must be longer than a real answer takes on a busy machine (the server recognizes with PocketSphinx).
    const run = await stream(engineFor(server, { timeoutMs: 30_000 }), one);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    // Every try is the same utterance, asked again.
    expect(server.requests.every((r) => r.pcm.equals(server.requests[0].pcm))).toBe(true);
    expect(run.errors).toEqual([]);
    expect(run.finals.map((s) => s.text).join(" ")).toMatch(/good morning/i);
  });

  it("falls back to json with the detector's times when the server refuses verbose_json, and remembers that", async () => {
    const server = await serve({ refuseVerboseJson: true });
    const engine = engineFor(server, { model: "gpt-4o-transcribe" });
    const run = await stream(engine, speech.pcm);
    expect(run.errors).toEqual([]);
    // Utterances already out when the first refusal came back are asked again in json; each gets one json request.
    const formats = server.requests.map((r) => r.responseFormat);
    expect(formats[0]).toBe("verbose_json");
    expect(formats.filter((f) => f === "json")).toHaveLength(3);
    expect(run.finals).toHaveLength(3);
    for (const [i, segment] of run.finals.entries()) {
      const u = speech.utterances[i];
      // From where the voice was first heard to the end of the utterance (post-roll included).
      expect(segment.startMs).toBeGreaterThanOrEqual(u.startMs - 500);
      expect(segment.startMs).toBeLessThanOrEqual(u.startMs + 50);
      expect(segment.endMs).toBeGreaterThanOrEqual(u.endMs);
      expect(segment.endMs).toBeLessThanOrEqual(u.endMs + 300);
    }
    expect(wordErrorRate(speech.utterances.map((u) => u.text).join(" "), run.finals.map((s) => s.text).join(" "))).toBeLessThanOrEqual(0.25);

    // Remembered for this server and model: the next stream asks in json straight away.
    const before = server.requests.length;
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    await stream(engineFor(server, { model: "gpt-4o-transcribe" }), one);
    expect(server.requests.slice(before).map((r) => r.responseFormat)).toEqual(["json"]);
  });

  it("sends the growing utterance for interim text about once a second when enabled", async () => {
    // This server "recognizes" by saying how much audio it got, at once: PocketSphinx's own time under load would
    // decide how many interim requests fit, and this test is about which ones the engine sends and shows.
    const server = await serve({
      recognize: async (pcm) => [{ startMs: 0, endMs: pcm.length / 32, text: `heard ${Math.round(pcm.length / 32 / 100) * 100} ms`, final: true }],
    });
    const long = await composeSpeech([{ text: "The budget meeting starts at nine and we will review every open item on the list.", voice: "rms", pauseAfterMs: 1000 }]);
    const run = await stream(engineFor(server, { interim: true, interimIntervalMs: 1000 }), long.pcm, { paceMs: 50 });
    expect(run.errors).toEqual([]);
    const interimRequests = server.requests.filter((r) => r.responseFormat === "json");
    const finalRequests = server.requests.filter((r) => r.responseFormat === "verbose_json");
    expect(finalRequests).toHaveLength(1);
    // About one per second of speech, each the utterance so far from the same start: longer each time.
    const speechMs = long.utterances[0].endMs - long.utterances[0].startMs;
    expect(interimRequests.length).toBeGreaterThanOrEqual(2);
    expect(interimRequests.length).toBeLessThanOrEqual(Math.ceil(speechMs / 1000) + 1);
    const firstSample = offsetMsIn(long.pcm, interimRequests[0].pcm);
    for (let i = 1; i < interimRequests.length; i++) {
      expect(interimRequests[i].durationMs).toBeGreaterThanOrEqual(interimRequests[i - 1].durationMs + 900);
      expect(offsetMsIn(long.pcm, interimRequests[i].pcm)).toBe(firstSample);
    }
    const interims = run.segments.filter((s) => !s.final && s.text);
    expect(interims.length).toBeGreaterThanOrEqual(2);
    for (const s of interims) expect(s.text).toMatch(/^heard \d+ ms$/);
    const final = run.segments.findIndex((s) => s.final);
    expect(final).toBeGreaterThan(run.segments.indexOf(interims.at(-1)!));
    expect(run.segments.slice(final).some((s) => !s.final && s.text)).toBe(false);
  });

  it("works with whisper.cpp's server: path /inference, no key, no model needed", async () => {
    const server = await serve({ path: "/inference", apiKey: undefined, requireModel: false });
    expect(server.baseUrl).toBe(server.origin);
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[1].endMs + 1000) * 32));
    const run = await stream(createOpenAiTranscribeEngine({ baseUrl: server.baseUrl, path: "/inference" }), one);
    expect(run.errors).toEqual([]);
    expect(server.requests.map((r) => r.path)).toEqual(["/inference", "/inference"]);
    expect(run.finals.map((s) => s.text).join(" ")).toMatch(/budget/i);
  });

  it("reports a refused key as an error naming the setting, and refuses audio after it", async () => {
    const server = await serve();
    const engine = createOpenAiTranscribeEngine({ baseUrl: server.baseUrl, apiKey: "sk-wrong", retryDelayMs: 10 });
    const s = engine.open({ language: "en" });
    const errors: Error[] = [];
    s.onError((e) => errors.push(e));
    await s.write(speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32)));
    while (errors.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(errors[0].message).toContain("answered 401: check VERBATIM_TRANSCRIBE_API_KEY");
    expect(errors[0].message).toContain("Incorrect API key provided");
    expect(errors[0].message).not.toContain("sk-wrong");
    await expect(s.write(Buffer.alloc(320))).rejects.toThrow(/VERBATIM_TRANSCRIBE_API_KEY/);
    await s.end();
    expect(errors).toHaveLength(1);
    expect(server.requests).toHaveLength(0); // refused before the audio was read
  });

  it("reports an error answered with status 200 (whisper.cpp's way) and a lasting 503", async () => {
    const failing = await serve({ fault: () => ({ status: 200, body: { error: "failed to read WAV file" } }) });
    const one = speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32));
    const a = await stream(engineFor(failing), one);
    expect(a.errors.map((e) => e.message)).toEqual(["Transcription failed: The transcription service reported an error: failed to read WAV file"]);

    const down = await serve({ fault: () => ({ status: 503, body: { error: { message: "overloaded" } } }) });
    const b = await stream(engineFor(down, { maxRetries: 2, retryDelayMs: 10 }), one);
    expect(down.requests).toHaveLength(3);
    expect(b.errors).toHaveLength(1);
    expect(b.errors[0].message).toContain("answered 503, 3 attempts (overloaded)");
    expect(b.finals).toEqual([]);
  });

  it("abort() drops a request in flight: no segment or error afterwards, writes refused, end() resolves", async () => {
    const server = await serve({ fault: () => ({ hang: true }) });
    const s = engineFor(server).open({ language: "en" });
    const seen: unknown[] = [];
    s.onSegment((x) => seen.push(x));
    s.onError((e) => seen.push(e));
    await s.write(speech.pcm.subarray(0, Math.round((speech.utterances[0].endMs + 1000) * 32)));
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    s.abort();
    s.abort();
    await expect(s.write(Buffer.alloc(320))).rejects.toThrow();
    await s.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("checks the configuration with one short request", async () => {
    const server = await serve();
    expect(await engineFor(server).check()).toEqual({ ok: true });
    const wrongKey = await createOpenAiTranscribeEngine({ baseUrl: server.baseUrl, apiKey: "sk-nope" }).check();
    expect(wrongKey).toMatchObject({ ok: false });
    expect((wrongKey as { problem: string }).problem).toContain("VERBATIM_TRANSCRIBE_API_KEY");
    const wrongPath = await engineFor(server, { path: "/inference" }).check();
    expect((wrongPath as { problem: string }).problem).toContain("VERBATIM_TRANSCRIBE_PATH");
    expect(await createOpenAiTranscribeEngine({}).check()).toMatchObject({ ok: false, problem: expect.stringContaining("VERBATIM_TRANSCRIBE_BASE_URL") });
    expect(() => engineFor(server, { languages: ["en", "de"] }).open({ language: "fr" })).toThrow(/VERBATIM_TRANSCRIBE_LANGUAGES/);
  });
});
