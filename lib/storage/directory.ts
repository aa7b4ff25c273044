// Hosted storage in a local directory, with HMAC-signed, expiring download links served by the app's /api/files route.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { assertLinkLifetime, type ObjectStorage } from "@/lib/storage/object-storage";
import { assertSafeKey } from "@/lib/storage/object-key";
import { StorageError } from "@/lib/storage/storage-error";

/** The app route that serves directory links: `app/api/files/[...key]/route.ts`. */
export const directoryLinkPath = "/api/files/";

export type DirectoryStorageOptions = {
  root: string;
  /** The app's external base URL, e.g. https://verbatim.example.com (no trailing slash needed). */
  publicBaseUrl: string;
  /** At least 32 bytes; the same key must be given to verifyDirectoryLink. */
  signingKey: Buffer;
  /** The clock used for link expiry; tests pass a fixed one. */
  now?: () => Date;
};

export function createDirectoryStorage(opts: DirectoryStorageOptions): ObjectStorage {
  if (opts.signingKey.length < 32) throw new Error("The directory storage signing key must be at least 32 bytes");
  const root = path.resolve(opts.root);
  const baseUrl = opts.publicBaseUrl.replace(/\/+$/, "");
  const now = opts.now ?? (() => new Date());

  const fileFor = (key: string) => {
    assertSafeKey(key);
    const file = path.resolve(root, ...key.split("/"));
    // assertSafeKey already rules out escapes; this second check guards against any platform path quirk.
    if (!file.startsWith(root + path.sep)) {
      throw new StorageError("invalid_key", `The object key ${JSON.stringify(key)} is not allowed: it leaves the storage directory`);
    }
    return file;
  };

  return {
    kind: "hosted",

    async put(key, body, _contentType) {
      const file = fileFor(key);
      const dir = path.dirname(file);
      const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
      try {
        await fs.mkdir(dir, { recursive: true, mode: 0o700 });
        // Write a temporary file and rename it over the key, so a reader never sees half an object.
        const handle = await fs.open(tmp, "wx", 0o600);
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(tmp, file);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        throw fsError(err, key, root, "write");
      }
    },

    async get(key) {
      const file = fileFor(key);
      try {
        return await fs.readFile(file);
      } catch (err) {
        throw fsError(err, key, root, "read");
      }
    },

    async delete(key) {
      const file = fileFor(key);
      try {
        await fs.unlink(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // Missing, or only a "folder" of other keys: like S3, there is no object to delete.
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return;
        // macOS answers EPERM rather than EISDIR for unlink() on a directory.
        if (code === "EPERM" && (await isDirectory(file))) return;
        throw fsError(err, key, root, "delete");
      }
    },

    async link(key, { expiresInSeconds, downloadName }) {
      assertSafeKey(key);
      assertLinkLifetime(expiresInSeconds);
      const expires = new Date(now().getTime() + expiresInSeconds * 1000);
      const sig = signLink(opts.signingKey, key, expires.getTime(), downloadName);
      const query = new URLSearchParams({ expires: String(expires.getTime()) });
      if (downloadName !== undefined) query.set("name", downloadName);
      query.set("sig", sig);
      const encodedKey = key.split("/").map(encodeURIComponent).join("/");
      return { url: `${baseUrl}${directoryLinkPath}${encodedKey}?${query}`, expires };
    },
  };
}

export type DirectoryLinkCheck = "ok" | "expired" | "bad_signature";

/**
 * Checks a directory link's signature (in constant time) and then its expiry. `expires` is the query value
 * (epoch ms); `downloadName` the `name` query value when present, since it is signed too.
 */
export function verifyDirectoryLink(args: {
  key: string;
  expires: string | number;
  sig: string;
  signingKey: Buffer;
  downloadName?: string;
  now?: Date;
}): DirectoryLinkCheck {
  const expires = typeof args.expires === "number" ? args.expires : /^\d{1,16}$/.test(args.expires) ? Number(args.expires) : NaN;
  if (!Number.isSafeInteger(expires) || !/^[0-9a-f]{64}$/.test(args.sig)) return "bad_signature";
  const expected = Buffer.from(signLink(args.signingKey, args.key, expires, args.downloadName), "hex");
  if (!timingSafeEqual(expected, Buffer.from(args.sig, "hex"))) return "bad_signature";
  return (args.now ?? new Date()).getTime() >= expires ? "expired" : "ok";
}

/**
 * Reads a directory link as the app route receives it and verifies it; `key` is the decoded object key.
 * Any URL that is not a well-formed link answers bad_signature, so the route has one refusal path.
 */
export function readDirectoryLink(
  url: URL | string,
  signingKey: Buffer,
  now?: Date,
): { check: DirectoryLinkCheck; key?: string; downloadName?: string } {
  const parsed = typeof url === "string" ? new URL(url) : url;
  const at = parsed.pathname.indexOf(directoryLinkPath);
  const expires = parsed.searchParams.get("expires");
  const sig = parsed.searchParams.get("sig");
  if (at < 0 || expires === null || sig === null) return { check: "bad_signature" };
  let key: string;
  try {
    key = parsed.pathname
      .slice(at + directoryLinkPath.length)
      .split("/")
      .map(decodeURIComponent)
      .join("/");
    assertSafeKey(key);
  } catch {
    return { check: "bad_signature" };
  }
  const downloadName = parsed.searchParams.get("name") ?? undefined;
  const check = verifyDirectoryLink({ key, expires, sig, signingKey, downloadName, now });
  return check === "bad_signature" ? { check } : { check, key, downloadName };
}

/** The directory backend keeps no metadata, so the route serving a link derives the type from the extension. */
export function contentTypeForKey(key: string): string {
  const ext = path.extname(key).toLowerCase();
  const types: Record<string, string> = {
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
  };
  return types[ext] ?? "application/octet-stream";
}

function signLink(signingKey: Buffer, key: string, expires: number, downloadName: string | undefined): string {
  // Newline-separated fields cannot be confused with one another: keys and names never contain control characters.
  const name = downloadName === undefined ? "" : `name:${downloadName}`;
  return createHmac("sha256", signingKey).update(`verbatim-file-link\n${key}\n${expires}\n${name}`).digest("hex");
}

async function isDirectory(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isDirectory(), () => false);
}

function fsError(err: unknown, key: string, root: string, action: "read" | "write" | "delete"): StorageError {
  if (err instanceof StorageError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (action === "read" && (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR")) {
    return new StorageError("not_found", `The object "${key}" does not exist`, { cause: err });
  }
  if (action === "write" && (code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST")) {
    return new StorageError("invalid_key", `The object key "${key}" clashes with an existing object or folder`, { cause: err });
  }
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new StorageError("access_denied", `The server may not ${action} files in ${root} (${code})`, { cause: err });
  }
  return new StorageError("unknown", `Could not ${action} "${key}" in ${root}: ${(err as Error).message}`, { cause: err });
}
