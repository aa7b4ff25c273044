// A room's vocabulary: words and phrases (names, product terms) the engines that take hints are given; one schema for the API, the forms and the engines.
import { z } from "zod";
import { MAX_VOCABULARY_ENTRIES } from "@/lib/speech/types";

/** Longest entry: a name or a short phrase (Deepgram's key terms and the OpenAI prompt both want short ones). */
export const MAX_VOCABULARY_ENTRY_CHARS = 100;

const entry = z
  .string({ error: "Each vocabulary entry must be a string" })
  .refine((s) => !s.includes("\u0000"), "A vocabulary entry must not contain NUL bytes")
  .transform((s) => s.replace(/\s+/g, " ").trim())
  .refine((s) => s.length > 0, "A vocabulary entry must not be empty")
  .refine((s) => s.length <= MAX_VOCABULARY_ENTRY_CHARS, `Use at most ${MAX_VOCABULARY_ENTRY_CHARS} characters per vocabulary entry`)
  .refine((s) => !/\p{Cc}/u.test(s), "A vocabulary entry must not contain control characters");

/** Up to 100 words or phrases; whitespace is tidied and repeats (ignoring case) are dropped, keeping the first. */
export const vocabularySchema = z
  .array(entry, { error: "Give the vocabulary as a list of words or phrases" })
  .max(MAX_VOCABULARY_ENTRIES, `List at most ${MAX_VOCABULARY_ENTRIES} words or phrases`)
  .transform((entries) => {
    const seen = new Set<string>();
    return entries.filter((e) => {
      const k = e.toLocaleLowerCase();
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  });

export type Vocabulary = z.output<typeof vocabularySchema>;

/** A form's text box: one word or phrase per line (commas also separate); blank lines are ignored. */
export function vocabularyFromText(text: unknown): unknown {
  if (typeof text !== "string") return text;
  return text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** The text box's content for a vocabulary. */
export function vocabularyToText(vocabulary: readonly string[]): string {
  return vocabulary.join("\n");
}

/** The first error a form got for the vocabulary at `path` (the list or one entry), saying which entry when it is one. */
export function vocabularyFieldError(fieldErrors: Record<string, string>, path: string): string | undefined {
  for (const [key, message] of Object.entries(fieldErrors)) {
    if (key === path) return message;
    const index = key.startsWith(`${path}.`) ? Number(key.slice(path.length + 1)) : NaN;
    if (Number.isInteger(index)) return `Entry ${index + 1}: ${message}`;
  }
  return undefined;
}
