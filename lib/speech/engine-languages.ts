// Which of the 36 languages the operator's speech engine can transcribe, and the refusal for the others.
import { appEnv } from "@/lib/config/env";
import { getSpeechEngine } from "@/lib/speech/registry";
import { invalid } from "@/lib/errors";
import { languageName, transcriptionLanguages } from "@/lib/speech/languages";

export type EngineLanguages = { engineId: string; engineName: string; languages: readonly string[] };

/** The configured engine (VERBATIM_SPEECH_ENGINE), its name for people, and the language codes it supports. */
export function configuredEngineLanguages(): EngineLanguages {
  const engine = getSpeechEngine(appEnv().VERBATIM_SPEECH_ENGINE);
  return { engineId: engine.id, engineName: engine.label, languages: engine.languages };
}

/** `English (en)`. */
export function languageLabel(code: string): string {
  return `${languageName(code)} (${code})`;
}

/** Why `language` cannot be chosen, naming the engine, or undefined when the engine supports it. */
export function unsupportedLanguageMessage(language: string, engine: EngineLanguages): string | undefined {
  if (!(transcriptionLanguages as readonly string[]).includes(language)) {
    return `"${language.slice(0, 20)}" is not one of the supported transcription languages`;
  }
  if (engine.languages.includes(language)) return undefined;
  const supported = engine.languages.map(languageLabel);
  return supported.length === 1
    ? `${engine.engineName} supports only ${supported[0]}, not ${languageLabel(language)}`
    : `${engine.engineName} does not support ${languageLabel(language)}; it supports ${supported.join(", ")}`;
}

/** Throws a validation error on `field` when the configured engine cannot transcribe `language`. */
export function assertLanguageSupported(language: string, field = "language", engine = configuredEngineLanguages()): void {
  const problem = unsupportedLanguageMessage(language, engine);
  if (problem) throw invalid(field, problem);
}
