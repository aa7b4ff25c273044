// Object storage in an S3 or S3-compatible bucket: the customer's bucket, or the operator's for hosted storage.
import http from "node:http";
import https from "node:https";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { guardedLookup, validateTargetUrl, type AddressPolicy, type Resolver } from "@/lib/net/address-policy";
import { attachmentDisposition } from "@/lib/storage/content-disposition";
import { assertLinkLifetime, type ObjectStorage, type StorageKind } from "@/lib/storage/object-storage";
import { objectKey, parseBucket } from "@/lib/storage/object-key";
import { storageErrorFromS3, StorageError, type S3ErrorContext } from "@/lib/storage/storage-error";
import type { S3ChecksumMode } from "@/lib/s3-checksum-modes";

/** What an admin enters (or the operator configures): `bucket` may carry a prefix after a slash. */
export type S3Config = {
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** For S3-compatible stores (MinIO, R2, Ceph...); path-style addressing is used with it. */
  endpoint?: string;
  /**
   * When the client sends and checks checksums. "whenRequired" (the default): only where an operation requires one;
   * many S3-compatible stores (and s3rver) reject the SDK's newer checksum headers and aws-chunked trailers, or store
   * the framed body as-is. "whenSupported": on every upload and download, which a bucket with Object Lock needs (it
   * refuses a PutObject without Content-MD5 or an x-amz-checksum-* header). A choice per destination, as documenso's.
   */
  checksumMode?: S3ChecksumMode;
};

export type S3StorageOptions = S3Config & {
  kind: StorageKind;
  /** The clock used to sign links; tests pass one in the past to get an expired link. */
  now?: () => Date;
  /** Network limits; the defaults make a dead endpoint fail within seconds rather than minutes. */
  network?: { connectTimeoutMs?: number; idleTimeoutMs?: number; maxAttempts?: number };
  /**
   * The outbound address policy for a customer's endpoint (lib/net/address-policy): the endpoint is checked here and
   * every connection again against the address it resolves to. Absent only for the operator's own hosted bucket.
   */
  addressPolicy?: AddressPolicy & { resolve?: Resolver };
};

/** Validates the settings and builds the storage; throws StorageError("invalid_config") for bad settings. */
export function createS3Storage(opts: S3StorageOptions): ObjectStorage {
  const { bucket, prefix } = parseBucket(opts.bucket);
  const region = opts.region.trim();
  const endpoint = opts.endpoint?.trim() ? normalizeEndpoint(opts.endpoint.trim()) : undefined;
  if (endpoint && opts.addressPolicy) {
    const check = validateTargetUrl(endpoint, { ...opts.addressPolicy, httpAllowed: true });
    if (!check.ok) throw new StorageError("invalid_config", endpointRefusal(endpoint, check.reason));
  }
  // Every connection resolves the host through the policy and connects to the address it checked.
  const lookup = opts.addressPolicy ? guardedLookup(opts.addressPolicy, opts.addressPolicy.resolve) : undefined;
  if (!/^[a-z0-9-]{2,32}$/.test(region)) {
    throw new StorageError("invalid_config", `The region "${region.slice(0, 40)}" is not valid: use a region code such as eu-west-1`);
  }
  const accessKeyId = opts.accessKeyId.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(accessKeyId)) {
    throw new StorageError("invalid_config", "The access key id is missing or has spaces or unusual characters");
  }
  if (opts.secretAccessKey === "" || /[\p{Cc}]/u.test(opts.secretAccessKey)) {
    throw new StorageError("invalid_config", "The secret access key is missing or has control characters");
  }

  const checksums = opts.checksumMode === "whenSupported" ? "WHEN_SUPPORTED" : "WHEN_REQUIRED";
  const client = new S3Client({
    region,
    endpoint,
    forcePathStyle: endpoint !== undefined,
    credentials: { accessKeyId, secretAccessKey: opts.secretAccessKey },
    // Since SDK 3.729 the client adds CRC32 checksums to every upload and validates them on download by default.
    // Many S3-compatible stores (and s3rver) reject the aws-chunked/trailer encoding this needs or store the
    // framed body as-is, corrupting the object, so by default checksums go only where an operation requires them;
    // a bucket with Object Lock requires them on every upload: its destination says "whenSupported".
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    // A redirect to the bucket's real region would hide a wrong region setting that admins should fix.
    followRegionRedirects: false,
    maxAttempts: opts.network?.maxAttempts ?? 2,
    requestHandler: {
      connectionTimeout: opts.network?.connectTimeoutMs ?? 3_000,
      socketTimeout: opts.network?.idleTimeoutMs ?? 10_000,
      requestTimeout: 60_000,
      throwOnRequestTimeout: true,
      ...(lookup ? { httpAgent: new http.Agent({ keepAlive: true, lookup }), httpsAgent: new https.Agent({ keepAlive: true, lookup }) } : {}),
    },
  });
  const now = opts.now ?? (() => new Date());
  const context = (key?: string): S3ErrorContext => ({ bucket, region, endpoint, key, accessKeyId });
  const fullKey = (key: string) => objectKey(prefix, key);

  return {
    kind: opts.kind,

    async put(key, body, contentType) {
      const Key = fullKey(key);
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body, ContentType: contentType }));
      } catch (err) {
        throw storageErrorFromS3(err, context(key));
      }
    },

    async get(key) {
      const Key = fullKey(key);
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
        if (!answer.Body) return Buffer.alloc(0);
        return Buffer.from(await answer.Body.transformToByteArray());
      } catch (err) {
        throw storageErrorFromS3(err, context(key));
      }
    },

    async delete(key) {
      const Key = fullKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      } catch (err) {
        const mapped = storageErrorFromS3(err, context(key));
        // S3 answers 204 for a missing key; some compatible stores answer 404, which is the same outcome.
        if (mapped.code === "not_found") return;
        throw mapped;
      }
    },

    async link(key, { expiresInSeconds, downloadName }) {
      const Key = fullKey(key);
      assertLinkLifetime(expiresInSeconds);
      const signingDate = now();
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key,
        ResponseContentDisposition: downloadName === undefined ? undefined : attachmentDisposition(downloadName),
      });
      try {
        const url = await getSignedUrl(client, command, { expiresIn: expiresInSeconds, signingDate });
        return { url, expires: new Date(signingDate.getTime() + expiresInSeconds * 1000) };
      } catch (err) {
        throw storageErrorFromS3(err, context(key));
      }
    },
  };
}

/** Why a customer's endpoint is refused, in words an admin can act on. */
export function endpointRefusal(endpoint: string, reason: string): string {
  return `The endpoint ${endpoint.slice(0, 200)} is not allowed: ${reason}. Use a bucket address reachable on the internet`;
}

function normalizeEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StorageError("invalid_config", `The endpoint "${value.slice(0, 200)}" is not a URL: use the form https://s3.example.com`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new StorageError("invalid_config", `The endpoint "${value.slice(0, 200)}" must start with https:// or http://`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new StorageError("invalid_config", "The endpoint must be a plain URL without credentials, query or fragment");
  }
  return url.toString().replace(/\/+$/, "");
}
