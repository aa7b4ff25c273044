// The reading view's grouping and talk-time figures.
import { describe, expect, it } from "vitest";
import { groupConsecutive, talkTime } from "./reading";

const seg = (participantId: string, startMs: number, endMs: number, text = "x", displayName = participantId.toUpperCase()) => ({ participantId, displayName, startMs, endMs, text });

describe("groupConsecutive", () => {
  it("groups runs of one speaker and starts a new block when the speaker changes, even back to an earlier one", () => {
    const blocks = groupConsecutive([seg("a", 0, 1000), seg("a", 1000, 2000), seg("b", 2000, 3000), seg("a", 3000, 4000)]);
    expect(blocks.map((b) => [b.participantId, b.startMs, b.lines.length])).toEqual([
      ["a", 0, 2],
      ["b", 2000, 1],
      ["a", 3000, 1],
    ]);
    expect(groupConsecutive([])).toEqual([]);
  });
});

describe("talkTime", () => {
  it("sums speaking time per speaker, not lines, and gives shares of the whole", () => {
    // a says three short lines (3 s), b one long one (9 s): b spoke most.
    const result = talkTime([seg("a", 0, 1000), seg("a", 1000, 2000), seg("a", 2000, 3000), seg("b", 3000, 12_000)]);
    expect(result.map((r) => [r.participantId, r.ms])).toEqual([
      ["b", 9000],
      ["a", 3000],
    ]);
    expect(result[0].share).toBeCloseTo(0.75);
    expect(result[1].share).toBeCloseTo(0.25);
  });

  it("shows a speaker's latest name and gives no share when nothing has a duration", () => {
    const result = talkTime([seg("a", 0, 0, "x", "Ann"), seg("a", 5, 5, "y", "Ann B.")]);
    expect(result).toEqual([{ participantId: "a", displayName: "Ann B.", ms: 0, share: 0 }]);
  });
});
