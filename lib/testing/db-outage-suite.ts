// describeEachDatabaseWithOutage: suites on both databases whose app database the test takes away (apart from db-outage.ts, which Playwright and the benchmark load without vitest).
import { afterAll, beforeAll, describe } from "vitest";
import { useDatabase, type DbHandle } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/testing";
import { cuttablePglite, cuttablePostgres, type Outage } from "./db-outage";

/**
 * Like describeEachDatabase, but the app's database can be taken away: on PostgreSQL through a TCP proxy the test cuts
 * (open connections killed, new ones refused), on PGlite by a client that fails every query while cut. `handle()` is
 * the app's handle; read results after `restore()`.
 */
export function describeEachDatabaseWithOutage(name: string, suite: (ctx: () => { handle: DbHandle } & Outage) => void) {
  for (const kind of ["pglite", "postgres"] as const) {
    describe(`${name} [${kind}]`, () => {
      let ctx: { handle: DbHandle; close?: () => Promise<void> } & Outage;
      beforeAll(async () => {
        if (kind === "pglite") {
          ctx = await cuttablePglite();
        } else {
          const base = await createTestDatabase("postgres");
          const proxied = await cuttablePostgres(base.url!);
          ctx = { ...proxied, close: async () => (await proxied.close(), await base.close()) };
        }
        useDatabase(ctx.handle);
      });
      afterAll(async () => {
        ctx?.restore();
        await (ctx?.close ? ctx.close() : ctx?.handle.close());
      });
      suite(() => ctx);
    });
  }
}
