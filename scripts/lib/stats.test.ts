import { describe, expect, it } from "vitest";
import { percentile, roundOrNull } from "./stats";

describe("percentile (nearest rank)", () => {
  it("picks the smallest value with at least p% at or below it", () => {
    const v = [15, 20, 35, 40, 50];
    expect(percentile(v, 5)).toBe(15);
    expect(percentile(v, 30)).toBe(20);
    expect(percentile(v, 40)).toBe(20);
    expect(percentile(v, 50)).toBe(35);
    expect(percentile(v, 95)).toBe(50);
    expect(percentile(v, 100)).toBe(50);
  });

  it("does not depend on input order and leaves the input alone", () => {
    const v = [9, 1, 5, 3, 7];
    expect(percentile(v, 50)).toBe(5);
    expect(v).toEqual([9, 1, 5, 3, 7]);
  });

  it("p95 of 1..100 is 95, and of 20 values is the 19th", () => {
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
    expect(percentile(Array.from({ length: 20 }, (_, i) => (i + 1) * 10), 95)).toBe(190);
  });

  it("ignores NaN and infinities, and answers NaN for no values", () => {
    expect(percentile([NaN, 4, Infinity, 2], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });

  it("refuses a percentile outside (0, 100]", () => {
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], NaN)).toThrow(RangeError);
  });

  it("rounds for printing and turns NaN into null for JSON", () => {
    expect(roundOrNull(12.345, 1)).toBe(12.3);
    expect(roundOrNull(12.5)).toBe(13);
    expect(roundOrNull(NaN)).toBeNull();
  });
});
