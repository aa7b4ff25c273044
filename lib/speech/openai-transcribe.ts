// Speech engine "openai": utterances cut by the VAD, each sent as a WAV to an OpenAI-compatible transcription endpoint (OpenAI, speaches, vLLM, whisper.cpp).
import pLimit, { type LimitFunction } from "p-limit";
import { encodeWav, PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import type { EngineCheck, EngineOpenOptions, EngineSegment, EngineStream, SpeechEngine } from "@/lib/speech/types";
import { createOpenAiClient, OpenAiRequestError, errorDetail, snippet, type OpenAiClient } from "@/lib/http/openai-client";
import { VoiceActivityDetector, type VadOptions } from "@/lib/speech/vad";
import { transcriptionLanguages } from "@/lib/speech/languages";
import type { AppEnv } from "@/lib/config/env";

export type OpenAiTranscribeConfig = {
  /** e.g. https://api.openai.com/v1, http://speaches:8000/v1, or http://whisper-cpp:8080 (with path /inference). */
  baseUrl?: string;
  apiKey?: string;
  /** Default whisper-1. */
  model?: string;
  /** Appended to the base URL. Default /audio/transcriptions. */
  path?: string;
  /** Languages (product.md codes) the server is trusted with. Default all 36. */
  languages?: readonly string[];
  /** Requests in flight at once, over all streams of this engine. Default 4. */
  concurrency?: number;
  /** Interim text while someone speaks: the growing utterance is sent about every `interimIntervalMs` (it costs requests). */
  interim?: boolean;
  interimIntervalMs?: number;
  /** One attempt of one utterance. Default 30 s. */
  timeoutMs?: number;
  /** Retries of one utterance (429 with Retry-After, 5xx, timeouts, dropped connections). Default 3. */
  maxRetries?: number;
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Voice activity detection; its `maxSpeechMs` bounds an utterance (cut at a pause). */
  vad?: VadOptions;
};

const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;
/** Audio kept before speech starts: the VAD's pre-roll plus its start window, with room to spare. */
const HISTORY_MS = 1500;
/** Whisper reads only the last 224 tokens of a prompt; a vocabulary longer than this is cut at a term. */
const PROMPT_MAX_CHARS = 600;
/** Whisper's own rule for a segment that is not speech: likely silence and a low-confidence text. */
const NO_SPEECH_PROB = 0.6;
const LOW_LOGPROB = -1;

/** Base URL + path → whether the server answers verbose_json (segment times); refusals are remembered per model. */
const verboseJsonRefused = new Set<string>();

export function createOpenAiTranscribeEngine(config: OpenAiTranscribeConfig): SpeechEngine {
  const settings = {
    model: config.model || "whisper-1",
    path: config.path || "/audio/transcriptions",
    languages: config.languages?.length ? config.languages : transcriptionLanguages,
    concurrency: config.concurrency ?? 4,
    interim: config.interim ?? false,
    interimIntervalMs: config.interimIntervalMs ?? 1000,
  };
  const client = config.baseUrl
    ? createOpenAiClient({
        baseUrl: config.baseUrl,
        apiKey: config.apiKey,
        timeoutMs: config.timeoutMs ?? 30_000,
        maxRetries: config.maxRetries ?? 3,
        retryDelayMs: config.retryDelayMs ?? 500,
        maxRetryDelayMs: config.maxRetryDelayMs ?? 20_000,
      })
    : undefined;
  const limit = pLimit(Math.max(1, settings.concurrency));
  const endpoint = client?.url(settings.path) ?? "";
  let lastCheck: { at: number; result: EngineCheck } | undefined;

  const label = `OpenAI-compatible transcription (${settings.model}${config.baseUrl ? ` at ${safeOrigin(config.baseUrl)}` : ""})`;
  return {
    id: "openai",
    label,
    languages: settings.languages,
    capabilities: { mode: "utterance", interim: settings.interim, vocabulary: true },
    async check() {
      if (!client) {
        return { ok: false, problem: "VERBATIM_TRANSCRIBE_BASE_URL is not set (e.g. https://api.openai.com/v1, or a self-hosted Whisper server)." };
      }
      // One short request proves the address, the path, the key and the model; remembered for a minute.
      if (lastCheck && Date.now() - lastCheck.at < 60_000) return lastCheck.result;
      const result = await probe(client, settings.path, settings.model, endpoint);
      lastCheck = { at: Date.now(), result };
      return result;
    },
    open({ language, vocabulary }: EngineOpenOptions) {
      if (!client) throw new Error("The OpenAI-compatible transcription engine is not configured: set VERBATIM_TRANSCRIBE_BASE_URL.");
      if (!settings.languages.includes(language)) {
        throw new Error(
          `The OpenAI-compatible transcription engine is not set up for language "${language}" (VERBATIM_TRANSCRIBE_LANGUAGES: ${settings.languages.join(", ")}).`,
        );
      }
      return new OpenAiTranscribeStream({
        client,
        limit,
        endpoint,
        path: settings.path,
        model: settings.model,
        language: whisperLanguage(language),
        prompt: vocabularyPrompt(vocabulary),
        interimSamples: settings.interim ? settings.interimIntervalMs * SAMPLES_PER_MS : 0,
        vad: config.vad,
      });
    },
  };
}

/** The operator's configuration (VERBATIM_TRANSCRIBE_*). */
export function openAiTranscribeConfigFromEnv(env: AppEnv): OpenAiTranscribeConfig {
  return {
    baseUrl: env.VERBATIM_TRANSCRIBE_BASE_URL,
    apiKey: env.VERBATIM_TRANSCRIBE_API_KEY,
    model: env.VERBATIM_TRANSCRIBE_MODEL,
    path: env.VERBATIM_TRANSCRIBE_PATH,
    languages: env.VERBATIM_TRANSCRIBE_LANGUAGES,
    concurrency: env.VERBATIM_TRANSCRIBE_CONCURRENCY,
    interim: env.VERBATIM_TRANSCRIBE_INTERIM,
  };
}

/** Whisper takes ISO-639-1 codes: zh-TW, nl-BE and pt-BR are sent as zh, nl and pt (the text keeps its own script). */
export function whisperLanguage(code: string): string {
  return code.split("-")[0].toLowerCase();
}

/** The room's vocabulary as a Whisper prompt: the spellings it should prefer. Undefined without a vocabulary. */
export function vocabularyPrompt(vocabulary: readonly string[] | undefined): string | undefined {
  const terms = [...new Set((vocabulary ?? []).map((t) => t.replace(/\s+/g, " ").trim()).filter(Boolean))];
  if (terms.length === 0) return undefined;
  let prompt = "";
  for (const term of terms) {
    const next = prompt ? `${prompt}, ${term}` : term;
    if (next.length > PROMPT_MAX_CHARS) break;
    prompt = next;
  }
  return prompt ? `Vocabulary: ${prompt}.` : undefined;
}

type Utterance = {
  seq: number;
  startSample: number;
  /** First voiced sample (the pre-roll is not part of the words' time). */
  voiceSample: number;
  endSample?: number;
  /** Finished: the final segments to deliver in order, or undefined while the request is out. */
  result?: EngineSegment[];
  lastInterimAt: number;
};

type StreamDeps = {
  client: OpenAiClient;
  limit: LimitFunction;
  endpoint: string;
  path: string;
  model: string;
  language: string;
  prompt?: string;
  interimSamples: number;
  vad?: VadOptions;
};

class OpenAiTranscribeStream implements EngineStream {
  private readonly segmentListeners: ((s: EngineSegment) => void)[] = [];
  private readonly errorListeners: ((e: Error) => void)[] = [];
  private vad: VoiceActivityDetector | undefined;
  private readonly vadReady: Promise<VoiceActivityDetector>;
  /** Writes one after the other: byte order is time order (the first waits for the detector to load). */
  private writeChain: Promise<void> = Promise.resolve();
  /** Recent audio: the current utterance from its start, or the last moments before one (for the pre-roll). */
  private held: Buffer[] = [];
  private heldStartSample = 0;
  private samplesIn = 0;
  private current: Utterance | undefined;
  private nextSeq = 0;
  /** Utterances sent and not yet delivered, in order. */
  private readonly queue: Utterance[] = [];
  private inFlight = new Set<Promise<void>>();
  private interimInFlight = false;
  private interimShown = false;
  private failure: Error | undefined;
  private ending = false;
  private endPromise: Promise<void> | undefined;
  /** Cancels the requests in flight (a failure, or abort()). */
  private readonly cancelRequests = new AbortController();
  private aborted = false;

  constructor(private readonly deps: StreamDeps) {
    this.vadReady = VoiceActivityDetector.create(deps.vad);
    this.vadReady.catch(() => {}); // reported by the first write
  }

  onSegment(cb: (s: EngineSegment) => void): void {
    this.segmentListeners.push(cb);
  }

  onError(cb: (e: Error) => void): void {
    this.errorListeners.push(cb);
  }

  write(pcm: Buffer): Promise<void> {
    if (pcm.length % 2 !== 0) return Promise.reject(new Error("PCM must have an even number of bytes."));
    if (this.ending) return Promise.reject(new Error("The stream has ended."));
    const next = this.writeChain.then(() => this.writeNow(pcm));
    this.writeChain = next.catch(() => {});
    return next;
  }

  private async writeNow(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.vad ??= await this.vadReady;
    if (pcm.length === 0) return;
    this.held.push(pcm);
    this.samplesIn += pcm.length / 2;
    for (const event of this.vad.push(pcm)) {
      if (event.type === "start") this.startUtterance(event.sample, event.voiceSample ?? event.sample);
      else this.finishUtterance(event.sample);
    }
    this.maybeSendInterim();
    this.trimHeld();
  }

  end(): Promise<void> {
    this.endPromise ??= this.finish();
    return this.endPromise;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.ending = true;
    this.cancelRequests.abort();
    this.queue.length = 0;
    this.held = [];
    this.vad?.destroy();
    this.vad = undefined;
    this.segmentListeners.length = 0;
    this.errorListeners.length = 0;
    this.endPromise ??= Promise.resolve();
  }

  private async finish(): Promise<void> {
    this.ending = true;
    await this.writeChain;
    if (this.vad) {
      for (const event of this.vad.flush()) if (event.type === "end") this.finishUtterance(event.sample);
      this.vad.destroy();
      this.vad = undefined;
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.withdrawInterim();
    this.held = [];
  }

  private startUtterance(startSample: number, voiceSample: number) {
    this.current = { seq: this.nextSeq++, startSample, voiceSample, lastInterimAt: startSample };
  }

  private finishUtterance(endSample: number) {
    const utterance = this.current;
    if (!utterance) return;
    this.current = undefined;
    utterance.endSample = endSample;
    const pcm = this.audio(utterance.startSample, endSample);
    this.queue.push(utterance);
    this.track(
      this.deps
        .limit(() => this.transcribe(pcm, utterance))
        .then((segments) => {
          utterance.result = segments;
          this.deliverInOrder();
        })
        .catch((error: Error) => this.fail(error)),
    );
  }

  /** While someone speaks (when enabled): the utterance so far, about once a second, one request at a time per stream. */
  private maybeSendInterim() {
    const u = this.current;
    if (!u || this.deps.interimSamples <= 0 || this.interimInFlight || this.failure) return;
    const now = this.vad!.processedSamples;
    if (now - u.lastInterimAt < this.deps.interimSamples) return;
    // Interim text waits for no one: when every request slot is busy with finals, skip this one.
    if (this.deps.limit.activeCount >= this.deps.limit.concurrency) return;
    u.lastInterimAt = now;
    const pcm = this.audio(u.startSample, now);
    this.interimInFlight = true;
    this.track(
      this.deps
        .limit(() => this.request(pcm, "json", 0))
        .then((answer) => {
          // Shown only while its utterance has no final yet and nothing before it is still missing.
          if (u.result || this.failure || this.ending || this.queue[0] !== undefined) return;
          const text = answer.text.trim();
          if (!text) return;
          this.emit({ startMs: toMs(u.voiceSample), endMs: toMs(now), text, final: false });
        })
        .catch(() => {}) // interim text is best effort; the final says it all
        .finally(() => (this.interimInFlight = false)),
    );
  }

  private track(promise: Promise<void>) {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
  }

  private async transcribe(pcm: Buffer, u: Utterance): Promise<EngineSegment[]> {
    const key = `${this.deps.endpoint} ${this.deps.model}`;
    const verbose = !verboseJsonRefused.has(key);
    let answer: Answer;
    try {
      answer = await this.request(pcm, verbose ? "verbose_json" : "json");
    } catch (error) {
      if (verbose && refusesVerboseJson(error)) {
        verboseJsonRefused.add(key);
        answer = await this.request(pcm, "json");
      } else throw error;
    }
    const startMs = toMs(u.voiceSample);
    const utteranceStartMs = toMs(u.startSample);
    const endMs = toMs(u.endSample!);
    if (answer.segments) {
      return answer.segments
        .filter((s) => s.text.trim() && !(s.noSpeechProb > NO_SPEECH_PROB && s.avgLogprob < LOW_LOGPROB))
        .map((s) => {
          // Segment times are relative to the WAV, which starts at the utterance's start (pre-roll included).
          const segStart = clamp(utteranceStartMs + s.start * 1000, utteranceStartMs, endMs);
          const segEnd = clamp(utteranceStartMs + s.end * 1000, segStart, endMs);
          return { startMs: Math.round(segStart), endMs: Math.round(segEnd), text: s.text.trim(), final: true };
        });
    }
    const text = answer.text.trim();
    return text ? [{ startMs: Math.round(startMs), endMs: Math.round(endMs), text, final: true }] : [];
  }

  private async request(pcm: Buffer, format: "json" | "verbose_json", maxRetries?: number): Promise<Answer> {
    const form = new FormData();
    form.set("file", new Blob([new Uint8Array(encodeWav(pcm))], { type: "audio/wav" }), "utterance.wav");
    form.set("model", this.deps.model);
    form.set("language", this.deps.language);
    form.set("response_format", format);
    form.set("temperature", "0");
    if (this.deps.prompt) form.set("prompt", this.deps.prompt);
    const response = await this.deps.client.postMultipart(this.deps.path, form, { signal: this.cancelRequests.signal, maxRetries });
    return parseAnswer(response.text, response.headers.get("content-type") ?? "", this.deps.endpoint);
  }

  private deliverInOrder() {
    while (this.queue.length > 0 && this.queue[0].result) {
      const u = this.queue.shift()!;
      for (const segment of u.result!) this.emit(segment);
      // An utterance that turned out to have no words still ends the interim text shown for it.
      if (u.result!.length === 0) this.withdrawInterim();
    }
  }

  private emit(segment: EngineSegment) {
    this.interimShown = !segment.final && segment.text !== "";
    for (const cb of this.segmentListeners) cb(segment);
  }

  /** Interim text still showing that no final will replace: take it back. */
  private withdrawInterim() {
    if (!this.interimShown) return;
    const at = toMs(this.samplesIn);
    this.emit({ startMs: at, endMs: at, text: "", final: false });
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error instanceof OpenAiRequestError || error instanceof TranscribeAnswerError ? new Error(explain(error, this.deps)) : error;
    this.cancelRequests.abort();
    this.queue.length = 0;
    this.vad?.destroy();
    this.vad = undefined;
    this.held = [];
    this.withdrawInterim();
    for (const cb of this.errorListeners) cb(this.failure);
  }

  /** The held audio between two stream samples. */
  private audio(fromSample: number, toSample: number): Buffer {
    const all = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held);
    this.held = [all];
    const from = Math.max(0, fromSample - this.heldStartSample) * 2;
    const to = Math.max(from, Math.min(all.length, (toSample - this.heldStartSample) * 2));
    return Buffer.from(all.subarray(from, to));
  }

  /** Keeps what a future utterance may need: the current one from its start, or the last moments before one. */
  private trimHeld() {
    const keepFrom = this.current ? this.current.startSample : this.samplesIn - HISTORY_MS * SAMPLES_PER_MS;
    let drop = keepFrom - this.heldStartSample;
    while (drop > 0 && this.held.length > 0) {
      const first = this.held[0];
      const samples = first.length / 2;
      if (samples <= drop) {
        this.held.shift();
        this.heldStartSample += samples;
        drop -= samples;
      } else break; // a partly needed chunk stays whole; it is at most one write long
    }
  }
}

type AnswerSegment = { start: number; end: number; text: string; noSpeechProb: number; avgLogprob: number };
type Answer = { text: string; segments?: AnswerSegment[] };

/** A 2xx answer that is not a transcription (whisper.cpp reports its errors as 200 with {"error": …}). */
class TranscribeAnswerError extends Error {}

function parseAnswer(body: string, contentType: string, endpoint: string): Answer {
  if (!/json/i.test(contentType) && !body.trimStart().startsWith("{")) return { text: body };
  let json: { text?: unknown; segments?: unknown; error?: unknown };
  try {
    json = JSON.parse(body);
  } catch {
    throw new TranscribeAnswerError(`The transcription service's answer is not JSON (${snippet(body)}): check that ${endpoint} is an OpenAI-compatible transcription endpoint`);
  }
  if (typeof json.text !== "string") {
    if (json.error !== undefined) throw new TranscribeAnswerError(`The transcription service reported an error: ${errorDetail(body)}`);
    throw new TranscribeAnswerError(`The transcription service's answer has no text (${snippet(body)}): check that ${endpoint} is an OpenAI-compatible transcription endpoint`);
  }
  if (!Array.isArray(json.segments)) return { text: json.text };
  const segments: AnswerSegment[] = [];
  for (const s of json.segments as Record<string, unknown>[]) {
    if (typeof s?.text !== "string" || typeof s.start !== "number" || typeof s.end !== "number") continue;
    segments.push({
      start: s.start,
      end: s.end,
      text: s.text,
      noSpeechProb: typeof s.no_speech_prob === "number" ? s.no_speech_prob : 0,
      avgLogprob: typeof s.avg_logprob === "number" ? s.avg_logprob : 0,
    });
  }
  // Segments without usable times (some servers): the utterance's own times instead.
  return segments.length > 0 || json.text.trim() === "" ? { text: json.text, segments } : { text: json.text };
}

function refusesVerboseJson(error: unknown): boolean {
  return (
    error instanceof OpenAiRequestError &&
    error.kind === "http" &&
    (error.status === 400 || error.status === 422) &&
    /response_format|verbose_json/i.test(error.details.body ?? "")
  );
}

/** An operator's reading of a failure: what answered, and which setting to check. */
function explain(error: OpenAiRequestError | TranscribeAnswerError, deps: { endpoint: string; model: string }): string {
  const prefix = "Transcription failed:";
  if (error instanceof TranscribeAnswerError) return `${prefix} ${error.message}`;
  const origin = safeOrigin(error.details.url);
  const detail = error.details.detail ? ` (${error.details.detail})` : "";
  switch (error.kind) {
    case "timeout":
      return `${prefix} the transcription service at ${origin} did not answer in time, ${error.details.attempts} attempts: check that it is running and not overloaded`;
    case "unreachable":
      return `${prefix} could not reach the transcription service at ${origin} (${error.details.code}): check VERBATIM_TRANSCRIBE_BASE_URL`;
    case "aborted":
      return `${prefix} the request was cancelled`;
  }
  const status = error.status ?? 0;
  if (status === 401 || status === 403) return `${prefix} the transcription service answered ${status}: check VERBATIM_TRANSCRIBE_API_KEY${detail}`;
  if (status === 404) return `${prefix} the transcription service answered 404 for ${deps.endpoint}: check VERBATIM_TRANSCRIBE_BASE_URL and VERBATIM_TRANSCRIBE_PATH${detail}`;
  if (status === 429) return `${prefix} the transcription service kept answering 429 (rate limit or quota reached)${detail}`;
  if (status === 400 && /model/i.test(detail)) return `${prefix} the transcription service refused the model "${deps.model}": check VERBATIM_TRANSCRIBE_MODEL${detail}`;
  return `${prefix} the transcription service answered ${status}, ${error.details.attempts} attempts${detail}`;
}

/** The engine status check: 300 ms of digital silence, answered without an error, proves address, path, key and model. */
async function probe(client: OpenAiClient, path: string, model: string, endpoint: string): Promise<EngineCheck> {
  const form = new FormData();
  form.set("file", new Blob([new Uint8Array(encodeWav(Buffer.alloc(300 * SAMPLES_PER_MS * 2)))], { type: "audio/wav" }), "check.wav");
  form.set("model", model);
  form.set("response_format", "json");
  try {
    const response = await client.postMultipart(path, form, { maxRetries: 0, signal: AbortSignal.timeout(15_000) });
    parseAnswer(response.text, response.headers.get("content-type") ?? "", endpoint);
    return { ok: true };
  } catch (error) {
    if (error instanceof OpenAiRequestError || error instanceof TranscribeAnswerError) {
      return { ok: false, problem: explain(error, { endpoint, model }).replace(/^Transcription failed: /, "") };
    }
    return { ok: false, problem: (error as Error).message };
  }
}

function toMs(sample: number): number {
  return sample / SAMPLES_PER_MS;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
