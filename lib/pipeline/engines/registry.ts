// Which speech engines exist and which one the operator chose (VERBATIM_SPEECH_ENGINE); add an engine here.
import { appEnv } from "@/lib/config/env";
import { createPocketSphinxEngine } from "@/lib/pipeline/engines/pocketsphinx";
import type { SpeechEngine } from "@/lib/pipeline/engines/types";
import { createDeepgramEngine } from "@/lib/speech/deepgram";

const factories: Record<string, () => SpeechEngine> = {
  pocketsphinx: () => createPocketSphinxEngine({ interim: appEnv().VERBATIM_POCKETSPHINX_INTERIM }),
  deepgram: () => {
    const env = appEnv();
    return createDeepgramEngine({ apiKey: env.DEEPGRAM_API_KEY, url: env.VERBATIM_DEEPGRAM_URL, model: env.VERBATIM_DEEPGRAM_MODEL, endTimeoutMs: env.VERBATIM_DEEPGRAM_FINISH_SECONDS * 1000 });
  },
};

const instances = new Map<string, SpeechEngine>();

export class UnknownSpeechEngineError extends Error {
  constructor(readonly engineId: string) {
    super(
      `Unknown speech engine "${engineId}" (VERBATIM_SPEECH_ENGINE). Known engines: ${Object.keys(factories).join(", ")}.`,
    );
    this.name = "UnknownSpeechEngineError";
  }
}

/** The engine with this id (default: the operator's choice, else PocketSphinx). One instance per id per process. */
export function getSpeechEngine(id: string = process.env.VERBATIM_SPEECH_ENGINE || "pocketsphinx"): SpeechEngine {
  const factory = Object.hasOwn(factories, id) ? factories[id] : undefined;
  if (!factory) throw new UnknownSpeechEngineError(id);
  let engine = instances.get(id);
  if (!engine) {
    engine = factory();
    instances.set(id, engine);
  }
  return engine;
}

/** Every engine this build knows, whether or not it can run here (see `check()`). */
export function listSpeechEngines(): SpeechEngine[] {
  return Object.keys(factories).map((id) => getSpeechEngine(id));
}

/** The language codes an engine can transcribe; refuse other languages where they are chosen. */
export function supportedLanguages(engineId: string): readonly string[] {
  return getSpeechEngine(engineId).languages;
}
