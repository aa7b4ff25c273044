import { describe, expect, it } from "vitest";
import { signDownloadLink, verifyDownloadLink } from "./download-links";

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const id = "0b5f3a52-4a8e-4f0e-9d0a-0f5b0a1c2d3e";
const now = 1_800_000_000_000;

function parts(url: string) {
  const u = new URL(url);
  const [, , , , transcriptionId, format] = u.pathname.split("/");
  return { path: u.pathname, transcriptionId, format, expires: u.searchParams.get("expires"), signature: u.searchParams.get("signature") };
}

describe("signed transcript download links", () => {
  it("are absolute links to the download route, valid for ten minutes", () => {
    const { url, expires } = signDownloadLink({ key, transcriptionId: id, format: "vtt", baseUrl: "https://verbatim.example.com/", now });
    expect(url).toMatch(new RegExp(`^https://verbatim\\.example\\.com/api/v1/downloads/${id}/vtt\\?expires=${expires}&signature=[0-9a-f]{64}$`));
    expect(expires).toBe(now + 600_000);
    const p = parts(url);
    expect(verifyDownloadLink({ key, ...p, now })).toBe("ok");
    expect(verifyDownloadLink({ key, ...p, now: expires - 1 })).toBe("ok");
  });

  it("expire", () => {
    const p = parts(signDownloadLink({ key, transcriptionId: id, format: "md", baseUrl: "http://x", now }).url);
    expect(verifyDownloadLink({ key, ...p, now: now + 600_000 })).toBe("expired");
  });

  it("are bound to the transcription, the format and the expiry", () => {
    const p = parts(signDownloadLink({ key, transcriptionId: id, format: "md", baseUrl: "http://x", now }).url);
    expect(verifyDownloadLink({ key, ...p, format: "txt", now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, transcriptionId: "1b5f3a52-4a8e-4f0e-9d0a-0f5b0a1c2d3e", now })).toBe("bad_signature");
    // Moving the expiry later breaks the signature; it is not merely checked against the clock.
    expect(verifyDownloadLink({ key, ...p, expires: String(Number(p.expires) + 3_600_000), now })).toBe("bad_signature");
  });

  it("refuse another server's key, and forged or malformed values", () => {
    const p = parts(signDownloadLink({ key, transcriptionId: id, format: "md", baseUrl: "http://x", now }).url);
    expect(verifyDownloadLink({ key: otherKey, ...p, now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, signature: "0".repeat(64), now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, signature: null, now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, signature: p.signature!.slice(2), now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, expires: null, now })).toBe("bad_signature");
    expect(verifyDownloadLink({ key, ...p, expires: "soon", now })).toBe("bad_signature");
  });
});
