import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

describe("backoffMs", () => {
  const opts = { firstMs: 200, maxMs: 5_000 };
  it("doubles from the first wait up to the cap, drawn from the upper half", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs(n, opts, () => 1))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect([1, 2, 10].map((n) => backoffMs(n, opts, () => 0))).toEqual([100, 200, 2500]);
  });
  it("grows by another factor, and without jitter gives the wait itself", () => {
    expect([1, 2, 3].map((n) => backoffMs(n, { firstMs: 10, maxMs: 100, factor: 4 }, () => 1))).toEqual([10, 40, 100]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, { firstMs: 250, maxMs: 4000, jitter: "none" }, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
  });
});

describe("isDatabaseUnavailable", () => {
  it("tells a lost connection, also wrapped by drizzle, from a query's own error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("Failed query"), { cause: refused }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("plain"))).toBe(false);
  });
});
