// The one error type of the storage layer, with codes the settings page and the pipeline act on, and the mapping from S3 SDK and network errors.

export const storageErrorCodes = [
  "no_such_bucket",
  "access_denied",
  "wrong_region",
  "unreachable",
  "not_found",
  "invalid_key",
  "invalid_config",
  "unknown",
] as const;
export type StorageErrorCode = (typeof storageErrorCodes)[number];

export class StorageError extends Error {
  /** A sentence an admin can act on; never contains a secret. Also the error's message. */
  readonly userMessage: string;
  constructor(
    readonly code: StorageErrorCode,
    userMessage: string,
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = "StorageError";
    this.userMessage = userMessage;
  }
}

/** What the failing request was about, so messages can name the bucket, region and address. */
export type S3ErrorContext = { bucket: string; region: string; endpoint?: string; key?: string; accessKeyId?: string };

type SdkLikeError = {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  Region?: string;
  Endpoint?: string;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
};

const networkReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "the connection was reset",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "the connection was closed",
  ECONNABORTED: "the connection was aborted",
};

/** The address the SDK talks to: the custom endpoint, or the regional AWS endpoint. */
export function s3Target(ctx: Pick<S3ErrorContext, "endpoint" | "region">): string {
  return ctx.endpoint ?? `https://s3.${ctx.region}.amazonaws.com`;
}

/** Turns anything the S3 client threw into a StorageError with a message that says what to fix. */
export function storageErrorFromS3(err: unknown, ctx: S3ErrorContext): StorageError {
  if (err instanceof StorageError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SdkLikeError;
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  const where = ctx.endpoint ? ` at ${ctx.endpoint}` : ` in region ${ctx.region}`;
  const make = (code: StorageErrorCode, message: string) => new StorageError(code, message, { cause: err });

  if (e.code === "ERR_ADDRESS_REFUSED") {
    const reason = (err as { reason?: string }).reason ?? "a private address";
    return make("unreachable", `Could not reach ${s3Target(ctx)}: it resolves to ${reason}, which is not allowed`);
  }
  const network = networkCode(e);
  if (network) {
    return make("unreachable", `Could not reach ${s3Target(ctx)}: ${networkReasons[network] ?? network.toLowerCase()}`);
  }
  if (name === "TimeoutError" || (status === undefined && /timed? ?out/i.test(e.message ?? ""))) {
    return make("unreachable", `Could not reach ${s3Target(ctx)}: timed out`);
  }
  if (/^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(e.code ?? "")) {
    return make("unreachable", `Could not reach ${s3Target(ctx)}: its TLS certificate was refused (${e.code})`);
  }

  switch (name) {
    case "NoSuchBucket":
      return make("no_such_bucket", `The bucket "${ctx.bucket}" does not exist${where}`);
    case "NoSuchKey":
    case "NotFound":
      return make("not_found", `The object "${ctx.key ?? ""}" does not exist in bucket "${ctx.bucket}"`);
    case "InvalidAccessKeyId":
      return make(
        "access_denied",
        `Access denied: the access key id${ctx.accessKeyId ? ` "${ctx.accessKeyId}"` : ""} is not known${where}; check the access key id`,
      );
    case "SignatureDoesNotMatch":
      return make("access_denied", "Access denied: the secret access key does not match the access key id; check the secret");
    case "AccessDenied":
    case "AllAccessDisabled":
    case "InvalidToken":
    case "ExpiredToken":
    case "AccountProblem":
      return make(
        "access_denied",
        `Access denied: check the access key id and secret, and that this key may write, read and delete objects in bucket "${ctx.bucket}"`,
      );
    case "PermanentRedirect":
    case "AuthorizationHeaderMalformed":
    case "IllegalLocationConstraintException":
    case "InvalidRegion":
      return wrongRegion(e, ctx, make);
    case "InvalidBucketName":
      return make("invalid_config", `The bucket name "${ctx.bucket}" is not valid`);
  }
  if (status === 301 || status === 307) return wrongRegion(e, ctx, make);
  if (status === 403) {
    return make("access_denied", `Access denied: check the access key id and secret, and that this key may use bucket "${ctx.bucket}"`);
  }
  if (status === 404 && ctx.key === undefined) return make("no_such_bucket", `The bucket "${ctx.bucket}" does not exist${where}`);
  // Never the answer's own words: an endpoint may be any HTTP service, and its body is not for this page. Only an
  // S3 error code from the known list, and the status.
  const detail = [knownS3Codes.has(name) ? name : undefined, status ? `HTTP ${status}` : undefined].filter(Boolean).join(", ");
  return make("unknown", `The storage service${ctx.endpoint ? ` at ${ctx.endpoint}` : ""} failed: ${detail || "an unexpected answer"}`);
}

/** S3 error codes that may be named in a message (AWS's documented list, the ones without a case above). */
const knownS3Codes = new Set([
  "InternalError",
  "ServiceUnavailable",
  "SlowDown",
  "NotImplemented",
  "InvalidArgument",
  "InvalidRequest",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "MethodNotAllowed",
  "EntityTooLarge",
  "BadDigest",
  "InvalidDigest",
  "MissingContentLength",
  "XAmzContentSHA256Mismatch",
  "InvalidObjectState",
  "OperationAborted",
  "QuotaExceeded",
  "KeyTooLongError",
  "PreconditionFailed",
]);

function wrongRegion(e: SdkLikeError, ctx: S3ErrorContext, make: (c: StorageErrorCode, m: string) => StorageError) {
  // S3 says where the bucket really is in a header (HEAD/GET) or in the error body (<Region>); pass it on when known.
  const actual = e.$response?.headers?.["x-amz-bucket-region"] ?? e.Region;
  return make(
    "wrong_region",
    actual && actual !== ctx.region
      ? `The bucket "${ctx.bucket}" is in region ${actual}, not ${ctx.region}: change the region to ${actual}`
      : `The bucket "${ctx.bucket}" is not in region ${ctx.region}: check the region`,
  );
}

function networkCode(e: SdkLikeError): string | undefined {
  if (e.code && e.code in networkReasons) return e.code;
  // Happy-eyeballs connects (several addresses per host) fail with an AggregateError of per-address errors.
  for (const inner of e.errors ?? []) {
    const code = (inner as { code?: string }).code;
    if (code && code in networkReasons) return code;
  }
  return undefined;
}
