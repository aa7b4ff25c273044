// Builds the Content-Disposition header for downloads, safe for any file name (RFC 6266 with an RFC 5987 UTF-8 form).

/** `attachment; filename="ascii"; filename*=UTF-8''encoded`; quotes, controls and non-ASCII never reach the plain form. */
export function attachmentDisposition(downloadName: string): string {
  const cleaned = downloadName.replace(/[\p{Cc}\u2028\u2029]/gu, "").replace(/[\\/]/g, "_").trim() || "download";
  const ascii = cleaned.replace(/[^\x20-\x7e]/g, "_").replace(/["%;]/g, "_");
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
