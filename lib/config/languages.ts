// The 36 transcription languages of product.md: the product's own list, below config so the environment can be checked against it.
export const transcriptionLanguages = [
  "bg", "ca", "zh", "zh-TW", "cs", "da", "nl", "en", "et", "fi", "nl-BE", "fr", "de", "el", "hi", "hu", "id", "it",
  "ja", "ko", "lv", "lt", "ms", "no", "pl", "pt", "pt-BR", "ro", "ru", "sk", "es", "sv", "th", "tr", "uk", "vi",
] as const;
export type TranscriptionLanguage = (typeof transcriptionLanguages)[number];
