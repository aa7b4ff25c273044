// A local OpenAI-compatible transcription server for tests and the bench: the real multipart API, recognized by real PocketSphinx.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { PCM_SAMPLE_RATE } from "@/lib/speech/pcm";
import { decodeWav, toPcm16kMono } from "./wav";
import { createPocketSphinxEngine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import type { EngineSegment } from "@/lib/speech/types";

/** One transcription request as the server received it. */
export type ReceivedTranscription = {
  index: number;
  path: string;
  authorization?: string;
  model?: string;
  language?: string;
  prompt?: string;
  responseFormat?: string;
  filename?: string;
  /** The audio as 16 kHz mono s16le, and its WAV header's facts. */
  pcm: Buffer;
  wav: { sampleRate: number; channels: number; bitsPerSample: number };
  durationMs: number;
};

/** A fault the test wants instead of the real answer (or a delay before it). */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { delayMs: number }
  | { hang: true };

export type TranscribeServerOptions = {
  /** The request path (default /v1/audio/transcriptions; whisper.cpp's server: /inference). */
  path?: string;
  /** A required Bearer key; unset: no key is checked (self-hosted servers). */
  apiKey?: string;
  /** Whether `model` is required (OpenAI and speaches: yes; whisper.cpp ignores it). Default true. */
  requireModel?: boolean;
  /** Answer verbose_json with a 400, as gpt-4o-transcribe and some self-hosted servers do. */
  refuseVerboseJson?: boolean;
  /** Per request: a fault, or undefined for the real answer. */
  fault?: (request: ReceivedTranscription) => Fault | undefined;
  /** Recognizes the audio; default: PocketSphinx (US English) on the received audio. */
  recognize?: (pcm: Buffer) => Promise<EngineSegment[]>;
};

export type TranscribeServer = {
  /** http://127.0.0.1:PORT/v1 for the default path, http://127.0.0.1:PORT otherwise: what an operator would configure. */
  baseUrl: string;
  origin: string;
  requests: ReceivedTranscription[];
  close(): Promise<void>;
};

const FORMATS = new Set(["json", "text", "verbose_json", "srt", "vtt"]);
/** Whisper's ISO-639-1 codes for the product's languages (the API refuses region tags such as zh-TW). */
const ISO_639_1 = /^[a-z]{2}$/;

const sphinx = createPocketSphinxEngine({ interim: false });

/** Real recognition of a clip: PocketSphinx's final segments, times relative to the clip. */
export async function recognizeWithPocketSphinx(pcm: Buffer): Promise<EngineSegment[]> {
  const stream = sphinx.open({ language: "en" });
  const segments: EngineSegment[] = [];
  let failure: Error | undefined;
  stream.onSegment((s) => s.final && s.text && segments.push(s));
  stream.onError((e) => (failure = e));
  await stream.write(pcm);
  await stream.end();
  if (failure) throw failure;
  return segments;
}

export async function startTranscribeServer(options: TranscribeServerOptions = {}): Promise<TranscribeServer> {
  const path = options.path ?? "/v1/audio/transcriptions";
  const recognize = options.recognize ?? recognizeWithPocketSphinx;
  const requests: ReceivedTranscription[] = [];

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handle(req, Buffer.concat(chunks), res).catch((error: Error) => {
        if (!res.headersSent) send(res, 500, { error: { message: `Internal error: ${error.message}`, type: "server_error" } });
      });
    });
  });

  async function handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) {
    if (req.method !== "POST" || req.url !== path) {
      return send(res, 404, { error: { message: `Invalid URL (${req.method} ${req.url})`, type: "invalid_request_error" } });
    }
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      const given = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      return send(res, 401, {
        error: { message: `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-2)}.`, type: "invalid_request_error", code: "invalid_api_key" },
      });
    }
    const contentType = req.headers["content-type"] ?? "";
    if (!contentType.startsWith("multipart/form-data")) {
      return send(res, 400, { error: { message: "Expected a multipart/form-data body.", type: "invalid_request_error" } });
    }
    let form: FormData;
    try {
      form = await new Request("http://local/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
    } catch (error) {
      return send(res, 400, { error: { message: `Could not parse multipart form: ${(error as Error).message}`, type: "invalid_request_error" } });
    }
    const field = (name: string) => {
      const v = form.get(name);
      return typeof v === "string" ? v : undefined;
    };
    const file = form.get("file");
    if (!(file instanceof File)) return invalid(res, "file", "you must provide a file parameter");
    const model = field("model");
    if ((options.requireModel ?? true) && !model) return invalid(res, "model", "you must provide a model parameter");
    const language = field("language");
    if (language !== undefined && !ISO_639_1.test(language)) {
      return invalid(res, "language", `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`);
    }
    const responseFormat = field("response_format") ?? "json";
    if (!FORMATS.has(responseFormat)) return invalid(res, "response_format", `Invalid response_format '${responseFormat}'.`);
    let decoded;
    try {
      decoded = decodeWav(new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      return invalid(res, "file", `Audio file might be corrupted or unsupported: ${(error as Error).message}`);
    }
    const pcm = toPcm16kMono(decoded);
    const received: ReceivedTranscription = {
      index: requests.length,
      path: req.url,
      authorization: req.headers.authorization,
      model,
      language,
      prompt: field("prompt"),
      responseFormat,
      filename: file.name,
      pcm,
      wav: { sampleRate: decoded.sampleRate, channels: decoded.channels, bitsPerSample: decoded.bitsPerSample },
      durationMs: (pcm.length / 2 / PCM_SAMPLE_RATE) * 1000,
    };
    requests.push(received);
    if (responseFormat === "verbose_json" && options.refuseVerboseJson) {
      return send(res, 400, {
        error: {
          message: `response_format 'verbose_json' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
          type: "invalid_request_error",
          param: "response_format",
          code: "unsupported_value",
        },
      });
    }

    const fault = options.fault?.(received);
    if (fault && "hang" in fault) return; // never answers; the client's timeout must act
    if (fault && "status" in fault) {
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { error: { message: `Injected ${fault.status}`, type: "server_error" } }));
      return;
    }
    const segments = await recognize(pcm);
    if (fault && "delayMs" in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return;
    const text = segments.map((s) => s.text).join(" ");
    if (responseFormat === "text") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${text}\n`);
    } else if (responseFormat === "verbose_json") {
      send(res, 200, {
        task: "transcribe",
        language: language === "en" || language === undefined ? "english" : language,
        duration: received.durationMs / 1000,
        text,
        segments: segments.map((s, id) => ({
          id,
          seek: 0,
          start: s.startMs / 1000,
          end: s.endMs / 1000,
          text: ` ${s.text}`,
          tokens: [],
          temperature: 0,
          avg_logprob: -0.25,
          compression_ratio: 1.2,
          no_speech_prob: 0.01,
        })),
      });
    } else if (responseFormat === "json") {
      send(res, 200, { text });
    } else {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(text);
    }
  }

  function invalid(res: http.ServerResponse, param: string, message: string) {
    send(res, 400, { error: { message, type: "invalid_request_error", param, code: null } });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: path === "/v1/audio/transcriptions" ? `${origin}/v1` : origin,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function send(res: http.ServerResponse, status: number, json: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(json));
}
