// A failed query's error, as logs print it, names the SQLSTATE and the statement but none of the bound values, on both databases.
import { inspect } from "node:util";
import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { apiKeys, users } from "@/lib/db/schema";
import { DatabaseQueryError } from "./query-error";

const SECRET = "$argon2id$v=19$m=19456,t=2,p=1$SECRETSALT$SECRETHASHVALUE";

/** Everything console.error would print for the error, cause chain included. */
const printed = (error: unknown) => `${String(error)}\n${inspect(error, { depth: 10 })}`;

describeEachDatabase("database errors in logs", (handle) => {
  it("a failed drizzle query keeps its code but not its parameters", async () => {
    const db = handle().db;
    // The account id is not a uuid: the statement fails with the hash among its parameters.
    const error = await db
      .insert(users)
      .values({ accountId: "not-a-uuid", email: "leak@example.com", name: "Leak", passwordHash: SECRET, role: "admin" } as never)
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect((error as DatabaseQueryError).code).toBe("22P02");
    expect(printed(error)).toMatch(/^DatabaseQueryError: Database query failed \(SQLSTATE 22P02\): insert into "users"/);
    expect(printed(error)).not.toContain("SECRETHASHVALUE");
    expect(printed(error)).not.toContain("leak@example.com");
    expect(printed(error)).not.toContain("not-a-uuid");
    // A select's bound values too.
    const lookup = await db.select().from(apiKeys).where(eq(apiKeys.id, "key-hash-SECRETHASHVALUE")).then(() => null, (e: unknown) => e);
    expect(printed(lookup)).not.toContain("SECRETHASHVALUE");
  });

  it("raw statements (the job queue's) too", async () => {
    const error = await handle()
      .execute("select $1::uuid as id", [SECRET])
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseQueryError);
    expect(printed(error)).toContain("select $1::uuid as id");
    expect(printed(error)).not.toContain("SECRETHASHVALUE");
  });
});
