// Opens the database: PostgreSQL through the `postgres` driver when DATABASE_URL is set, else embedded PGlite under the data dir.
import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import * as schema from "./schema";
import { installQueryErrorSanitizer, withQueryError } from "./query-error";

installQueryErrorSanitizer();

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DbKind = "postgres" | "pglite";

export type DbHandle = {
  db: Db;
  kind: DbKind;
  /** The connection URL, for PostgreSQL. */
  url?: string;
  /** Runs raw SQL with $1-style parameters; for the few places (job queue, tests) that need it. */
  execute(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Runs a script of several statements without parameters (the simple query protocol, as psql does), on one
   * connection, so a BEGIN … COMMIT in it holds; returns the last statement's rows.
   */
  executeScript(text: string): Promise<Record<string, unknown>[]>;
  /** PostgreSQL's LISTEN/NOTIFY, for signals between instances; none on PGlite (one process, nothing to signal). */
  pubsub?: PubSub;
  close(): Promise<void>;
};

export type PubSub = {
  /** Listens on a channel; `onListen` runs each time the listening connection is (re)established. Resolves to the unlisten function. */
  listen(channel: string, onPayload: (payload: string) => void, onListen: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
};

export type DbTarget = { url: string } | { pgliteDir: string } | { pgliteMemory: true };

export async function openDatabase(target: DbTarget): Promise<DbHandle> {
  if ("url" in target) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(target.url, { max: 10, onnotice: () => {} });
    return {
      db: drizzle(client, { schema }) as unknown as Db,
      kind: "postgres",
      url: target.url,
      execute: (text, params = []) => withQueryError(text, async () => [...(await client.unsafe(text, params as never[]))]),
      executeScript: async (text) => {
        const reserved = await client.reserve();
        try {
          // One statement answers with its rows; several with one result (an array of rows) per statement.
          const result: unknown[] = await reserved.unsafe(text).simple();
          const last = result.length > 0 && Array.isArray(result[0]) ? (result.at(-1) as unknown[]) : result;
          return [...last] as Record<string, unknown>[];
        } finally {
          reserved.release();
        }
      },
      pubsub: {
        listen: async (channel, onPayload, onListen) => {
          const { unlisten } = await client.listen(channel, onPayload, onListen);
          return unlisten;
        },
        notify: async (channel, payload) => void (await client.notify(channel, payload)),
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  if ("pgliteDir" in target) {
    fs.mkdirSync(target.pgliteDir, { recursive: true, mode: 0o700 });
    const releaseLock = lockDirectory(target.pgliteDir);
    return pgliteHandle(await PGlite.create(target.pgliteDir), releaseLock);
  }
  return pgliteHandle(await PGlite.create());
}

/** A handle on an open PGlite client (tests wrap the client to inject faults). */
export async function pgliteHandle(client: PGlite, releaseLock = () => {}): Promise<DbHandle> {
  const { drizzle } = await import("drizzle-orm/pglite");
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: "pglite",
    execute: (text, params = []) => withQueryError(text, async () => (await client.query<Record<string, unknown>>(text, params)).rows),
    executeScript: async (text) => ((await client.exec(text)).at(-1)?.rows ?? []) as Record<string, unknown>[],
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is a single-process database: two processes opening one directory would corrupt it.
 * A pid file refuses the second opener with a message that says what to do.
 */
function lockDirectory(dir: string): () => void {
  const lockFile = path.join(dir, "verbatim.pid");
  try {
    const holder = Number(fs.readFileSync(lockFile, "utf8"));
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `The embedded database in ${dir} is open in another process (pid ${holder}), probably the running Verbatim server. ` +
          `Stop it first, or set DATABASE_URL to use PostgreSQL, which many processes can share.`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (fs.readFileSync(lockFile, "utf8") === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {}
  };
  process.once("exit", release);
  return release;
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function databaseTargetFromEnv(env: { DATABASE_URL?: string; dataDir: string }): DbTarget {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { pgliteDir: path.join(env.dataDir, "pglite") };
}

// Kept on globalThis: Next.js may load this module more than once in one server process.
const globalKey = Symbol.for("verbatim.db");
type Holder = { [globalKey]?: Promise<DbHandle> };

/** Makes `handle` the database of this process (scripts and tests). */
export function useDatabase(handle: DbHandle) {
  (globalThis as Holder)[globalKey] = Promise.resolve(handle);
}

/** The database of this process, opened from the environment on first use. */
export async function getDbHandle(): Promise<DbHandle> {
  const holder = globalThis as Holder;
  if (!holder[globalKey]) {
    holder[globalKey] = (async () => {
      const { appEnv } = await import("@/lib/config/env");
      return openDatabase(databaseTargetFromEnv(appEnv()));
    })();
    holder[globalKey].catch(() => delete holder[globalKey]);
  }
  return holder[globalKey];
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}
