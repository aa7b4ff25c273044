// One HTTP client for OpenAI-compatible APIs (summaries, transcription): per-attempt timeouts, retries on 429/5xx with backoff, JSON and multipart bodies.
import { backoffMs, sleep } from "@/lib/retry/backoff";

export type OpenAiClientOptions = {
  /** Requests go to `baseUrl + path` (e.g. https://api.openai.com/v1 + /audio/transcriptions). */
  baseUrl: string;
  apiKey?: string;
  /** One attempt, including reading the answer. */
  timeoutMs: number;
  /** Retries after a 429, a 5xx, a dropped connection or (with `retryTimeouts`) a timeout. Default 2. */
  maxRetries?: number;
  /** First backoff delay, doubled each retry, with jitter; a Retry-After header wins. Default 1000 ms. */
  retryDelayMs?: number;
  /** Longest wait before a retry, whatever Retry-After says. Default 30 s. */
  maxRetryDelayMs?: number;
  /** Whether an attempt that timed out is tried again (a slow request to a model that might answer the next time). Default true. */
  retryTimeouts?: boolean;
};

export type OpenAiRequestOptions = { signal?: AbortSignal; maxRetries?: number };

/** A 2xx answer, read whole. */
export type OpenAiResponse = { status: number; headers: Headers; text: string };

export type OpenAiFailure = "aborted" | "timeout" | "unreachable" | "http";

/** Why a request failed, after its retries. `status` and `body` are set for an HTTP answer (kind "http"). */
export class OpenAiRequestError extends Error {
  constructor(
    readonly kind: OpenAiFailure,
    message: string,
    readonly details: { url: string; status?: number; body?: string; detail?: string; code?: string; attempts: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "OpenAiRequestError";
  }

  get status(): number | undefined {
    return this.details.status;
  }
}

export interface OpenAiClient {
  /** The absolute URL of a path under the base URL. */
  url(path: string): string;
  postJson(path: string, body: unknown, options?: OpenAiRequestOptions): Promise<OpenAiResponse>;
  postMultipart(path: string, form: FormData, options?: OpenAiRequestOptions): Promise<OpenAiResponse>;
  /** Text with the API key taken out, for messages that quote a server's answer. */
  redact(text: string): string;
}

const RETRYABLE_STATUS = (status: number) => status === 429 || status === 408 || status >= 500;

export function createOpenAiClient(options: OpenAiClientOptions): OpenAiClient {
  const settings = {
    maxRetries: 2,
    retryDelayMs: 1000,
    maxRetryDelayMs: 30_000,
    retryTimeouts: true,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<Omit<OpenAiClientOptions, "apiKey">> & { apiKey?: string };
  const base = options.baseUrl.replace(/\/+$/, "");
  const url = (path: string) => (path ? `${base}${path.startsWith("/") ? "" : "/"}${path}` : base);
  const redact = (text: string) => (settings.apiKey ? text.split(settings.apiKey).join("[redacted]") : text);

  async function send(
    path: string,
    makeBody: () => { body: BodyInit; contentType?: string },
    requestOptions: OpenAiRequestOptions = {},
  ): Promise<OpenAiResponse> {
    const target = url(path);
    const signal = requestOptions.signal;
    const maxRetries = requestOptions.maxRetries ?? settings.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const fail = (kind: OpenAiFailure, message: string, details: Partial<OpenAiRequestError["details"]>, cause?: unknown) =>
        new OpenAiRequestError(kind, message, { url: target, attempts: attempt + 1, ...details }, { cause });
      if (signal?.aborted) throw fail("aborted", "The request was cancelled", {}, signal.reason);
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const { body, contentType } = makeBody();
      let response: Response;
      let text: string;
      try {
        response = await fetch(target, {
          method: "POST",
          headers: {
            accept: "application/json",
            ...(contentType ? { "content-type": contentType } : {}),
            ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
          },
          body,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw fail("aborted", "The request was cancelled", {}, error);
        const timedOut = timeout.aborted;
        const code = timedOut ? undefined : networkErrorCode(error);
        if (attempt < maxRetries && (!timedOut || settings.retryTimeouts)) {
          await sleep(backoff(settings.retryDelayMs, attempt, settings.maxRetryDelayMs), signal);
          if (signal?.aborted) throw fail("aborted", "The request was cancelled", {}, signal.reason);
          continue;
        }
        if (timedOut) {
          throw fail("timeout", `${new URL(target).origin} did not answer within ${formatSeconds(settings.timeoutMs)}`, {}, error);
        }
        throw fail("unreachable", `Could not reach ${new URL(target).origin} (${code})`, { code }, error);
      }
      if (response.ok) return { status: response.status, headers: response.headers, text };
      if (RETRYABLE_STATUS(response.status) && attempt < maxRetries) {
        const wait = retryAfterMs(response.headers) ?? backoff(settings.retryDelayMs, attempt, settings.maxRetryDelayMs);
        await sleep(Math.min(wait, settings.maxRetryDelayMs), signal);
        if (signal?.aborted) throw fail("aborted", "The request was cancelled", {}, signal.reason);
        continue;
      }
      const detail = redact(errorDetail(text));
      throw fail("http", `${new URL(target).origin} answered ${response.status} (${detail})`, {
        status: response.status,
        body: redact(text),
        detail,
      });
    }
  }

  return {
    url,
    redact,
    postJson: (path, body, requestOptions) =>
      send(path, () => ({ body: JSON.stringify(body), contentType: "application/json" }), requestOptions),
    // fetch sets the multipart content type with its boundary itself.
    postMultipart: (path, form, requestOptions) => send(path, () => ({ body: form }), requestOptions),
  };
}

/** The server's own words from an error answer: `error.message`, `error` or `message`, else the start of the body. */
export function errorDetail(text: string): string {
  try {
    const json = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const message = typeof json.error === "string" ? json.error : (json.error?.message ?? json.message ?? json.detail);
    if (typeof message === "string") return snippet(message);
  } catch {
    // not JSON: show the start of the body
  }
  return snippet(text);
}

export function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat || "empty";
}

/** `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms") ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The wait after failed attempt `attempt` (0-based): between half and all of `first × 2^attempt`, so clients spread out. */
function backoff(firstMs: number, attempt: number, maxMs: number): number {
  return backoffMs(attempt + 1, { firstMs, maxMs });
}

function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(error);
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
