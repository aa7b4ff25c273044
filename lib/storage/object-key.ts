// Builds object keys that cannot escape their prefix, and splits a "bucket/prefix" setting into its parts.
import { StorageError } from "@/lib/storage/storage-error";

/** S3's limit on a key, in UTF-8 bytes; directory keys follow the same rule. */
export const maxKeyBytes = 1024;

// C0/C1 controls and the Unicode line and paragraph separators: invisible, and they break logs, headers and paths.
const forbiddenChars = /[\p{Cc}\u2028\u2029]/u;

/** Throws StorageError("invalid_key") unless `key` is a relative, slash-separated path without tricks. */
export function assertSafeKey(key: string, what = "object key"): void {
  const refuse = (reason: string) => {
    throw new StorageError("invalid_key", `The ${what} ${JSON.stringify(key.slice(0, 200))} is not allowed: ${reason}`);
  };
  if (key === "") refuse("it is empty");
  if (forbiddenChars.test(key)) refuse("it contains control characters");
  if (key.includes("\\")) refuse("it contains a backslash");
  if (key.startsWith("/")) refuse("it is an absolute path");
  if (/^[A-Za-z]:/.test(key)) refuse("it starts with a drive letter");
  if (Buffer.byteLength(key, "utf8") > maxKeyBytes) refuse(`it is longer than ${maxKeyBytes} bytes`);
  for (const segment of key.split("/")) {
    if (segment === "") refuse("it has an empty path segment");
    if (segment === "." || segment === "..") refuse(`it has a "${segment}" path segment`);
  }
}

/** `prefix/name`, or `name` when the prefix is empty; both parts are checked and the result must fit in a key. */
export function objectKey(prefix: string, name: string): string {
  if (prefix !== "") assertSafeKey(prefix, "prefix");
  assertSafeKey(name);
  const key = prefix === "" ? name : `${prefix}/${name}`;
  assertSafeKey(key);
  return key;
}

export type BucketAndPrefix = { bucket: string; prefix: string };

/**
 * Splits `my-bucket/transcripts` into bucket and prefix. Accepts an `s3://` scheme and a trailing slash, since
 * admins paste those from consoles. Throws StorageError("invalid_config") with the rule that was broken.
 */
export function parseBucket(value: string): BucketAndPrefix {
  const trimmed = value.trim().replace(/^s3:\/\//i, "").replace(/\/+$/, "");
  const slash = trimmed.indexOf("/");
  const bucket = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const prefix = slash < 0 ? "" : trimmed.slice(slash + 1);
  const problem = bucketNameProblem(bucket);
  if (problem) throw new StorageError("invalid_config", `The bucket name "${bucket.slice(0, 100)}" is not valid: ${problem}`);
  if (prefix !== "") {
    try {
      assertSafeKey(prefix, "prefix");
    } catch (err) {
      throw new StorageError("invalid_config", (err as StorageError).userMessage);
    }
  }
  return { bucket, prefix };
}

/** The S3 bucket naming rules (general purpose buckets), as a sentence, or undefined when the name is fine. */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket === "") return "it is empty";
  if (bucket.length < 3 || bucket.length > 63) return "it must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(bucket)) return "use only lowercase letters, digits, dots and hyphens";
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return "it must start and end with a letter or digit";
  if (bucket.includes("..")) return "it must not contain two dots in a row";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(bucket)) return "it must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(bucket)) return 'it must not start with "xn--", "sthree-" or "amzn-s3-demo-"';
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucket)) return "it must not end with a suffix reserved by S3";
  return undefined;
}
