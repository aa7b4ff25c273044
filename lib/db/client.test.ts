// The database handle on both engines: raw statements with parameters, and multi-statement scripts (pg-boss's schema).
import { expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";

describeEachDatabase("database handle", (handle) => {
  it("runs a parameterized statement", async () => {
    expect(await handle().execute("select $1::int + $2::int as sum", [2, 3])).toEqual([{ sum: 5 }]);
  });

  it("runs a script of several statements in one transaction and answers with the last one's rows", async () => {
    const rows = await handle().executeScript(`
      BEGIN;
      CREATE TABLE script_probe (n int);
      INSERT INTO script_probe VALUES (1), (2);
      COMMIT;
      SELECT count(*)::int AS n FROM script_probe;
    `);
    expect(rows).toEqual([{ n: 2 }]);
  });

  it("rolls a failing script's transaction back", async () => {
    await expect(handle().executeScript("BEGIN; CREATE TABLE script_rollback (n int); SELECT 1/0; COMMIT;")).rejects.toThrow(/division by zero/);
    // A failed script leaves no transaction open on the connection it used.
    await handle().executeScript("ROLLBACK;");
    expect(await handle().execute("select to_regclass('script_rollback') is null as gone")).toEqual([{ gone: true }]);
  });
});
