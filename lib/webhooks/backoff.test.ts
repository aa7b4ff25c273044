import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_RETRIES, retryDelayMs } from "@/lib/webhooks/backoff";

const HOUR = 60 * 60 * 1000;
const schedule = (rand: () => number) => {
  const delays: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const delay = retryDelayMs(attempt, rand);
    if (delay === null) return delays;
    delays.push(delay);
  }
};

describe("retryDelayMs", () => {
  it("retries the first time within 10 seconds, whatever the draw", () => {
    for (const r of [0, 0.5, 0.999999, 1]) {
      const first = retryDelayMs(1, () => r)!;
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(10_000);
    }
  });

  it("keeps retrying for at least 24 hours even with the smallest draws", () => {
    const shortest = schedule(() => 0);
    expect(shortest).toHaveLength(MAX_WEBHOOK_RETRIES);
    expect(shortest.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * HOUR);
    const longest = schedule(() => 0.999999);
    expect(longest.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(60 * HOUR);
  });

  it("grows exponentially and never waits more than 6 hours", () => {
    const mid = schedule(() => 0.5);
    for (let i = 1; i < mid.length; i++) expect(mid[i]).toBeGreaterThanOrEqual(mid[i - 1]);
    expect(mid[1] / mid[0]).toBe(4);
    for (const d of schedule(() => 0.999999)) expect(d).toBeLessThanOrEqual(6 * HOUR);
  });

  it("jitters within [base/2, base] for every attempt", () => {
    for (let attempt = 1; attempt <= MAX_WEBHOOK_RETRIES; attempt++) {
      const low = retryDelayMs(attempt, () => 0)!;
      const high = retryDelayMs(attempt, () => 1)!;
      expect(high).toBe(low * 2);
      for (let i = 0; i < 50; i++) {
        const d = retryDelayMs(attempt)!;
        expect(d).toBeGreaterThanOrEqual(low);
        expect(d).toBeLessThanOrEqual(high);
      }
    }
  });

  it("spreads equal attempts apart with different draws", () => {
    const draws = new Set(Array.from({ length: 20 }, () => retryDelayMs(5)));
    expect(draws.size).toBeGreaterThan(1);
  });

  it("gives up after the last retry", () => {
    expect(retryDelayMs(MAX_WEBHOOK_RETRIES)).not.toBeNull();
    expect(retryDelayMs(MAX_WEBHOOK_RETRIES + 1)).toBeNull();
    expect(retryDelayMs(1000)).toBeNull();
  });

  it("refuses a bad attempt number or random source", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => retryDelayMs(bad)).toThrow(RangeError);
    expect(() => retryDelayMs(1, () => Number.NaN)).toThrow(RangeError);
    expect(retryDelayMs(1, () => -5)).toBe(retryDelayMs(1, () => 0));
    expect(retryDelayMs(1, () => 7)).toBe(retryDelayMs(1, () => 1));
  });
});
