// Deepgram live streaming (engine id "deepgram"): one WebSocket per participant track to /v1/listen, with reconnect and replay.
import { backOff } from "exponential-backoff";
import WebSocket from "ws";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import type { EngineCheck, EngineSegment, EngineStream, SpeechEngine } from "@/lib/speech/types";
import { transcriptionLanguages } from "@/lib/speech/languages";
import { ReplayBuffer } from "@/lib/speech/replay-buffer";
import { SerialEngineStream } from "@/lib/speech/serial-stream";

export const DEFAULT_DEEPGRAM_URL = "wss://api.deepgram.com/v1/listen";

/**
 * Languages with a monolingual nova-3 model (Deepgram changelog, Aug 2025 – Mar 2026: de nl sv da; es fr pt; it tr no id;
 * bg cs fi hi hu ja ko pl ru uk vi; ca et nl-BE el lv lt ms ro sk; zh zh-TW). Of product.md's 36, only Thai is missing:
 * nova-2 serves it (nova-2 covers all 36).
 */
export const NOVA3_LANGUAGES: readonly string[] = transcriptionLanguages.filter((l) => l !== "th");

/** The model for a room's language: the operator's choice, else the newest model that supports the language. */
export function deepgramModelFor(language: string, configured?: string): string {
  if (configured) return configured;
  return NOVA3_LANGUAGES.includes(language) ? "nova-3" : "nova-2";
}

export type DeepgramListenOptions = {
  language: string;
  model: string;
  vocabulary?: readonly string[];
  endpointingMs: number;
  utteranceEndMs: number;
};

/** The /v1/listen URL with the query for 16 kHz mono linear PCM, interim results and the room's language and vocabulary. */
export function deepgramListenUrl(base: string, o: DeepgramListenOptions): string {
  const url = new URL(base);
  const params: Record<string, string> = {
    encoding: "linear16",
    sample_rate: String(PCM_SAMPLE_RATE),
    channels: "1",
    language: o.language,
    model: o.model,
    interim_results: "true",
    punctuate: "true",
    smart_format: "true",
    endpointing: String(o.endpointingMs),
    utterance_end_ms: String(o.utteranceEndMs),
    vad_events: "true",
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  // nova-3 takes keyterm prompting; older models take keyword boosting. One parameter per term.
  const hint = o.model.startsWith("nova-3") ? "keyterm" : "keywords";
  url.searchParams.delete(hint);
  for (const term of o.vocabulary ?? []) if (term.trim()) url.searchParams.append(hint, term.trim());
  return url.toString();
}

export type DeepgramOptions = {
  apiKey?: string;
  /** wss://…/v1/listen (a local contract server in tests). */
  url?: string;
  /** Fixed model for every language; default: deepgramModelFor(language). */
  model?: string;
  /**
   * Silence (ms) after which Deepgram ends a phrase with speech_final. Its default, 10 ms, suits voice commands; in a
   * conversation people pause mid-sentence, and 300 ms keeps a sentence in one final without holding it back long.
   */
  endpointingMs?: number;
  /**
   * Gap after the last word (ms) that sends UtteranceEnd, which closes an utterance even when background noise keeps
   * endpointing from firing. 1000 ms is Deepgram's recommended minimum (interim results come about once a second).
   */
  utteranceEndMs?: number;
  /** Silence between audio frames after which a KeepAlive goes out. Deepgram closes a socket idle for about 10 s. */
  keepAliveMs?: number;
  /** Attempts to (re)open a socket after a failure, with exponential backoff from firstDelayMs up to maxDelayMs. */
  reconnectAttempts?: number;
  reconnectFirstDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** More drops than this within a minute fail the stream (a server that accepts and then always closes). */
  maxDropsPerMinute?: number;
  /** How long end() waits for the last results after Finalize / CloseStream. */
  endTimeoutMs?: number;
  /** Audio since the last final kept for a reconnect. */
  replayLimitMs?: number;
  /** Audio sent but not yet on the wire before write() waits (backpressure). */
  highWaterBytes?: number;
};

type Resolved = Required<Omit<DeepgramOptions, "apiKey" | "model">> & { apiKey?: string; model?: string };

function resolveOptions(o: DeepgramOptions): Resolved {
  return {
    apiKey: o.apiKey,
    url: o.url ?? DEFAULT_DEEPGRAM_URL,
    model: o.model,
    endpointingMs: o.endpointingMs ?? 300,
    utteranceEndMs: o.utteranceEndMs ?? 1000,
    keepAliveMs: o.keepAliveMs ?? 4000,
    reconnectAttempts: o.reconnectAttempts ?? 5,
    reconnectFirstDelayMs: o.reconnectFirstDelayMs ?? 250,
    reconnectMaxDelayMs: o.reconnectMaxDelayMs ?? 5000,
    maxDropsPerMinute: o.maxDropsPerMinute ?? 10,
    endTimeoutMs: o.endTimeoutMs ?? 10_000,
    replayLimitMs: o.replayLimitMs ?? 60_000,
    highWaterBytes: o.highWaterBytes ?? 256 * 1024,
  };
}

/** A recognized word on the stream's timeline. */
export type DeepgramWord = { word: string; startMs: number; endMs: number };
/** An engine segment with Deepgram's word times, and whether it closes an utterance (speech_final). */
export type DeepgramSegment = EngineSegment & { words: DeepgramWord[]; endsUtterance: boolean };

export type DeepgramOpenOptions = { language: string; vocabulary?: readonly string[] };

export interface DeepgramStream extends EngineStream {
  onSegment(cb: (s: DeepgramSegment) => void): void;
}

export type DeepgramEngine = Omit<SpeechEngine, "open"> & { open(opts: DeepgramOpenOptions): DeepgramStream };

export function createDeepgramEngine(options: DeepgramOptions = {}): DeepgramEngine {
  const resolved = resolveOptions(options);
  return {
    id: "deepgram",
    label: "Deepgram (live streaming, cloud)",
    languages: transcriptionLanguages,
    capabilities: { mode: "streaming", interim: true, vocabulary: true },
    // No network call: a check runs at start-up and for the dashboard, and must not spend the account's quota or
    // depend on Deepgram being reachable from the operator's shell. A wrong key is still caught: the first stream's
    // handshake answers 401, which becomes a clear error on the transcription.
    check: async (): Promise<EngineCheck> => {
      if (!resolved.apiKey) return { ok: false, problem: "DEEPGRAM_API_KEY is not set. Create a key in the Deepgram console and set it." };
      const problem = urlProblem(resolved.url);
      return problem ? { ok: false, problem } : { ok: true };
    },
    open({ language, vocabulary }: DeepgramOpenOptions) {
      if (!transcriptionLanguages.includes(language as (typeof transcriptionLanguages)[number])) {
        throw new Error(`Deepgram cannot transcribe language "${language}".`);
      }
      if (!resolved.apiKey) throw new Error("DEEPGRAM_API_KEY is not set.");
      const model = deepgramModelFor(language, resolved.model);
      const url = deepgramListenUrl(resolved.url, { language, model, vocabulary, endpointingMs: resolved.endpointingMs, utteranceEndMs: resolved.utteranceEndMs });
      return new DeepgramLiveStream(resolved, url, resolved.apiKey);
    },
  };
}

function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `VERBATIM_DEEPGRAM_URL is not a URL: "${url}".`;
  }
  if (parsed.protocol !== "wss:" && parsed.protocol !== "ws:") return `VERBATIM_DEEPGRAM_URL must start with wss:// (got ${parsed.protocol}//).`;
  // Plain ws:// would send the API key unencrypted: only to this machine (a local or test server).
  const loopback = ["127.0.0.1", "[::1]", "localhost"].includes(parsed.hostname);
  if (parsed.protocol === "ws:" && !loopback) return `VERBATIM_DEEPGRAM_URL must use wss:// for ${parsed.hostname}: over ws:// the API key would travel unencrypted.`;
  return undefined;
}

/** A failure that another attempt cannot fix (a refused key, a refused request, undecodable audio). */
class FatalDeepgramError extends Error {}

/** Why a handshake was refused, in words an operator can act on. */
function handshakeError(status: number, statusText: string, dgError: string | undefined): Error {
  const detail = dgError ? `: ${dgError.trim().replace(/\.+$/, "")}` : "";
  if (status === 401) return new FatalDeepgramError(`Deepgram refused the API key (401)${detail}. Check DEEPGRAM_API_KEY.`);
  if (status === 403) return new FatalDeepgramError(`Deepgram refused access (403)${detail}. The key may lack permission for this model or language.`);
  if (status === 429) return new Error(`Deepgram is rate limiting this project (429 Too Many Requests)${detail}: too many streams at once for the plan.`);
  if (status >= 400 && status < 500) return new FatalDeepgramError(`Deepgram refused the stream (${status} ${statusText})${detail}.`);
  return new Error(`Deepgram answered ${status} ${statusText} at the handshake${detail}.`);
}

/** Close codes after which reconnecting cannot help (RFC 6455: protocol error, unsupported or bad data, policy). */
const FATAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010]);

type Connection = {
  ws: WebSocket;
  /** Stream sample at which this socket's audio (and its result times) start. */
  originSample: number;
  /** Bytes handed to the socket and not yet written out. */
  unsent: number;
  /** We sent CloseStream: a normal close now means every result has arrived. */
  closing: boolean;
  closedNormally: boolean;
  closed: Promise<void>;
};

type DeepgramWordJson = { word: string; punctuated_word?: string; start: number; end: number };
type ResultsJson = {
  type: "Results";
  start: number;
  duration: number;
  is_final?: boolean;
  speech_final?: boolean;
  channel?: { alternatives?: { transcript?: string; words?: DeepgramWordJson[] }[] };
};

const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

/** Waits for `promise`, or `ms` at most (the timer does not outlive the wait). */
async function within(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

class DeepgramLiveStream extends SerialEngineStream<DeepgramSegment> implements DeepgramStream {
  private readonly replay: ReplayBuffer;
  private conn: Connection | undefined;
  private connecting: Promise<void> | undefined;
  private failure: Error | undefined;
  private drainWaiters: (() => void)[] = [];
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private drops: number[] = [];
  private interimShown = false;
  private lastSettledMs = 0;
  private requestId: string | undefined;

  constructor(
    private readonly opts: Resolved,
    private readonly url: string,
    private readonly apiKey: string,
  ) {
    super();
    this.replay = new ReplayBuffer({ limitMs: opts.replayLimitMs });
  }

  protected async writeNow(pcm: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    // Deepgram reads an empty binary frame as the end of the stream.
    if (pcm.length === 0) return;
    this.replay.append(pcm);
    const conn = this.conn;
    if (conn) {
      this.sendAudio(conn, pcm);
      await this.drained(conn);
    } else if (!this.connecting) {
      // The socket opens with the first audio: Deepgram closes one that gets none within 10 s. Until it is open, the
      // audio waits in the replay buffer, which is sent first thing.
      this.connect();
    }
    if (this.failure) throw this.failure;
  }

  private sendAudio(conn: Connection, pcm: Buffer) {
    conn.unsent += pcm.length;
    conn.ws.send(pcm, { binary: true }, () => {
      conn.unsent -= pcm.length;
      if (conn.unsent <= this.opts.highWaterBytes) this.wakeDrainWaiters();
    });
    this.armKeepAlive();
  }

  /** Resolves once the socket has taken most of what was handed to it, or is gone (its audio is then replayed). */
  private drained(conn: Connection): Promise<void> {
    if (conn.unsent <= this.opts.highWaterBytes || this.conn !== conn) return Promise.resolve();
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve)).then(() => this.drained(conn));
  }

  private wakeDrainWaiters() {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private armKeepAlive() {
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = setTimeout(() => {
      const conn = this.conn;
      // A text frame: Deepgram mishandles a KeepAlive sent as binary.
      if (conn && !conn.closing && conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify({ type: "KeepAlive" }));
      if (conn) this.armKeepAlive();
    }, this.opts.keepAliveMs);
    this.keepAliveTimer.unref?.();
  }

  private connect(): void {
    this.connecting = (async () => {
      try {
        await backOff(() => this.openSocket(), {
          numOfAttempts: this.opts.reconnectAttempts,
          startingDelay: this.opts.reconnectFirstDelayMs,
          maxDelay: this.opts.reconnectMaxDelayMs,
          timeMultiple: 2,
          jitter: "full",
          retry: (e: Error) => !(e instanceof FatalDeepgramError) && !this.failure,
        });
      } catch (error) {
        const e = error as Error;
        const tries = e instanceof FatalDeepgramError ? "" : ` (gave up after ${this.opts.reconnectAttempts} attempts)`;
        this.fail(new Error(`${e.message}${tries}`));
      } finally {
        this.connecting = undefined;
      }
    })();
  }

  /** Opens one socket; resolves when it is open and the replayed audio is on its way. */
  private openSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(new FatalDeepgramError(this.failure.message));
      const ws = new WebSocket(this.url, { headers: { Authorization: `Token ${this.apiKey}` }, handshakeTimeout: 10_000 });
      let opened = false;
      let settle!: () => void;
      const conn: Connection = { ws, originSample: 0, unsent: 0, closing: false, closedNormally: false, closed: new Promise((r) => (settle = r)) };
      ws.on("unexpected-response", (_req, res) => {
        const dgError = res.headers["dg-error"];
        reject(handshakeError(res.statusCode ?? 0, res.statusMessage ?? "", Array.isArray(dgError) ? dgError[0] : dgError));
        res.resume();
        ws.terminate();
      });
      ws.on("error", (e) => {
        if (!opened) reject(new Error(`Could not reach Deepgram at ${new URL(this.url).host}: ${e.message}`));
      });
      ws.on("open", () => {
        opened = true;
        if (this.aborted || this.failure) {
          // Aborted, or given up (end() ran out of time), while this socket was opening.
          ws.terminate();
          return reject(new FatalDeepgramError(this.failure?.message ?? "The stream was aborted."));
        }
        this.requestId = undefined;
        conn.originSample = this.replay.startSample;
        this.conn = conn;
        // Everything since the last final, in order, before any new audio (writes are queued behind this, in JS order).
        for (const chunk of this.replay.chunks()) this.sendAudio(conn, chunk);
        this.armKeepAlive();
        resolve();
      });
      ws.on("message", (data, isBinary) => {
        if (!isBinary && this.conn === conn) this.onMessage(conn, data.toString());
      });
      ws.on("close", (code, reasonBuf) => {
        settle();
        if (!opened) return reject(new Error(`Deepgram closed the connection while opening (${code} ${reasonBuf.toString()}).`));
        if (this.conn === conn) this.onClosed(conn, code, reasonBuf.toString());
      });
    });
  }

  private onClosed(conn: Connection, code: number, reason: string) {
    this.conn = undefined;
    this.wakeDrainWaiters();
    if (conn.closing && (code === 1000 || code === 1005)) {
      conn.closedNormally = true;
      this.replay.clear();
      return;
    }
    const why = `${code}${reason ? ` ${reason}` : ""}${this.requestId ? `, request ${this.requestId}` : ""}`;
    if (FATAL_CLOSE_CODES.has(code)) {
      const what = reason.startsWith("DATA-") ? "could not decode the audio" : "closed the stream with an error";
      this.fail(new Error(`Deepgram ${what} (${why}).`));
      return;
    }
    if (reason === "NET-0001") {
      // Closed for want of audio (a KeepAlive got lost): the next audio, or end(), opens a socket again. Reconnecting
      // at once would only be closed again by the same silence.
      return;
    }
    const now = Date.now();
    this.drops = this.drops.filter((t) => now - t < 60_000);
    this.drops.push(now);
    if (this.drops.length > this.opts.maxDropsPerMinute) {
      this.fail(new Error(`Deepgram keeps closing the stream (${this.drops.length} times in a minute; last: ${why}).`));
      return;
    }
    // A dropped socket, a server error (1011 NET-0000) or an idle close: reconnect and replay since the last final.
    this.connect();
  }

  private onMessage(conn: Connection, text: string) {
    let msg: { type?: string; [k: string]: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (msg.type === "Results") this.onResults(conn, msg as unknown as ResultsJson);
    else if (msg.type === "UtteranceEnd") this.withdrawInterim(); // nothing more comes for the words shown as interim
    else if (msg.type === "Metadata" && typeof msg.request_id === "string") this.requestId = msg.request_id;
  }

  private onResults(conn: Connection, r: ResultsJson) {
    const originMs = conn.originSample / SAMPLES_PER_MS;
    const alt = r.channel?.alternatives?.[0];
    const text = (alt?.transcript ?? "").trim();
    const words = (alt?.words ?? []).map((w) => ({
      word: w.punctuated_word ?? w.word,
      startMs: Math.round(originMs + w.start * 1000),
      endMs: Math.round(originMs + w.end * 1000),
    }));
    const spanStart = Math.round(originMs + r.start * 1000);
    const spanEnd = Math.round(originMs + (r.start + r.duration) * 1000);
    if (r.is_final) {
      // The audio up to the end of this result is settled: a reconnect does not send it again, so no word repeats.
      this.replay.settleUpTo(conn.originSample + (r.start + r.duration) * PCM_SAMPLE_RATE);
      this.lastSettledMs = Math.max(this.lastSettledMs, spanEnd);
    }
    if (!text) {
      this.withdrawInterim();
      return;
    }
    this.send({
      startMs: words[0]?.startMs ?? spanStart,
      endMs: words.at(-1)?.endMs ?? spanEnd,
      text,
      final: r.is_final === true,
      words,
      endsUtterance: r.is_final === true && r.speech_final === true,
    });
  }

  private send(segment: DeepgramSegment) {
    // A listener drops a speaker's interim text when their final arrives, or an empty interim.
    this.interimShown = !segment.final && segment.text !== "";
    for (const cb of this.segmentListeners) cb(segment);
  }

  private withdrawInterim() {
    if (!this.interimShown) return;
    this.send({ startMs: this.lastSettledMs, endMs: this.lastSettledMs, text: "", final: false, words: [], endsUtterance: false });
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.keepAliveTimer);
    this.withdrawInterim();
    this.replay.clear();
    const conn = this.conn;
    this.conn = undefined;
    conn?.ws.terminate();
    this.wakeDrainWaiters();
    for (const cb of this.errorListeners) cb(error);
  }

  /** Closes the socket at once without flushing (shutdown hands the session on; a dropped runtime). */
  protected release(): void {
    this.failure ??= new Error("The stream was aborted.");
    clearTimeout(this.keepAliveTimer);
    this.replay.clear();
    const conn = this.conn;
    this.conn = undefined;
    conn?.ws.terminate();
    this.wakeDrainWaiters();
  }

  protected async finish(): Promise<void> {
    const deadline = Date.now() + this.opts.endTimeoutMs;
    // Flush: Finalize turns what Deepgram holds into finals, CloseStream then sends the rest and closes the socket. A
    // socket that drops meanwhile is reopened (replaying since the last final) and flushed again.
    while (!this.failure && (this.conn || this.connecting || this.replay.bytes > 0)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      if (!this.conn) {
        if (!this.connecting) this.connect();
        await within(this.connecting, left);
        continue;
      }
      const conn = this.conn;
      if (!conn.closing) {
        conn.closing = true;
        conn.ws.send(JSON.stringify({ type: "Finalize" }));
        conn.ws.send(JSON.stringify({ type: "CloseStream" }));
      }
      await within(conn.closed, left);
      if (conn.closedNormally) break;
    }
    clearTimeout(this.keepAliveTimer);
    if (!this.failure && (this.conn || this.connecting)) {
      this.fail(new Error(`Deepgram did not finish the stream within ${Math.round(this.opts.endTimeoutMs / 1000)} s (VERBATIM_DEEPGRAM_FINISH_SECONDS); its last words may be missing.`));
    }
    this.withdrawInterim();
  }
}
