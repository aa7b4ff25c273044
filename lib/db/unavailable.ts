// Telling "the database is away" (a refused or dropped connection, a server shutting down) from a query's own error.

const CONNECTION_CODES = new Set([
  // postgres.js
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  // node:net
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
]);

/** The error and its causes, outermost first (drizzle wraps the driver's error in its own). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = error; e && out.length < 5; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

/** Whether `error` says the database could not be reached (retry later), rather than that a query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string") return false;
    // SQLSTATE class 08 (connection exception) and 57P01–57P03 (the server is shutting down or starting).
    return CONNECTION_CODES.has(code) || /^08...$/.test(code) || /^57P0[123]$/.test(code);
  });
}

/**
 * The innermost message of a database error, for logs: drizzle's own message repeats the query and its parameters,
 * which may hold transcript text.
 */
export function databaseErrorSummary(error: unknown): string {
  const last = chain(error).at(-1);
  const code = (last as { code?: unknown })?.code;
  const message = last instanceof Error ? last.message : String(last);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
