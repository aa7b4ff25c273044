// Adapters that let pg-boss run its SQL through our database handle (PostgreSQL or PGlite) or inside a drizzle transaction.
import { sql, type SQL } from "drizzle-orm";
import type { DbHandle } from "@/lib/db/client";

/** The `db` shape pg-boss 10 accepts instead of opening its own `pg` pool. */
export type PgBossDb = { executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

type Executor = { execute(query: SQL): Promise<unknown> };

// pg-boss is written for `pg`, which sends undefined as NULL and a plain object as its JSON text; postgres.js does
// neither on its own (it refuses undefined and cannot bind an object to a json parameter it has not typed).
const isPlainObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v);
const asPgParameters = (values: unknown[]) => values.map((v) => (v === undefined ? null : isPlainObject(v) ? JSON.stringify(v) : v));

/**
 * pg-boss on our handle. Statements without values may be scripts of several statements (its schema creation wraps
 * them in BEGIN … COMMIT), which only the simple query protocol takes.
 */
export function pgBossDb(handle: DbHandle): PgBossDb {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return { rows: await handle.execute(text, asPgParameters(values)) };
      return { rows: await handle.executeScript(text) };
    },
  };
}

/** `$1`-style SQL and values as a drizzle SQL object, so pg-boss statements can run inside a drizzle transaction. */
function toDrizzleSql(text: string, values: unknown[]): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = parts.map((part, i) => (i % 2 === 0 ? sql.raw(part) : sql`${values[Number(part) - 1]}`));
  return sql.join(chunks);
}

/**
 * pg-boss inside the caller's transaction: a job sent through it exists exactly when that transaction commits.
 * Only for parameterized single statements (send, insert), which is all a transaction needs.
 */
export function pgBossTransaction(tx: Executor): PgBossDb {
  return {
    async executeSql(text, values = []) {
      const result = await tx.execute(toDrizzleSql(text, asPgParameters(values)));
      // postgres.js answers with an array of rows, PGlite with { rows }.
      const rows = Array.isArray(result) ? result : ((result as { rows?: Record<string, unknown>[] }).rows ?? []);
      return { rows: [...rows] as Record<string, unknown>[] };
    },
  };
}
