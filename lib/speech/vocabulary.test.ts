// A room's vocabulary: what is accepted, how it is tidied, and the errors a form and the API show.
import { describe, expect, it } from "vitest";
import { vocabularyFieldError, vocabularyFromText, vocabularySchema, vocabularyToText } from "@/lib/speech/vocabulary";

const problems = (input: unknown) => {
  const result = vocabularySchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("vocabulary", () => {
  it("keeps names and phrases in order, tidies whitespace, drops repeats ignoring case", () => {
    expect(vocabularySchema.parse(["  Ana   Lima ", "Kubernetes", "kubernetes", "Zoë\tvan Dijk", "Verbatim"])).toEqual(["Ana Lima", "Kubernetes", "Zoë van Dijk", "Verbatim"]);
    expect(vocabularySchema.parse([])).toEqual([]);
  });

  it("takes up to 100 entries of up to 100 characters; refuses more, naming the entry", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `term ${i}`);
    expect(vocabularySchema.parse(hundred)).toHaveLength(100);
    expect(problems([...hundred, "one more"])).toEqual([": List at most 100 words or phrases"]);
    expect(vocabularySchema.parse(["x".repeat(100)])).toEqual(["x".repeat(100)]);
    expect(problems(["ok", "x".repeat(101)])).toEqual(["1: Use at most 100 characters per vocabulary entry"]);
  });

  it("refuses NUL bytes, control characters, empty entries and things that are not lists of strings", () => {
    expect(problems(["Ana", "Ben\u0000"])).toEqual(["1: A vocabulary entry must not contain NUL bytes"]);
    expect(problems(["bell\u0007"])).toEqual(["0: A vocabulary entry must not contain control characters"]);
    expect(problems(["   "])).toEqual(["0: A vocabulary entry must not be empty"]);
    expect(problems([42])).toEqual(["0: Each vocabulary entry must be a string"]);
    expect(problems("Ana, Ben")).toEqual([": Give the vocabulary as a list of words or phrases"]);
  });

  it("reads a form's text box one entry per line (or comma) and writes it back the same way", () => {
    expect(vocabularyFromText("Ana Lima\n\n  Kubernetes , Verbatim\r\n")).toEqual(["Ana Lima", "Kubernetes", "Verbatim"]);
    expect(vocabularyFromText("")).toEqual([]);
    expect(vocabularyToText(["Ana Lima", "Kubernetes"])).toBe("Ana Lima\nKubernetes");
  });

  it("tells a form which entry is wrong", () => {
    expect(vocabularyFieldError({ "liveTranscription.vocabulary.2": "A vocabulary entry must not contain NUL bytes" }, "liveTranscription.vocabulary")).toBe(
      "Entry 3: A vocabulary entry must not contain NUL bytes",
    );
    expect(vocabularyFieldError({ vocabulary: "List at most 100 words or phrases" }, "vocabulary")).toBe("List at most 100 words or phrases");
    expect(vocabularyFieldError({ language: "Choose a language" }, "vocabulary")).toBeUndefined();
  });
});
