// The origins (scheme, host, port) an account lets embed its rooms with <verbatim-room>: parsing the settings field,
// and the Content-Security-Policy frame-ancestors value the room page is served with.
import { z } from "zod";

/** At most this many origins per account: a CSP header stays short, and a longer list is a sign of a mistake. */
export const MAX_EMBED_ORIGINS = 20;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * One origin as typed by an admin, normalized ("https://app.example.com"), or the reason it is not one. Only an origin
 * is accepted: no path, query, fragment, credentials or wildcard; https, or http for localhost and 127.0.0.1 (a
 * developer's machine), since a page served over plain http elsewhere could be altered on its way to the browser.
 */
export function parseEmbedOrigin(raw: string): { origin: string } | { problem: string } {
  const value = raw.trim();
  if (!value) return { problem: "Enter an origin such as https://app.example.com" };
  if (value.includes("*")) return { problem: `${value}: wildcards are not accepted; list each origin (https://app.example.com)` };
  if (!/^https?:\/\//i.test(value)) return { problem: `${value}: start with https:// (an origin such as https://app.example.com)` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${value}: not an origin; use the form https://app.example.com` };
  }
  if (url.username || url.password) return { problem: `${value}: an origin has no user name or password` };
  // new URL() adds "/" as the path of "https://a.example"; anything more is a page, not an origin.
  const rest = value.replace(/^https?:\/\/[^/?#]*/i, "");
  if (rest !== "" && rest !== "/") return { problem: `${value}: only the origin, without a path, query or fragment (https://app.example.com)` };
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { problem: `${value}: use https:// (http:// is only accepted for localhost and 127.0.0.1)` };
  }
  return { origin: url.origin };
}

/** A text box, one origin per line (commas and spaces also separate). */
export function embedOriginsFromText(value: unknown): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return value;
  return value.split(/[\s,]+/).filter((v) => v !== "");
}

/** The settings field: a list of origins, normalized, without duplicates. Each problem names the offending entry. */
export const embedOriginsSchema = z
  .array(z.string({ error: "Each origin must be a string" }).max(300, "Use at most 300 characters per origin"), { error: "Give a list of origins" })
  .max(MAX_EMBED_ORIGINS, `List at most ${MAX_EMBED_ORIGINS} origins`)
  .transform((values, ctx) => {
    const origins: string[] = [];
    for (const value of values) {
      const parsed = parseEmbedOrigin(value);
      if ("problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
      else if (!origins.includes(parsed.origin)) origins.push(parsed.origin);
    }
    return origins;
  });

/** The CSP frame-ancestors source list: the account's origins, or 'none' (the room cannot be framed at all). */
export function frameAncestors(origins: readonly string[]): string {
  // Re-parsed so that a stored value can never carry a ";" or a space into the header.
  const safe = origins.flatMap((o) => {
    const parsed = parseEmbedOrigin(o);
    return "origin" in parsed ? [parsed.origin] : [];
  });
  return safe.length ? safe.join(" ") : "'none'";
}

/** Whether a page at `origin` may embed a room of an account with these origins (exact match after normalizing). */
export function isEmbedOriginAllowed(origins: readonly string[], origin: string | null | undefined): boolean {
  if (!origin) return false;
  const parsed = parseEmbedOrigin(origin);
  return "origin" in parsed && origins.includes(parsed.origin);
}
