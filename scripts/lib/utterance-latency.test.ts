import { describe, expect, it } from "vitest";
import { estimateOffset, matchInterims, matchUtterances, sentAtFor, type SentMark } from "./utterance-latency";

// Audio sent in 100 ms pieces, piece i leaving at wall time 5000 + i × 100.
const marks: SentMark[] = Array.from({ length: 200 }, (_, i) => ({ audioEndMs: (i + 1) * 100, sentAt: 5000 + i * 100 }));
const utterances = [
  { startMs: 1000, endMs: 3020 },
  { startMs: 4500, endMs: 6480 },
  { startMs: 8000, endMs: 9950 },
];

describe("end-of-utterance → final latency matching", () => {
  it("finds when a given moment of audio had been sent", () => {
    expect(sentAtFor(marks, 0)).toBe(5000);
    expect(sentAtFor(marks, 100)).toBe(5000);
    expect(sentAtFor(marks, 101)).toBe(5100);
    expect(sentAtFor(marks, 3020)).toBe(5000 + 30 * 100);
    expect(sentAtFor(marks, 20_001)).toBeUndefined();
    expect(sentAtFor([], 5)).toBeUndefined();
  });

  it("measures each utterance from its last sample sent to its final's arrival, on a shifted session clock", () => {
    const offset = 2500; // the track joined the transcription 2.5 s after it started
    const finals = [
      { startMs: 1020 + offset, endMs: 3000 + offset, at: 8100 + 400 },
      { startMs: 4530 + offset, endMs: 6500 + offset, at: 11_500 + 650 },
      { startMs: 7980 + offset, endMs: 9990 + offset, at: 15_000 + 300 },
    ];
    const m = matchUtterances(utterances, finals, marks);
    expect(m.missed).toBe(0);
    expect(Math.abs(m.offsetMs - offset)).toBeLessThanOrEqual(30);
    // sent: 3020 → piece 30 at 8000; 6480 → piece 64 at 11 400; 9950 → piece 99 at 14 900
    expect(m.latenciesMs).toEqual([500, 750, 400]);
  });

  it("counts an utterance no final covers as missed, and takes the first final by arrival when two overlap", () => {
    const finals = [
      { startMs: 1000, endMs: 3010, at: 8300 },
      { startMs: 1000, endMs: 3010, at: 8900 },
      // nothing for the second utterance
      { startMs: 8010, endMs: 9900, at: 15_100 },
    ];
    const m = matchUtterances(utterances, finals, marks);
    expect(m.missed).toBe(1);
    expect(m.latenciesMs).toEqual([300, 200]);
  });

  it("misses everything when no final came back", () => {
    expect(matchUtterances(utterances, [], marks)).toEqual({ latenciesMs: [], missed: 3, offsetMs: 0 });
  });

  it("estimates the offset by the median, so one stray early segment does not skew it", () => {
    const finals = [
      { startMs: 200, endMs: 400, at: 0 }, // noise recognized before the first utterance
      { startMs: 1000 + 700, endMs: 0, at: 0 },
      { startMs: 4500 + 700, endMs: 0, at: 0 },
      { startMs: 8000 + 700, endMs: 0, at: 0 },
    ];
    expect(estimateOffset(utterances, finals)).toBe(700);
    expect(estimateOffset([], finals)).toBe(0);
  });
});

describe("interim text matching", () => {
  const utterances = [
    { startMs: 1000, endMs: 3000 },
    { startMs: 5000, endMs: 7000 },
  ];
  // Audio sent in real time from clock 10 000: audio ms t was sent at 10 000 + t.
  const marks: SentMark[] = Array.from({ length: 90 }, (_, i) => ({ audioEndMs: (i + 1) * 100, sentAt: 10_000 + (i + 1) * 100 }));

  it("counts an utterance as covered when interim text overlapping it arrived before its final, timed from its first sample", () => {
    const finals = [
      { startMs: 1000, endMs: 3000, at: 13_400 },
      { startMs: 5000, endMs: 7000, at: 17_400 },
    ];
    const interims = [
      { startMs: 1000, endMs: 1900, at: 12_300 },
      { startMs: 1000, endMs: 2900, at: 13_200 },
      // The second utterance's interim came only after its final: not live.
      { startMs: 5000, endMs: 6000, at: 17_500 },
    ];
    expect(matchInterims(utterances, finals, interims, marks)).toEqual({ covered: 1, timed: 2, firstTextMs: [1300] });
  });

  it("has nothing timed when no final came back", () => {
    expect(matchInterims(utterances, [], [{ startMs: 1000, endMs: 2000, at: 12_000 }], marks)).toEqual({ covered: 0, timed: 0, firstTextMs: [] });
  });
});
