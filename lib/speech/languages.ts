// Language names for the product's transcription languages (lib/config/languages.ts); engines declare which they support.
export { transcriptionLanguages, type TranscriptionLanguage } from "@/lib/config/languages";

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
