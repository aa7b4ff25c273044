// A failed query as it may be logged: the SQLSTATE code, the constraint and the statement's first words, never its bound parameters (password hashes, sealed secrets).
import { PgPreparedQuery } from "drizzle-orm/pg-core";

const STATEMENT_CHARS = 80;

/** What reaches logs and error pages instead of the driver's error, which carries the parameters and the values in its detail. */
export class DatabaseQueryError extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  constructor(statement: string, cause: unknown) {
    const inner = (cause ?? {}) as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    const code = typeof inner.code === "string" ? inner.code : undefined;
    const constraint = [inner.constraint, inner.constraint_name].find((c): c is string => typeof c === "string");
    const short = statement.replace(/\s+/g, " ").trim().slice(0, STATEMENT_CHARS);
    super(`Database query failed (${code ? `SQLSTATE ${code}` : "no SQLSTATE"}${constraint ? `, constraint ${constraint}` : ""}): ${short}${statement.length > STATEMENT_CHARS ? "…" : ""}`);
    this.name = "DatabaseQueryError";
    this.code = code;
    this.constraint = constraint;
  }
}

/** Runs a query and replaces its failure with a DatabaseQueryError. */
export async function withQueryError<T>(statement: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof DatabaseQueryError ? error : new DatabaseQueryError(statement, (error as { cause?: unknown }).cause ?? error);
  }
}

let installed = false;

/**
 * Drizzle wraps a failed query in an error whose message lists every bound parameter; every query of the app goes
 * through PgPreparedQuery.queryWithCache, so wrapping it there keeps parameters out of every log line.
 */
export function installQueryErrorSanitizer() {
  if (installed) return;
  installed = true;
  const proto = PgPreparedQuery.prototype as unknown as { queryWithCache: (q: string, p: unknown[], run: () => Promise<unknown>) => Promise<unknown> };
  const original = proto.queryWithCache;
  proto.queryWithCache = function (this: unknown, queryString, params, run) {
    return withQueryError(queryString, () => original.call(this, queryString, params, run));
  };
}
