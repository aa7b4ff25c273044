// A local server on loopback that speaks Deepgram's live /v1/listen WebSocket protocol, recognizing with real PocketSphinx (tests, bench).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import http, { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import WebSocket, { WebSocketServer } from "ws";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import { pocketSphinxCommandLine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { HypothesisReader, spokenWords, type Hypothesis } from "@/lib/speech/pocketsphinx/output";

/*
 * What it does, as Deepgram does (developers.deepgram.com, "Live audio" API and its Finalize / CloseStream / KeepAlive /
 * UtteranceEnd pages):
 * - the handshake needs `Authorization: Token <key>` (else 401 with a `dg-error` header) and the linear16 query;
 * - binary frames are audio; text frames are control messages ({"type": "KeepAlive" | "Finalize" | "CloseStream"});
 * - `Results` messages: interim (is_final false) then final (is_final true, speech_final true at an utterance's end),
 *   times in seconds from the start of the socket's audio, with `words` (word, punctuated_word, start, end, confidence);
 * - `UtteranceEnd` once `utterance_end_ms` of audio has passed after the last word; `Metadata` before closing;
 * - a socket with no frame for the idle time is closed with 1011 NET-0001.
 * Recognition is real: one pocketsphinx_continuous per socket. Its answers come at each utterance's end, so the interim
 * results are sent then, deterministically: the utterance's first word, first two words, … before the final.
 */

export type DeepgramServerOptions = {
  apiKey: string;
  /** A socket with no frame from the client for this long is closed (1011 NET-0001); Deepgram's is about 10 s. */
  idleCloseMs?: number;
  /**
   * "pocketsphinx" (default): real words. "energy": no recognizer; an utterance is loud audio followed by the
   * endpointing silence, answered at once as the word `c<socket>u<n>`, for measuring the client's own latency.
   */
  recognize?: "pocketsphinx" | "energy";
};

export type DeepgramConnectionLog = {
  query: URLSearchParams;
  /** Audio bytes received. */
  audioBytes: number;
  /** Control messages received, by type, in order. */
  controls: string[];
  /** How the server closed it, when it did. */
  closedBy?: { code: number; reason: string } | "dropped";
};

export type SentMessage = { at: number; connection: number; message: Record<string, unknown> };

type Refusal = { status: number; dgError: string };
type Sabotage = { afterBytes: number; action: "drop" | { code: number; reason: string } };

export class DeepgramContractServer {
  readonly connections: DeepgramConnectionLog[] = [];
  readonly refusedHandshakes: { status: number; query: URLSearchParams }[] = [];
  private readonly refusals: Refusal[] = [];
  private readonly sabotage: Sabotage[] = [];
  private dropAtFinalize = false;
  private readonly sentListeners: ((m: SentMessage) => void)[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly http = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly idleCloseMs: number;
  url = "";

  constructor(private readonly opts: DeepgramServerOptions) {
    this.idleCloseMs = opts.idleCloseMs ?? 10_000;
    this.http.on("upgrade", (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    const { port } = this.http.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/v1/listen`;
    return this;
  }

  /** The next `times` handshakes are refused with this status (429, 500, …). */
  refuseNext(status: number, times = 1, dgError = STATUS_CODES[status] ?? "Refused") {
    for (let i = 0; i < times; i++) this.refusals.push({ status, dgError });
  }

  /** The next socket to receive Finalize is cut there, unanswered (a drop while the client flushes). One shot. */
  dropOnNextFinalize() {
    this.dropAtFinalize = true;
  }

  /** Handshakes are accepted again. */
  clearRefusals() {
    this.refusals.length = 0;
  }

  /** The next socket to receive `afterBytes` of audio is cut without a close frame (a network drop). One shot. */
  dropAfterAudio(afterBytes: number) {
    this.sabotage.push({ afterBytes, action: "drop" });
  }

  /** The next socket to receive `afterBytes` of audio is closed with this code and reason. One shot. */
  closeAfterAudio(afterBytes: number, code: number, reason: string) {
    this.sabotage.push({ afterBytes, action: { code, reason } });
  }

  /** Stops reading from every open socket (a slow server): TCP fills up and the client must wait. */
  pauseReading() {
    for (const ws of this.sockets) ws.pause();
  }

  resumeReading() {
    for (const ws of this.sockets) ws.resume();
  }

  /** Sends a message of the test's own to every open socket (a case recognition does not produce on cue). */
  inject(message: Record<string, unknown>) {
    for (const ws of this.sockets) if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  /** Every message the server sends, with the moment (performance.now()) it went out. */
  onSent(cb: (m: SentMessage) => void) {
    this.sentListeners.push(cb);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refuse = (status: number, dgError: string) => {
      this.refusedHandshakes.push({ status, query: url.searchParams });
      const body = JSON.stringify({ err_code: STATUS_CODES[status], err_msg: dgError, request_id: randomUUID() });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ndg-error: ${dgError}\r\ndg-request-id: ${randomUUID()}\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    if (url.pathname !== "/v1/listen") return refuse(404, "Not found.");
    if (req.headers.authorization !== `Token ${this.opts.apiKey}`) return refuse(401, "Invalid credentials.");
    const forced = this.refusals.shift();
    if (forced) return refuse(forced.status, forced.dgError);
    const q = url.searchParams;
    if (q.get("encoding") !== "linear16" || q.get("sample_rate") !== String(PCM_SAMPLE_RATE) || q.get("channels") !== "1") {
      return refuse(400, "This test server takes encoding=linear16, sample_rate=16000, channels=1.");
    }
    if (!q.get("model") || !q.get("language")) return refuse(400, "model and language are required here.");
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, q));
  }

  private onConnection(ws: WebSocket, query: URLSearchParams) {
    const index = this.connections.length;
    const log: DeepgramConnectionLog = { query, audioBytes: 0, controls: [] };
    this.connections.push(log);
    this.sockets.add(ws);
    const utteranceEndMs = Number(query.get("utterance_end_ms") ?? 0);
    const interim = query.get("interim_results") === "true";
    const requestId = randomUUID();
    const send = (message: Record<string, unknown>) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify(message));
      const at = performance.now();
      for (const cb of this.sentListeners) cb({ at, connection: index, message });
    };
    let samplesIn = 0;
    let resultEndSec = 0; // where the last final result ended: the next result starts there, as Deepgram's do
    let pendingUtteranceEnd: number | undefined; // last_word_end (s) of an utterance whose UtteranceEnd is due
    let closing = false;

    const results = (h: Hypothesis, originSec: number, fromFinalize: boolean) => {
      const words = spokenWords(h).map((w) => ({
        word: w.word.replace(/\(\d+\)$/, ""),
        start: round3(originSec + w.startSec),
        end: round3(originSec + w.endSec),
        confidence: 0.9,
      }));
      const endSec = Math.max(resultEndSec, originSec + Math.max(0, ...h.words.map((w) => w.endSec)) + 0.01);
      if (words.length === 0) return;
      const base = { type: "Results", channel_index: [0, 1], start: round3(resultEndSec), metadata: { request_id: requestId, model_info: { name: query.get("model") } } };
      if (interim) {
        for (let n = 1; n < words.length; n++) {
          const some = words.slice(0, n);
          send({ ...base, duration: round3(some[n - 1].end - resultEndSec), is_final: false, speech_final: false, channel: alternative(some) });
        }
      }
      const final: Record<string, unknown> = { ...base, duration: round3(endSec - resultEndSec), is_final: true, speech_final: true, channel: alternative(words) };
      if (fromFinalize) final.from_finalize = true;
      send(final);
      resultEndSec = endSec;
      pendingUtteranceEnd = words[words.length - 1].end;
      utteranceEndIfDue();
    };
    // Due once utterance_end_ms of audio has come in after the last word (it may be in already: recognition lags).
    const utteranceEndIfDue = () => {
      if (pendingUtteranceEnd !== undefined && utteranceEndMs > 0 && samplesIn / PCM_SAMPLE_RATE >= pendingUtteranceEnd + utteranceEndMs / 1000) {
        send({ type: "UtteranceEnd", channel: [0, 1], last_word_end: pendingUtteranceEnd });
        pendingUtteranceEnd = undefined;
      }
    };

    const onHypothesis = (h: Hypothesis, originSamples: number, fromFinalize: boolean) => results(h, originSamples / PCM_SAMPLE_RATE, fromFinalize);
    const recognizer: Recognizer =
      this.opts.recognize === "energy"
        ? new EnergyRecognizer(`c${index}u`, Number(query.get("endpointing") ?? 300) || 300, onHypothesis)
        : new SocketRecognizer(onHypothesis);
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      clearTimeout(idle);
      idle = setTimeout(() => {
        log.closedBy = { code: 1011, reason: "NET-0001" };
        ws.close(1011, "NET-0001");
      }, this.idleCloseMs);
    };
    armIdle();

    ws.on("message", (data, isBinary) => {
      if (log.closedBy === "dropped") return; // frames that were already read when the socket was cut
      if (!closing) armIdle();
      if (isBinary) {
        if (closing) return;
        const pcm = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        log.audioBytes += pcm.length;
        samplesIn += pcm.length / 2;
        recognizer.audio(pcm);
        utteranceEndIfDue();
        const due = this.sabotage.findIndex((s) => log.audioBytes >= s.afterBytes);
        if (due >= 0) {
          const [s] = this.sabotage.splice(due, 1);
          if (s.action === "drop") {
            log.closedBy = "dropped";
            ws.terminate();
          } else {
            log.closedBy = s.action;
            ws.close(s.action.code, s.action.reason);
          }
        }
        return;
      }
      let type = "?";
      try {
        type = String(JSON.parse(data.toString()).type);
      } catch {
        // not JSON: Deepgram ignores it too
      }
      log.controls.push(type);
      if (type === "Finalize" && this.dropAtFinalize) {
        this.dropAtFinalize = false;
        closing = true;
        log.closedBy = "dropped";
        ws.terminate();
      } else if (type === "Finalize") void recognizer.flush({ fromFinalize: true, last: false });
      else if (type === "CloseStream") {
        closing = true;
        clearTimeout(idle); // the client has said all it will; the server answers in its own time
        idle = undefined;
        void recognizer.flush({ fromFinalize: false, last: true }).then(() => {
          send({ type: "Metadata", transaction_key: "deprecated", request_id: requestId, sha256: "", created: new Date().toISOString(), duration: round3(samplesIn / PCM_SAMPLE_RATE), channels: 1 });
          clearTimeout(idle);
          log.closedBy = { code: 1000, reason: "" };
          ws.close(1000);
        });
      }
    });
    ws.on("close", () => {
      clearTimeout(idle);
      this.sockets.delete(ws);
      recognizer.kill();
    });
    ws.on("error", () => {});
  }
}

function round3(n: number) {
  return Math.round(n * 1000) / 1000;
}

function alternative(words: { word: string; start: number; end: number; confidence: number }[]) {
  const punctuated = words.map((w, i) => ({ ...w, punctuated_word: i === words.length - 1 ? `${w.word}.` : w.word }));
  return { alternatives: [{ transcript: punctuated.map((w) => w.punctuated_word).join(" "), confidence: 0.9, words: punctuated }] };
}

type Proc = { child: ChildProcess; origin: number; closed: Promise<void>; finalizing: boolean };
type HypothesisListener = (h: Hypothesis, originSamples: number, fromFinalize: boolean) => void;
type Recognizer = { audio(pcm: Buffer): void; flush(opts: { fromFinalize: boolean; last: boolean }): Promise<void>; kill(): void };

/** Utterances by loudness (10 ms frames): speech, then `endpointingMs` of quiet, answered at once with a made-up word. */
class EnergyRecognizer implements Recognizer {
  private frames = 0;
  private carry = Buffer.alloc(0);
  private speechStart: number | undefined;
  private lastLoud = 0;
  private count = 0;

  constructor(
    private readonly prefix: string,
    private readonly endpointingMs: number,
    private readonly onHypothesis: HypothesisListener,
  ) {}

  audio(pcm: Buffer) {
    const frameBytes = (PCM_SAMPLE_RATE / 100) * 2;
    let buf = Buffer.concat([this.carry, pcm]);
    for (; buf.length >= frameBytes; buf = buf.subarray(frameBytes)) {
      let sum = 0;
      for (let i = 0; i < frameBytes; i += 2) sum += buf.readInt16LE(i) ** 2;
      const loud = Math.sqrt(sum / (frameBytes / 2)) > 500;
      this.frames++;
      if (loud) {
        this.speechStart ??= this.frames - 1;
        this.lastLoud = this.frames;
      } else if (this.speechStart !== undefined && (this.frames - this.lastLoud) * 10 >= this.endpointingMs) this.emit(false);
    }
    this.carry = Buffer.from(buf);
  }

  async flush(opts: { fromFinalize: boolean }) {
    if (this.speechStart !== undefined) this.emit(opts.fromFinalize);
  }

  kill() {}

  private emit(fromFinalize: boolean) {
    const word = `${this.prefix}${++this.count}`;
    const startSec = this.speechStart! / 100;
    const endSec = this.lastLoud / 100;
    this.speechStart = undefined;
    this.onHypothesis({ hyp: word, words: [{ word, startSec, endSec }, { word: "</s>", startSec: endSec, endSec: this.frames / 100 }] }, 0, fromFinalize);
  }
}

/** One pocketsphinx_continuous per socket; Finalize ends it (it then answers for the audio held) and starts the next. */
class SocketRecognizer implements Recognizer {
  private proc: Proc | undefined;
  private samples = 0;
  private chain: Promise<void> = Promise.resolve();
  private killed = false;

  constructor(private readonly onHypothesis: HypothesisListener) {}

  audio(pcm: Buffer) {
    this.chain = this.chain.then(() => {
      if (this.killed) return;
      this.proc ??= this.start();
      this.samples += pcm.length / 2;
      this.proc.child.stdin?.write(pcm);
    });
  }

  /** Ends the current recognizer so it answers for everything it holds; resolves after its last hypothesis. */
  flush(opts: { fromFinalize: boolean; last: boolean }): Promise<void> {
    const next = this.chain.then(async () => {
      const proc = this.proc;
      if (!proc) return;
      this.proc = undefined;
      proc.finalizing = opts.fromFinalize;
      proc.child.stdin?.end();
      await proc.closed;
      if (opts.last) this.killed = true;
    });
    this.chain = next.catch(() => {});
    return next;
  }

  kill() {
    this.killed = true;
    this.proc?.child.kill("SIGKILL");
  }

  private start(): Proc {
    const { binary, args } = pocketSphinxCommandLine();
    // Node's stdin for a child is a socket, which pocketsphinx cannot open as /dev/stdin: bash puts a pipe in between.
    const child = spawn("bash", ["-c", 'exec "$0" "$@" < <(exec cat)', binary, ...args], { stdio: ["pipe", "pipe", "ignore"] });
    const origin = this.samples;
    const proc: Proc = { child, origin, closed: Promise.resolve(), finalizing: false };
    const reader = new HypothesisReader((h) => this.onHypothesis(h, origin, proc.finalizing));
    child.stdin.on("error", () => {});
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (t: string) => reader.push(t));
    proc.closed = new Promise<void>((resolve) => child.on("close", () => {
      reader.flush();
      resolve();
    }));
    return proc;
  }
}

export async function startDeepgramServer(opts: DeepgramServerOptions): Promise<DeepgramContractServer> {
  return new DeepgramContractServer(opts).listen();
}
