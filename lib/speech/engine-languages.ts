// Which of the 36 languages the operator's speech engines can transcribe, which engine takes each, and the refusal for the others.
import { invalid } from "@/lib/errors";
import { configuredSpeechEngineIds, configuredSpeechEngines } from "@/lib/speech/registry";
import { languageLabel, transcriptionLanguages } from "@/lib/speech/languages";

export type EngineLanguages = { engineId: string; engineName: string; languages: readonly string[] };

/** The configured engines this build has, in the operator's order, with the language codes each supports. */
export function configuredEngineLanguages(): EngineLanguages[] {
  return configuredSpeechEngines().map((e) => ({ engineId: e.id, engineName: e.label, languages: e.languages }));
}

/** Every language at least one configured engine supports, in product.md's order. */
export function supportedLanguages(engines: readonly EngineLanguages[] = configuredEngineLanguages()): string[] {
  return transcriptionLanguages.filter((code) => engines.some((e) => e.languages.includes(code)));
}

/** The configured engine that will transcribe `language` when it can run (the first that supports it), if any. */
export function engineForLanguage(language: string, engines: readonly EngineLanguages[] = configuredEngineLanguages()): EngineLanguages | undefined {
  return engines.find((e) => e.languages.includes(language));
}

function describeEngine(engine: EngineLanguages): string {
  const supported = engine.languages.map(languageLabel);
  if (supported.length === 0) return `${engine.engineName} supports no language`;
  if (supported.length === 1) return `${engine.engineName} supports only ${supported[0]}`;
  if (supported.length > 6) return `${engine.engineName} supports ${supported.length} other languages`;
  return `${engine.engineName} supports ${supported.join(", ")}`;
}

/** Why `language` cannot be chosen, naming the configured engines, or undefined when one of them supports it. */
export function unsupportedLanguageMessage(language: string, engines: readonly EngineLanguages[] = configuredEngineLanguages()): string | undefined {
  if (!(transcriptionLanguages as readonly string[]).includes(language)) {
    return `"${language.slice(0, 20)}" is not one of the supported transcription languages`;
  }
  if (engineForLanguage(language, engines)) return undefined;
  if (engines.length === 0) {
    return `No speech engine of this build is configured (VERBATIM_SPEECH_ENGINES=${configuredSpeechEngineIds().join(",")}), so ${languageLabel(language)} cannot be transcribed`;
  }
  if (engines.length === 1) return `${describeEngine(engines[0])}, not ${languageLabel(language)}`;
  return `No configured speech engine supports ${languageLabel(language)}: ${engines.map(describeEngine).join("; ")}`;
}

/** Throws a validation error on `field` when no configured engine can transcribe `language`. */
export function assertLanguageSupported(language: string, field = "language", engines?: readonly EngineLanguages[]): void {
  const problem = unsupportedLanguageMessage(language, engines);
  if (problem) throw invalid(field, problem);
}
