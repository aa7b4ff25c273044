// A transcription's live sequence numbers (its finals' SSE ids) only go up: within a second, across an instance that
// takes over from the highest stored number, and past a previous owner whose clock ran ahead.
import { describe, expect, it } from "vitest";
import { LiveSeq } from "./runtime";

describe("live sequence numbers", () => {
  it("are at least the clock in microseconds and strictly increasing, even within one millisecond", () => {
    const seq = new LiveSeq();
    const a = seq.next(1_000);
    const b = seq.next(1_000);
    const c = seq.next(999); // a clock that stepped back
    expect(a).toBe(1_000_000);
    expect([b, c]).toEqual([1_000_001, 1_000_002]);
    expect(seq.next(2_000)).toBe(2_000_000);
  });

  it("number on above the highest stored one when it is ahead of this clock (a takeover)", () => {
    const seq = new LiveSeq(5_000_000_123);
    expect(seq.next(1_000)).toBe(5_000_000_124);
  });
});
