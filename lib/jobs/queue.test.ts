// pg-boss on our handle, on both databases: schema creation, jobs sent in a transaction (or not, if it rolls back), wake-ups
// sent through the queue this process runs, work and retries.
import { afterEach, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { sendJobInTransaction, sendWakeUpInTransaction, startJobQueue, JOB_QUEUE_SCHEMA, type PgBoss } from "./queue";

async function until(what: string, probe: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describeEachDatabase("job queue (pg-boss)", (handle) => {
  const started: PgBoss[] = [];
  afterEach(async () => {
    for (const boss of started.splice(0)) await boss.stop({ graceful: true, close: false, wait: true, timeout: 2000 });
  });
  const start = async (queues: Parameters<typeof startJobQueue>[1]) => {
    const boss = await startJobQueue(handle(), queues);
    started.push(boss);
    return boss;
  };

  it("creates its schema once, and a second start (another instance) finds it", async () => {
    await start([{ name: "q-schema" }]);
    await start([{ name: "q-schema" }]);
    const rows = await handle().execute(`select version from ${JOB_QUEUE_SCHEMA}.version`);
    expect(rows).toHaveLength(1);
    expect((await handle().execute(`select name from ${JOB_QUEUE_SCHEMA}.queue where name = $1`, ["q-schema"])).length).toBe(1);
  });

  it("keeps a job sent in a committed transaction and drops one whose transaction rolled back", async () => {
    const boss = await start([{ name: "q-tx" }]);
    await handle().db.transaction(async (tx) => {
      await sendJobInTransaction(tx, "q-tx", { n: 1 });
    });
    await expect(
      handle().db.transaction(async (tx) => {
        await sendJobInTransaction(tx, "q-tx", { n: 2 });
        await tx.execute(sql`select 1`);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const jobs = await boss.fetch<{ n: number }>("q-tx", { batchSize: 10 });
    expect(jobs.map((j) => j.data)).toEqual([{ n: 1 }]);
  });

  it("runs jobs with work(), honours startAfter, and retries a failed job", async () => {
    const boss = await start([{ name: "q-work", retryLimit: 2, retryDelay: 1 }]);
    const seen: string[] = [];
    await boss.work<{ name: string }>("q-work", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
      seen.push(job.data.name);
      if (job.data.name === "flaky" && seen.filter((s) => s === "flaky").length < 2) throw new Error("first try fails");
    });
    await handle().db.transaction(async (tx) => {
      await sendJobInTransaction(tx, "q-work", { name: "later" }, { startAfter: new Date(Date.now() + 1500) });
      await sendJobInTransaction(tx, "q-work", { name: "flaky" });
    });
    await until("both jobs done", () => seen.includes("later") && seen.filter((s) => s === "flaky").length === 2);
    expect(seen.indexOf("flaky")).toBe(0); // the delayed job waited
    const [{ retry_count: retries }] = await handle().execute(`select retry_count from ${JOB_QUEUE_SCHEMA}.job where data->>'name' = 'flaky'`);
    expect(Number(retries)).toBe(1);
  });

  it("fails the transaction when the queue does not exist, rather than dropping the job", async () => {
    await start([{ name: "q-exists" }]);
    await expect(handle().db.transaction((tx) => sendJobInTransaction(tx, "q-missing", {}))).rejects.toThrow(/Job queue "q-missing" does not exist/);
  });

  it("sends a wake-up in the caller's transaction only when this process runs its queue, at its startAfter", async () => {
    const wake = (n: number, startAfter?: Date) => handle().db.transaction((tx) => sendWakeUpInTransaction(tx, "q-wake", { n }, { startAfter }));
    // No queue here (a script, a test without workers): nothing is sent, and the transaction does not fail.
    expect(await wake(0)).toBeUndefined();
    const boss = await start([{ name: "q-wake" }]);
    const due = new Date(Date.now() + 60_000);
    const id = await wake(1, due);
    expect(id).toEqual(expect.any(String));
    const [job] = await handle().execute(`select data, start_after from ${JOB_QUEUE_SCHEMA}.job where id = $1`, [id]);
    expect(job.data).toEqual({ n: 1 });
    expect(new Date(job.start_after as string).getTime()).toBe(due.getTime());
    expect(await boss.fetch("q-wake")).toEqual([]); // not due yet
    // Rolled back with the row it wakes up for.
    await expect(
      handle().db.transaction(async (tx) => {
        await sendWakeUpInTransaction(tx, "q-wake", { n: 2 });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await handle().execute(`select 1 from ${JOB_QUEUE_SCHEMA}.job where name = 'q-wake' and data->>'n' = '2'`)).toHaveLength(0);
    await boss.stop({ graceful: true, close: false, wait: true, timeout: 2000 });
    expect(await wake(3)).toBeUndefined();
  });
});
