// Test databases: every integration suite runs once on embedded PGlite and once on the machine's PostgreSQL.
import { randomBytes } from "node:crypto";
import { describe, beforeAll, afterAll } from "vitest";
import { openDatabase, useDatabase, type DbHandle, type DbKind } from "./client";
import { runMigrations } from "./migrate";

export const TEST_POSTGRES_URL = process.env.VERBATIM_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh, migrated database of the given kind; for PostgreSQL a new database that `close()` drops. */
export async function createTestDatabase(kind: DbKind): Promise<DbHandle> {
  if (kind === "pglite") {
    const handle = await openDatabase({ pgliteMemory: true });
    await runMigrations(handle);
    return handle;
  }
  const { default: postgres } = await import("postgres");
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  const name = `verbatim_test_${randomBytes(6).toString("hex")}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(
      `Cannot create a test database on ${TEST_POSTGRES_URL} (${(error as Error).message}). ` +
        `Start PostgreSQL (pg_ctlcluster 15 main start) or set VERBATIM_TEST_DATABASE_URL.`,
    );
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  await runMigrations(handle);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Declares the suite once per database kind. Inside, `getDb()` from lib/db/client returns that database,
 * and the returned accessor gives the handle for raw checks.
 */
export function describeEachDatabase(name: string, suite: (handle: () => DbHandle) => void) {
  for (const kind of ["pglite", "postgres"] as const) {
    describe(`${name} [${kind}]`, () => {
      let handle: DbHandle;
      beforeAll(async () => {
        handle = await createTestDatabase(kind);
        useDatabase(handle);
      });
      afterAll(async () => {
        await handle?.close();
      });
      suite(() => handle);
    });
  }
}
