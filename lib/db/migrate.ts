// Applies the drizzle-kit migrations under drizzle/; run as its own step before the server starts, never on import.
import path from "node:path";
import type { DbHandle } from "./client";

export const migrationsFolder = path.join(process.cwd(), "drizzle");

// Any fixed number: several instances starting at once take turns on this advisory lock.
const MIGRATION_LOCK = 7_301_215;

export async function runMigrations(handle: DbHandle, folder = migrationsFolder) {
  if (handle.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder: folder });
    return;
  }
  // One dedicated connection, so that the session-level advisory lock covers the whole migration.
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(handle.url!, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client), { migrationsFolder: folder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
