// Forwarding a room request to the instance that owns the room's session: signed (HMAC from the shared keyring), one hop at most, body streamed through with a bound.
import { createHmac, timingSafeEqual } from "node:crypto";
import { appKeyring } from "@/lib/config/keyring";
import { deriveSubkey } from "@/lib/crypto/keyring";
import { AppError, RetryLaterError } from "@/lib/errors";
import type { Db } from "@/lib/db/client";
import { instanceId, mayOwn } from "@/lib/pipeline/lease";
import { getOpenSession } from "@/lib/pipeline/session/sessions";

export const FORWARDED_BY_HEADER = "x-verbatim-forwarded-by";
export const FORWARD_TIME_HEADER = "x-verbatim-forward-time";
export const FORWARD_SIGNATURE_HEADER = "x-verbatim-forward-signature";

/** A signature older (or further in the future) than this is refused: clocks of instances agree within seconds. */
const MAX_SKEW_MS = 60_000;

/** How soon a client should try again when the owner cannot be reached (it died: another instance takes over soon). */
export const OWNER_UNREACHABLE_RETRY_AFTER_SECONDS = 1;

/** How long the owner has to answer a forwarded request that is not a long audio stream. */
const FORWARD_ANSWER_TIMEOUT_MS = 30_000;

/** Headers not passed on: hop-by-hop ones, and ours (set again, signed). */
const DROPPED_REQUEST_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-connection",
  "content-length",
  "expect",
  FORWARDED_BY_HEADER,
  FORWARD_TIME_HEADER,
  FORWARD_SIGNATURE_HEADER,
]);
// fetch decodes a compressed answer, so its encoding and length no longer hold.
const DROPPED_RESPONSE_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length"]);

const forwardKey = () => deriveSubkey(appKeyring(), "instance-forwarding");

function signature(parts: { method: string; path: string; by: string; time: string }): string {
  return createHmac("sha256", forwardKey()).update(`${parts.method}\n${parts.path}\n${parts.by}\n${parts.time}`).digest("base64url");
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** The headers that mark a request as forwarded by this instance, signed over method, path, sender and time. */
export function forwardHeaders(method: string, path: string, now = Date.now()): Record<string, string> {
  const by = instanceId();
  const time = String(now);
  return {
    [FORWARDED_BY_HEADER]: by,
    [FORWARD_TIME_HEADER]: time,
    [FORWARD_SIGNATURE_HEADER]: signature({ method: method.toUpperCase(), path, by, time }),
  };
}

/**
 * Whether the request was forwarded by another instance: false when it carries none of the headers; true when they
 * are signed with the cluster's key; throws 401 when they are present but forged, stale or incomplete (an outsider
 * must not pass a request off as forwarded).
 */
export function isForwarded(request: Request, now = Date.now()): boolean {
  const by = request.headers.get(FORWARDED_BY_HEADER);
  const time = request.headers.get(FORWARD_TIME_HEADER);
  const given = request.headers.get(FORWARD_SIGNATURE_HEADER);
  if (by === null && time === null && given === null) return false;
  const refuse = () => new AppError("unauthorized", "The forwarding signature (X-Verbatim-Forward-*) is missing, stale or invalid");
  if (!by || !time || !given || !/^\d{1,16}$/.test(time)) throw refuse();
  if (Math.abs(now - Number(time)) > MAX_SKEW_MS) throw refuse();
  const expected = Buffer.from(signature({ method: request.method.toUpperCase(), path: pathOf(request.url), by, time }));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw refuse();
  return true;
}

/** Passes at most `limit` bytes through; more fails the stream (and so the forwarded request). */
function bounded(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  if (!Number.isFinite(limit)) return body;
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(new AppError("payload_too_large", `The request body is larger than ${limit} bytes`));
        else controller.enqueue(chunk);
      },
    }),
  );
}

export type ForwardOptions = {
  /** The owner's internal address (room_sessions.owner_address), such as http://10.0.0.5:3000. */
  ownerAddress: string;
  /** The most body bytes passed on; Infinity for a long audio stream (the owner paces it). */
  maxBodyBytes: number;
  /** A long stream: no answer timeout (the owner answers when the body ends). */
  longStream?: boolean;
};

/**
 * Sends the request on to the owner, its body streamed (never buffered whole) and bounded, and returns the owner's
 * answer as it comes. The owner unreachable: 503 with Retry-After (its lease runs out and another instance takes
 * the session; a client that retries goes on there).
 */
export async function forwardToOwner(request: Request, opts: ForwardOptions): Promise<Response> {
  const path = pathOf(request.url);
  const target = new URL(path, `${opts.ownerAddress}/`);
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!DROPPED_REQUEST_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  for (const [name, value] of Object.entries(forwardHeaders(request.method, path))) headers.set(name, value);
  const hasBody = request.body !== null && request.method !== "GET" && request.method !== "HEAD";
  const timeout = opts.longStream ? undefined : AbortSignal.timeout(FORWARD_ANSWER_TIMEOUT_MS);
  const signal = timeout ? AbortSignal.any([request.signal, timeout]) : request.signal;
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? bounded(request.body!, opts.maxBodyBytes) : undefined,
      redirect: "manual",
      signal,
      // A streamed request body (undici): sent as it is read.
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof AppError) throw cause;
    throw new RetryLaterError(
      "unavailable",
      "The server instance holding this room's session is not answering; send the request again shortly (another instance takes the session over when its lease runs out).",
      OWNER_UNREACHABLE_RETRY_AFTER_SECONDS,
      "owner_unreachable",
    );
  }
  const out = new Headers();
  answer.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) out.append(name, value);
  });
  return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: out });
}

/**
 * The owner's internal address when another live instance holds the room's open session (a request for it must go
 * there), else undefined: no open session, ours, or its lease ran out (this instance may take it over).
 */
export async function ownerAddressElsewhere(db: Db, roomId: string, now = new Date()): Promise<string | undefined> {
  const session = await getOpenSession(db, roomId);
  if (!session || mayOwn(session, now) || !session.ownerAddress) return undefined;
  return session.ownerAddress;
}
