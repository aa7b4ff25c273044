// The one error type that lib/ throws for expected failures; lib/api/errors.ts and the action wrapper turn it into answers.
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

export type FieldIssue = { path: string; message: string };

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
 * Retry-After, nothing taken meanwhile. `reason`, when given, is a stable code clients can branch on (`code` in the body).
 */
export class RetryLaterError extends AppError {
  constructor(
    code: "rate_limited" | "unavailable",
    message: string,
    readonly retryAfterSeconds: number,
    readonly reason?: string,
  ) {
    super(code, message);
  }
}

export const forbidden = (message = "Not allowed to perform action") => new AppError("forbidden", message);
export const notFound = (message = "The requested resource doesn't exist") => new AppError("not_found", message);
export const invalid = (path: string, message: string) =>
  new AppError("validation", message, [{ path, message }]);
export const conflict = (message: string) => new AppError("conflict", message);
