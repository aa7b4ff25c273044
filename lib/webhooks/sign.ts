// Signs webhook bodies (the `Verbatim-Signature` header), verifies them, and builds the api.md envelope with its stable id.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { parseWebhookEventData, type WebhookEnvelope, type WebhookEventData, type WebhookEventType } from "@/lib/webhooks/events";

export const SIGNATURE_HEADER = "Verbatim-Signature";
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";
const HEX_64 = /^[0-9a-f]{64}$/;

function currentUnixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** HMAC-SHA256 of `t + "." + body`, keyed with the secret exactly as shown to the customer (prefix included). */
function computeSignature(timestamp: number, rawBody: string | Uint8Array, secret: string): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * The `Verbatim-Signature` value for a body: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`, one v1 per secret.
 * During a secret rotation pass both secrets (current first) so receivers holding either one keep verifying.
 * Sign at each attempt, not once per event: a receiver rejects a `t` older than five minutes.
 */
export function signWebhook(rawBody: string, secrets: readonly string[], nowSeconds: number = currentUnixSeconds()): string {
  if (secrets.length === 0) throw new TypeError("signWebhook needs at least one secret");
  if (secrets.some((s) => typeof s !== "string" || s.length === 0)) throw new TypeError("webhook secrets must be non-empty strings");
  if (!Number.isSafeInteger(nowSeconds) || nowSeconds < 0) throw new RangeError("nowSeconds must be a non-negative integer");
  const parts = [`t=${nowSeconds}`, ...secrets.map((secret) => `v1=${computeSignature(nowSeconds, rawBody, secret).toString("hex")}`)];
  return parts.join(",");
}

type ParsedSignatureHeader = { timestamp: number; v1: Buffer[] };

function parseSignatureHeader(header: string): ParsedSignatureHeader | null {
  let timestamp: number | null = null;
  const v1: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === "v1") {
      if (!HEX_64.test(value.toLowerCase())) return null;
      v1.push(Buffer.from(value, "hex"));
    }
    // Other schemes (a future v2) are skipped so that adding one does not break today's receivers.
  }
  if (timestamp === null || v1.length === 0) return null;
  return { timestamp, v1 };
}

/**
 * True when `header` carries a v1 signature of `rawBody` made with `secret` and its `t` is within the tolerance
 * (either way, so a far-future `t` cannot be replayed later). Never throws: any malformed input is false.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  const { toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS, nowSeconds = currentUnixSeconds() } = options;
  if (typeof header !== "string" || typeof secret !== "string" || secret.length === 0) return false;
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) return false;
  const parsed = parseSignatureHeader(header);
  if (!parsed) return false;
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;
  const expected = computeSignature(parsed.timestamp, rawBody, secret);
  let matched = false;
  // Compare against every candidate without stopping early; each comparison is constant-time.
  for (const candidate of parsed.v1) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

/** A new endpoint signing secret: `whsec_` + 32 random bytes in base64url. Shown to the customer once. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64url");
}

/** A new event id: 64 lowercase hex characters (32 random bytes), stable across retries of that event. */
export function eventId(): string {
  return randomBytes(32).toString("hex");
}

/**
 * The api.md envelope `{id, apiVersion: "1.0", createdAt, type, data}`. Validates `data` against the event's schema
 * (throws a ZodError) so a malformed event never leaves the building. Serialize it once and keep that string:
 * retries must send the same bytes.
 */
export function buildEnvelope<T extends WebhookEventType>(
  type: T,
  data: WebhookEventData<T>,
  options: { id: string; createdAt: Date | string },
): WebhookEnvelope<T> {
  if (!HEX_64.test(options.id)) throw new TypeError("event id must be 64 lowercase hex characters");
  const created = new Date(options.createdAt);
  if (Number.isNaN(created.getTime())) throw new TypeError("createdAt must be a valid date");
  return {
    id: options.id,
    apiVersion: "1.0",
    createdAt: created.toISOString(),
    type,
    data: parseWebhookEventData(type, data),
  } as WebhookEnvelope<T>;
}
