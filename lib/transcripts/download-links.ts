// Short-lived signed links to a transcript file, handed out on the room page (to the host, and to participants when
// the room allows it): an HMAC over the transcription, the format and the expiry, with a key derived from the
// server's keyring, so a link opens that one file in that one format until it expires, and nothing else.
import { createHmac, timingSafeEqual } from "node:crypto";
import { appEnv } from "@/lib/config/env";
import { appKeyring } from "@/lib/config/keyring";
import { deriveSubkey } from "@/lib/crypto/keyring";
import type { TranscriptFormat } from "./render";

/** The formats the room page offers. */
export const roomDownloadFormats = ["md", "txt", "vtt"] as const satisfies readonly TranscriptFormat[];
export type RoomDownloadFormat = (typeof roomDownloadFormats)[number];

/** How long a link works: long enough to click, short enough that a forwarded link soon stops working. */
export const DOWNLOAD_LINK_SECONDS = 10 * 60;

/** The route that serves the links: app/api/v1/downloads/[transcriptionId]/[format]/route.ts. */
export const downloadLinkPath = (transcriptionId: string, format: RoomDownloadFormat) => `/api/v1/downloads/${transcriptionId}/${format}`;

export type DownloadLinkCheck = "ok" | "expired" | "bad_signature";

/** The signing key of this server (every instance sharing the keyring derives the same one). */
export function downloadLinkKey(): Buffer {
  return deriveSubkey(appKeyring(), "room-transcript-downloads");
}

function signature(key: Buffer, transcriptionId: string, format: string, expires: number): string {
  return createHmac("sha256", key).update(`transcript-download\n${transcriptionId.toLowerCase()}\n${format}\n${expires}`).digest("hex");
}

/** A link for one file: absolute, on `baseUrl`, with its expiry (epoch ms) and signature in the query. */
export function signDownloadLink(args: {
  key: Buffer;
  transcriptionId: string;
  format: RoomDownloadFormat;
  baseUrl?: string;
  now?: number;
  validForSeconds?: number;
}): { url: string; expires: number } {
  const expires = (args.now ?? Date.now()) + (args.validForSeconds ?? DOWNLOAD_LINK_SECONDS) * 1000;
  const sig = signature(args.key, args.transcriptionId, args.format, expires);
  const base = (args.baseUrl ?? appEnv().publicUrl).replace(/\/+$/, "");
  return { url: `${base}${downloadLinkPath(args.transcriptionId.toLowerCase(), args.format)}?expires=${expires}&signature=${sig}`, expires };
}

/**
 * Checks a link's signature (constant time), then its expiry. Anything malformed (a missing or non-numeric expiry, a
 * signature of the wrong shape) is a bad signature, so there is one refusal for forged links.
 */
export function verifyDownloadLink(args: {
  key: Buffer;
  transcriptionId: string;
  format: string;
  expires: string | null;
  signature: string | null;
  now?: number;
}): DownloadLinkCheck {
  if (!args.expires || !/^\d{1,16}$/.test(args.expires) || !args.signature || !/^[0-9a-f]{64}$/.test(args.signature)) return "bad_signature";
  const expires = Number(args.expires);
  const expected = Buffer.from(signature(args.key, args.transcriptionId, args.format, expires), "hex");
  if (!timingSafeEqual(expected, Buffer.from(args.signature, "hex"))) return "bad_signature";
  return expires > (args.now ?? Date.now()) ? "ok" : "expired";
}
