import { describe, expect, it } from "vitest";
import { HypothesisReader, hypothesisText, spokenWords, type Hypothesis } from "@/lib/speech/pocketsphinx/output";

const OUTPUT = [
  "good morning everyone",
  "<s> 0.080 0.370 0.998",
  "good 0.380 0.610 0.873",
  "morning 0.620 1.040 0.912",
  "<sil> 1.050 1.200 0.990",
  "everyone 1.210 1.730 0.700",
  "</s> 1.740 2.050 1.000",
  "", // the empty hypothesis of an utterance of noise
  "<s> 4.000 4.100 1.000",
  "[NOISE] 4.110 4.500 0.500",
  "</s> 4.510 4.800 1.000",
  "",
].join("\n"); // ends with a newline

describe("pocketsphinx_continuous output", () => {
  it("assembles hypotheses with word times from chunks split anywhere, including inside a line", () => {
    for (const cut of [1, 7, 30, 61, OUTPUT.length - 2]) {
      const got: Hypothesis[] = [];
      const reader = new HypothesisReader((h) => got.push(h));
      reader.push(OUTPUT.slice(0, cut));
      reader.push(OUTPUT.slice(cut));
      expect(got).toHaveLength(2);
      expect(hypothesisText(got[0])).toBe("good morning everyone");
      expect(spokenWords(got[0]).map((w) => [w.word, w.startSec, w.endSec])).toEqual([
        ["good", 0.38, 0.61],
        ["morning", 0.62, 1.04],
        ["everyone", 1.21, 1.73],
      ]);
      // An utterance of noise: no text and no spoken words, but its times (what it settles) are there.
      expect(hypothesisText(got[1])).toBe("");
      expect(spokenWords(got[1])).toEqual([]);
      expect(got[1].words.at(-1)).toEqual({ word: "</s>", startSec: 4.51, endSec: 4.8 });
    }
  });

  it("holds a hypothesis whose word list has not ended until flushed, and drops it on reset", () => {
    const got: Hypothesis[] = [];
    const reader = new HypothesisReader((h) => got.push(h));
    reader.push("we need three\n<s> 0.1 0.2 1.0\nwe 0.2 0.4 0.9\nneed 0.4 0.6 0.9");
    reader.completeLine();
    expect(got).toEqual([]);
    expect(reader.pending).toBe(true);
    reader.flush();
    expect(got.map(hypothesisText)).toEqual(["we need three"]);
    expect(got[0].words.map((w) => w.word)).toEqual(["<s>", "we", "need"]);

    reader.push("lost words\n<s> 0.1 0.2 1.0\n");
    reader.reset();
    reader.flush();
    expect(got).toHaveLength(1);
  });
});
