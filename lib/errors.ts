// The errors lib/ throws for expected failures, and the one list of `code`s an error body can carry; lib/api/errors.ts
// and the action wrapper turn them into answers.

/** What kind of failure an AppError is; each maps to one HTTP status (lib/api/errors.ts). */
export const errorCodes = [
  "unauthorized",
  "forbidden",
  "not_found",
  "validation",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "unavailable",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Bad audio from a client (lib/speech/pcm.ts). */
export const audioFormatErrorCodes = ["empty", "odd_length", "too_large", "not_wav", "truncated", "unsupported_format"] as const;
export type AudioFormatErrorCode = (typeof audioFormatErrorCodes)[number];

/** A client mistake or an overload on one participant track (lib/pipeline/track-ingest.ts). */
export const ingestErrorCodes = ["bad_sequence", "chunk_too_large", "too_far_ahead", "too_many_held", "overloaded", "ended", "wrong_mode", "odd_length"] as const;
export type IngestErrorCode = (typeof ingestErrorCodes)[number];

/** A signed download link that opens nothing: changed or forged, or past its time (lib/pipeline/room-downloads.ts). */
export const downloadLinkErrorCodes = ["link_invalid", "link_expired"] as const;
export type DownloadLinkErrorCode = (typeof downloadLinkErrorCodes)[number];

/** Why a refusal that passes with time (RetryLaterError) was made, when a client can act on it. */
export const retryLaterReasons = ["database_unavailable", "shutting_down", "over_capacity", "room_full", "owner_unreachable", "owner_changing"] as const;
export type RetryLaterReason = (typeof retryLaterReasons)[number];

/**
 * Every `code` an error body carries: the kind of failure (`validation` answers as `validation_failed`, as api.md
 * words it), `internal_error` for the unexpected, or the more precise reason above. Clients branch on it; the OpenAPI
 * document lists it as the Error schema's enum.
 */
export const apiErrorCodes = [
  ...new Set([
    "unauthorized",
    "forbidden",
    "not_found",
    "validation_failed",
    "conflict",
    "payload_too_large",
    "unsupported_media_type",
    "rate_limited",
    "unavailable",
    "internal_error",
    ...retryLaterReasons,
    ...audioFormatErrorCodes,
    ...ingestErrorCodes,
    ...downloadLinkErrorCodes,
    // A browser's chunk reached the session's new owner, which has its audio up to `resendFrom` (a body field).
    "resend_from",
  ] as const),
];
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export type FieldIssue = { path: string; message: string };

/** The one error body of every route (api.md): `details` for validation, `data` for a rate limit. */
export type ErrorBody = { error: string; code: ApiErrorCode; details?: FieldIssue[]; data?: { msLeft: number } };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "AppError";
  }
}

/**
 * A refusal that passes with time (a spent budget, a full room, the database away, a restart): answered with
 * Retry-After, nothing taken meanwhile. `reason`, when given, is the body's `code` instead of the kind.
 */
export class RetryLaterError extends AppError {
  constructor(
    code: "rate_limited" | "unavailable",
    message: string,
    readonly retryAfterSeconds: number,
    readonly reason?: RetryLaterReason,
  ) {
    super(code, message);
  }
}

/**
 * A refusal whose answer the thrower decides, because only it knows: bad audio, a track's overload, a dead link.
 * Answered with `status`, the message and the code as they are; `fields` join the body, `retryAfterSeconds` the headers.
 */
export class CodedError<C extends ApiErrorCode = ApiErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 410 | 413 | 503,
    readonly answer: { fields?: Record<string, unknown>; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

export const forbidden = (message = "Not allowed to perform action") => new AppError("forbidden", message);
export const notFound = (message = "The requested resource doesn't exist") => new AppError("not_found", message);
export const invalid = (path: string, message: string) =>
  new AppError("validation", message, [{ path, message }]);
export const conflict = (message: string) => new AppError("conflict", message);
