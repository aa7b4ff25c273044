// Turns anything a route handler throws into api.md's one error body ({ error, code, details?, data? }) with its
// status; unexpected errors become a generic 500. Every route caller (API key, participant token, dashboard) uses it.
import { ZodError } from "zod";
import { AppError, CodedError, RetryLaterError, type ApiErrorCode, type ErrorBody, type ErrorCode, type FieldIssue } from "@/lib/errors";
import { databaseErrorSummary, isDatabaseUnavailable } from "@/lib/db/unavailable";

/** How soon a client is told to try again while the database is away. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const status: Record<ErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  validation: 400,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

// api.md fixes these three messages word for word: clients match on them.
const fixedMessages: Partial<Record<ErrorCode, string>> = {
  unauthorized: "Access token is missing or invalid",
  forbidden: "Not allowed to perform action",
  not_found: "The requested resource doesn't exist",
};

/**
 * "fixed": 401, 403 and 404 answer with api.md's words (REST and dashboard routes); "specific": 401 and 403 keep the
 * thrown message, which says what to send instead (room routes, whose callers are browsers and media servers).
 */
export type ErrorMessages = "fixed" | "specific";

export function zodIssues(error: ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

/** The body's code: the precise reason when there is one, else the kind (`validation` answers as `validation_failed`). */
function codeOf(error: AppError): ApiErrorCode {
  if (error instanceof RetryLaterError && error.reason) return error.reason;
  return error.code === "validation" ? "validation_failed" : error.code;
}

export function errorBody(error: AppError, messages: ErrorMessages = "fixed"): ErrorBody {
  const code = codeOf(error);
  if (error.code === "validation") return { error: "Validation failed", code, details: error.details };
  const fixed = fixedMessages[error.code];
  const keepMessage = messages === "specific" && error.code !== "not_found" && error.message;
  if (fixed && !keepMessage) return { error: fixed, code };
  return { error: error.message, code };
}

export function errorResponse(error: unknown, headers: HeadersInit = {}, messages: ErrorMessages = "fixed"): Response {
  if (error instanceof ZodError) {
    const body: ErrorBody = { error: "Validation failed", code: "validation_failed", details: zodIssues(error) };
    return Response.json(body, { status: 400, headers });
  }
  if (error instanceof CodedError) {
    const body: ErrorBody = { error: error.message, code: error.code };
    const withRetry = new Headers(headers);
    if (error.answer.retryAfterSeconds !== undefined) withRetry.set("Retry-After", String(error.answer.retryAfterSeconds));
    return Response.json({ ...body, ...error.answer.fields }, { status: error.status, headers: withRetry });
  }
  if (error instanceof RetryLaterError) {
    const withRetry = new Headers(headers);
    withRetry.set("Retry-After", String(error.retryAfterSeconds));
    return Response.json(errorBody(error, messages), { status: status[error.code], headers: withRetry });
  }
  if (error instanceof AppError) {
    return Response.json(errorBody(error, messages), { status: status[error.code], headers });
  }
  if (isDatabaseUnavailable(error)) {
    console.error("Database unavailable:", databaseErrorSummary(error));
    return errorResponse(new RetryLaterError("unavailable", "The database is unavailable; try again shortly.", DATABASE_RETRY_AFTER_SECONDS, "database_unavailable"), headers);
  }
  console.error("Unhandled error in API route:", error);
  const body: ErrorBody = { error: "Internal server error", code: "internal_error" };
  return Response.json(body, { status: 500, headers });
}
