// The sweep helper: runs on its schedule, never twice at once, logs a failure and goes on, and waits for the run in flight on stop.
import { afterEach, expect, it, vi } from "vitest";
import { startSweep, type Sweep } from "./sweep";

const started: Sweep[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  vi.restoreAllMocks();
});

it("never runs twice at once: a slow run makes the ticks that fall in it skip", async () => {
  let active = 0;
  let most = 0;
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sweep = startSweep(
    async () => {
      runs++;
      active++;
      most = Math.max(most, active);
      if (runs === 1) await gate;
      active--;
    },
    { name: "Slow sweep", everyMs: 10 },
  );
  started.push(sweep);
  await new Promise((r) => setTimeout(r, 200));
  expect(runs).toBe(1); // every tick during the first run was skipped
  release();
  await expect.poll(() => runs, { timeout: 10_000 }).toBeGreaterThan(2);
  expect(most).toBe(1);
});

it("logs a failed run with its name and runs again at the next tick", async () => {
  const log = vi.spyOn(console, "error").mockImplementation(() => {});
  let runs = 0;
  started.push(
    startSweep(
      async () => {
        runs++;
        if (runs === 1) throw new Error("bucket away");
      },
      { name: "Retention sweep", everyMs: 10 },
    ),
  );
  await expect.poll(() => runs, { timeout: 10_000 }).toBeGreaterThan(1);
  expect(log).toHaveBeenCalledWith("Retention sweep failed:", expect.objectContaining({ message: "bucket away" }));
});

it("stop() waits for the run in flight and starts no other", async () => {
  let finished = false;
  let runs = 0;
  const sweep = startSweep(
    async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
      finished = true;
    },
    { name: "Sweep", everyMs: 5 },
  );
  await expect.poll(() => runs, { timeout: 10_000 }).toBe(1);
  await sweep.stop();
  expect(finished).toBe(true);
  await new Promise((r) => setTimeout(r, 50));
  expect(runs).toBe(1);
  await sweep.runNow();
  expect(runs).toBe(1);
});

it("waits firstAfterMs before the first run, and refuses a schedule that is not a positive number", async () => {
  let runs = 0;
  const sweep = startSweep(async () => void runs++, { name: "Later", everyMs: 3_600_000, firstAfterMs: 3_600_000 });
  started.push(sweep);
  await new Promise((r) => setTimeout(r, 50));
  expect(runs).toBe(0);
  await sweep.runNow();
  expect(runs).toBe(1);
  expect(() => startSweep(async () => {}, { name: "Bad", everyMs: 0 })).toThrow(/sweep "Bad": everyMs must be a positive number/);
});
