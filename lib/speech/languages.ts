// The 36 transcription languages of product.md; engines declare which of them they support.
export const transcriptionLanguages = [
  "bg", "ca", "zh", "zh-TW", "cs", "da", "nl", "en", "et", "fi", "nl-BE", "fr", "de", "el", "hi", "hu", "id", "it",
  "ja", "ko", "lv", "lt", "ms", "no", "pl", "pt", "pt-BR", "ro", "ru", "sk", "es", "sv", "th", "tr", "uk", "vi",
] as const;
export type TranscriptionLanguage = (typeof transcriptionLanguages)[number];

/** The language's English name, such as "Portuguese (Brazil)"; the code itself if the runtime has no name for it. */
export function languageName(code: string, locale = "en"): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** `English (en)`. */
export function languageLabel(code: string): string {
  return `${languageName(code)} (${code})`;
}
