import { describe, expect, it } from "vitest";
import { defaultPoolMax, RecognizerPool } from "@/lib/speech/recognizer-pool";

describe("recognizer pool", () => {
  it("lends interim previews only what is spare, and takes one back at once when an utterance needs it", async () => {
    const pool = new RecognizerPool({ max: 2, waitMs: 60_000 });
    const first = await pool.acquireFinal();
    let revoked = 0;
    const preview = pool.tryAcquireInterim(() => revoked++);
    expect(preview).not.toBeNull();
    expect(pool.stats()).toMatchObject({ inUse: 2, finalInUse: 1, interimInUse: 1 });
    // Full: no second preview, and the next utterance takes the preview's recognizer rather than waiting.
    expect(pool.tryAcquireInterim(() => {})).toBeNull();
    const second = await pool.acquireFinal();
    expect(revoked).toBe(1);
    expect(pool.stats()).toMatchObject({ inUse: 2, finalInUse: 2, interimInUse: 0, queued: 0, overCapacity: false });
    preview!.release(); // returning a revoked lease again changes nothing
    expect(pool.stats().inUse).toBe(2);
    first.release();
    second.release();
    second.release();
    expect(pool.stats()).toMatchObject({ inUse: 0, queued: 0 });
  });

  it("utterances wait in arrival order; none is refused", async () => {
    const pool = new RecognizerPool({ max: 1, waitMs: 60_000 });
    const held = await pool.acquireFinal();
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => pool.acquireFinal().then((lease) => (order.push(n), lease)));
    expect(pool.stats().queued).toBe(3);
    expect(pool.tryAcquireInterim(() => {})).toBeNull();
    held.release();
    for (const w of waits) (await w).release();
    expect(order).toEqual([1, 2, 3]);
    expect(pool.stats()).toMatchObject({ inUse: 0, queued: 0, overCapacity: false, overCapacityEvents: 0 });
  });

  it("sizes itself from cores and memory: eight per core, within half the memory at 100 MB each, at least two", () => {
    const gib = 1024 ** 3;
    expect(defaultPoolMax(2, 24 * gib)).toBe(16);
    expect(defaultPoolMax(16, 2 * gib)).toBe(10);
    expect(defaultPoolMax(1, 0.1 * gib)).toBe(2);
  });
});
