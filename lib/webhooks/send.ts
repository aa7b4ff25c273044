// Sends one webhook attempt: a signed POST to a checked, pinned address, cut after a hard total timeout, with a short answer excerpt for the log.
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { SIGNATURE_HEADER, signWebhook } from "@/lib/webhooks/sign";
import { pinnedLookup, resolveDeliveryTarget } from "@/lib/net/address-policy";

export const WEBHOOK_TIMEOUT_MS = 5000;
export const WEBHOOK_USER_AGENT = "Verbatim-Webhooks/1.0";
/** We read at most this much of an answer and then close the socket: a receiver cannot make us download a lot. */
export const MAX_RESPONSE_READ_BYTES = 4096;
export const RESPONSE_EXCERPT_BYTES = 1024;

// Headers this module owns; a caller setting them would break the framing or the contract.
const RESERVED_HEADERS = new Set(["content-type", "content-length", "user-agent", "host", "transfer-encoding", "connection"]);

export type SendWebhookInput = {
  url: string;
  /** The exact serialized envelope; the signature covers these bytes. */
  body: string;
  /** Extra headers. Include `Verbatim-Signature` here only if `secrets` is not given. */
  headers?: Record<string, string>;
  /** Signing secrets, current first. Given here, the body is signed at send time, so every retry carries a fresh `t`. */
  secrets?: readonly string[];
  /** The operator's VERBATIM_WEBHOOK_ALLOW_PRIVATE: plain http and private/loopback targets. */
  allowPrivate: boolean;
  timeoutMs?: number;
};

export type SendWebhookResult = {
  /** A 2xx answer arrived. */
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** The first 1 KiB of the answer body, as text. */
  responseExcerpt: string;
  /** Why there is no usable answer: "timeout after 5000 ms", "refused: private address 10.0.0.1 (private)", "connect ECONNREFUSED ...". */
  error?: string;
};

function buildHeaders(input: SendWebhookInput): Record<string, string> {
  const extra: Record<string, string> = {};
  let callerSignature: string | undefined;
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) throw new TypeError(`header ${name} is set by sendWebhook`);
    if (lower === SIGNATURE_HEADER.toLowerCase()) callerSignature = value;
    else extra[name] = value;
  }
  const signature = input.secrets?.length ? signWebhook(input.body, input.secrets) : callerSignature;
  if (!signature) throw new TypeError("sendWebhook needs secrets or a Verbatim-Signature header");
  return {
    "Content-Type": "application/json",
    "User-Agent": WEBHOOK_USER_AGENT,
    "Content-Length": String(Buffer.byteLength(input.body)),
    [SIGNATURE_HEADER]: signature,
    ...extra,
  };
}

function excerptOf(chunks: Buffer[]): string {
  // NUL bytes cannot be stored in a PostgreSQL text column; a binary answer must not break the delivery log.
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8").replace(/\u0000/g, "");
}

/**
 * One delivery attempt. Never throws for anything the network or the receiver does (only for a programming error
 * in the input); every outcome comes back as a result to log. Redirects are reported, not followed.
 */
export async function sendWebhook(input: SendWebhookInput): Promise<SendWebhookResult> {
  const timeoutMs = input.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError("timeoutMs must be a positive number");
  const headers = buildHeaders(input);
  const started = performance.now();

  return new Promise<SendWebhookResult>((resolve) => {
    let settled = false;
    let request: ClientRequest | undefined;
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const settle = (outcome: { status: number | null; error?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Closing the request closes the socket: a hanging or endless answer is cut here.
      request?.destroy();
      const { status } = outcome;
      let error = outcome.error;
      if (!error && status !== null && status >= 300 && status < 400) {
        const location = String(response?.headers.location ?? "").slice(0, 200);
        error = `redirect not followed (${status}${location ? ` to ${location}` : ""})`;
      }
      resolve({
        ok: status !== null && status >= 200 && status < 300 && !outcome.error,
        status,
        durationMs: Math.round(performance.now() - started),
        responseExcerpt: excerptOf(chunks),
        ...(error ? { error } : {}),
      });
    };

    // One deadline for everything: DNS, connect, TLS, waiting for the answer and reading it.
    const timer = setTimeout(() => {
      // An answer whose status has arrived counts as that answer even if its body never finishes.
      if (response) settle({ status: response.statusCode ?? null });
      else settle({ status: null, error: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);

    resolveDeliveryTarget(input.url, { allowPrivate: input.allowPrivate }).then(
      (target) => {
        if (settled) return;
        if (!target.ok) {
          settle({ status: null, error: target.stage === "policy" ? `refused: ${target.reason}` : target.reason });
          return;
        }
        const { url } = target;
        const client = url.protocol === "https:" ? https : http;
        try {
          request = client.request({
            method: "POST",
            protocol: url.protocol,
            hostname: target.hostname,
            port: url.port ? Number(url.port) : undefined,
            path: `${url.pathname}${url.search}`,
            headers,
            lookup: pinnedLookup(target.address, target.family),
            // A fresh agent per attempt: no pooled socket can carry this request to an address checked for another.
            agent: false,
          });
        } catch (error) {
          settle({ status: null, error: (error as Error).message });
          return;
        }
        request.on("response", (res) => {
          response = res;
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            received += chunk.length;
            if (received >= MAX_RESPONSE_READ_BYTES) settle({ status: res.statusCode ?? null });
          });
          res.on("end", () => settle({ status: res.statusCode ?? null }));
          res.on("error", () => settle({ status: res.statusCode ?? null }));
        });
        request.on("error", (error) => settle({ status: response?.statusCode ?? null, error: response ? undefined : error.message }));
        request.end(input.body);
      },
      (error: unknown) => settle({ status: null, error: (error as Error).message }),
    );
  });
}
