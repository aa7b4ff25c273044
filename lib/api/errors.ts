// Turns anything a route handler throws into the JSON answers of api.md; unexpected errors become a generic 500.
import { ZodError } from "zod";
import { AppError, RetryLaterError, type ErrorCode, type FieldIssue } from "@/lib/errors";
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

export function zodIssues(error: ZodError, prefix: (string | number)[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

export function errorBody(error: AppError): Record<string, unknown> {
  if (error.code === "validation") return { error: "Validation failed", details: error.details };
  const fixed = fixedMessages[error.code];
  if (fixed) return { error: fixed };
  return { error: error.message };
}

export function errorResponse(error: unknown, headers: HeadersInit = {}): Response {
  if (error instanceof ZodError) {
    return Response.json({ error: "Validation failed", details: zodIssues(error) }, { status: 400, headers });
  }
  if (error instanceof RetryLaterError) {
    const withRetry = new Headers(headers);
    withRetry.set("Retry-After", String(error.retryAfterSeconds));
    const body = error.reason ? { ...errorBody(error), code: error.reason } : errorBody(error);
    return Response.json(body, { status: status[error.code], headers: withRetry });
  }
  if (error instanceof AppError) {
    return Response.json(errorBody(error), { status: status[error.code], headers });
  }
  if (isDatabaseUnavailable(error)) {
    console.error("Database unavailable:", databaseErrorSummary(error));
    return errorResponse(new RetryLaterError("unavailable", "The database is unavailable; try again shortly.", DATABASE_RETRY_AFTER_SECONDS, "database_unavailable"), headers);
  }
  console.error("Unhandled error in API route:", error);
  return Response.json({ error: "Internal server error" }, { status: 500, headers });
}
