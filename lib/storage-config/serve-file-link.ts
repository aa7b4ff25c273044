// Answers a request for a hosted directory link: checks the HMAC signature and expiry, then streams the file.
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { contentTypeForKey, readDirectoryLink } from "@/lib/storage/directory";
import type { ObjectStorage } from "@/lib/storage/object-storage";
import { StorageError } from "@/lib/storage/storage-error";

const noStore = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" };

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { ...noStore, "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * 200 with the file for a valid link, 403 for a link that is not signed by us (or altered), 410 for an expired one,
 * 404 when the signed object no longer exists. `storage` is the hosted directory storage the links point into.
 */
export async function serveFileLink(
  requestUrl: URL | string,
  opts: { storage: ObjectStorage; signingKey: Buffer; now?: Date; method?: "GET" | "HEAD" },
): Promise<Response> {
  const link = readDirectoryLink(requestUrl, opts.signingKey, opts.now);
  if (link.check === "bad_signature") return plain(403, "This download link is not valid.");
  if (link.check === "expired") return plain(410, "This download link has expired. Ask for a new one.");
  let body: Buffer;
  try {
    body = await opts.storage.get(link.key!);
  } catch (err) {
    if (err instanceof StorageError && err.code === "not_found") return plain(404, "This file no longer exists.");
    throw err;
  }
  const headers: Record<string, string> = {
    ...noStore,
    "Content-Type": contentTypeForKey(link.key!),
    "Content-Length": String(body.length),
  };
  if (link.downloadName !== undefined) headers["Content-Disposition"] = attachmentDisposition(link.downloadName);
  return new Response(opts.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
}
