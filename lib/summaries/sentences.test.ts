import { describe, expect, it } from "vitest";
import { contentTokens, splitSentences, splitSentencesWithOffsets, transcriptSentences, wordTokens } from "@/lib/summaries/sentences";

describe("splitSentences", () => {
  it("splits at sentence ends and keeps each sentence verbatim", () => {
    const text = "Good morning everyone.  Let's start!Is that ok? Yes… fine";
    const parts = splitSentencesWithOffsets(text);
    expect(parts.map((p) => p.text)).toEqual(["Good morning everyone.", "Let's start!Is that ok?", "Yes…", "fine"]);
    for (const p of parts) expect(text.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
  });

  it("does not split at abbreviations, initials, decimals or domains", () => {
    expect(
      splitSentences("Dr. Silva saw J. Smith at 3.5 p.m. today. Temperature was 38.2 degrees, e.g. a fever. See example.com now."),
    ).toEqual(["Dr. Silva saw J. Smith at 3.5 p.m. today.", "Temperature was 38.2 degrees, e.g. a fever.", "See example.com now."]);
  });

  it("ends a sentence after the pronoun I and closing quotes", () => {
    expect(splitSentences('He said "so do I." Then he left.')).toEqual(['He said "so do I."', "Then he left."]);
  });

  it("splits Chinese and Japanese full stops without spaces", () => {
    expect(splitSentences("我们开始吧。预算已经批准了！有问题吗？")).toEqual(["我们开始吧。", "预算已经批准了！", "有问题吗？"]);
  });

  it("cuts long unpunctuated runs (PocketSphinx output) into verbatim pieces", () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`);
    const text = words.join(" ");
    const parts = splitSentencesWithOffsets(text);
    expect(parts.length).toBe(4);
    for (const p of parts) {
      expect(p.text.split(" ").length).toBeLessThanOrEqual(30);
      expect(text.slice(p.offset, p.offset + p.text.length)).toBe(p.text);
    }
    expect(parts.map((p) => p.text).join(" ")).toBe(text);
  });

  it("returns nothing for blank text", () => {
    expect(splitSentences("   \n ")).toEqual([]);
    expect(splitSentences("")).toEqual([]);
  });
});

describe("transcriptSentences", () => {
  it("numbers sentences across segments and keeps the speaker", () => {
    const sentences = transcriptSentences([
      { participantId: "a", displayName: "Ana", startMs: 0, text: "One. Two." },
      { participantId: "b", displayName: "Ben", startMs: 900, text: "  Three " },
    ]);
    expect(sentences.map((s) => [s.index, s.segmentIndex, s.displayName, s.text, s.offset])).toEqual([
      [0, 0, "Ana", "One.", 0],
      [1, 0, "Ana", "Two.", 5],
      [2, 1, "Ben", "Three", 2],
    ]);
  });
});

describe("tokens", () => {
  it("lower-cases words, keeps apostrophes, drops possessive s", () => {
    expect(wordTokens("Ana's budget isn't OK, 40 euros!")).toEqual(["ana", "budget", "isn't", "ok", "40", "euros"]);
  });

  it("uses character bigrams for unspaced scripts", () => {
    expect(wordTokens("预算批准")).toEqual(["预算", "算批", "批准"]);
  });

  it("drops English stopwords only for English", () => {
    expect(contentTokens("We will cut the budget", "en")).toEqual(["cut", "budget"]);
    expect(contentTokens("Nous allons couper le budget", "fr")).toEqual(["nous", "allons", "couper", "le", "budget"]);
  });
});
