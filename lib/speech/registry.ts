// Every speech engine of this build, by id, and the operator's ordered list of them (VERBATIM_SPEECH_ENGINES).
import { appEnv, ConfigError, type AppEnv } from "@/lib/config/env";
import { createDeepgramEngine } from "@/lib/speech/deepgram";
import { createOpenAiTranscribeEngine, openAiTranscribeConfigFromEnv } from "@/lib/speech/openai-transcribe";
import { gateSpeechEngine } from "@/lib/speech/gated-stream";
import { createPocketSphinxEngine, pocketSphinxUtteranceOpener, pocketSphinxWorker, WORKER_LINGER_MS } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { defaultPoolMax, sharedRecognizerPool } from "@/lib/speech/recognizer-pool";
import type { SpeechEngine } from "@/lib/speech/types";

type EngineEntry = { id: string; create: (env: AppEnv) => SpeechEngine };

/**
 * The engines this build knows: adding one is its file under lib/speech/ plus one line here. An id listed here is
 * what VERBATIM_SPEECH_ENGINES accepts and what a transcription records as its engine.
 */
const engineEntries: readonly EngineEntry[] = [
  {
    id: "pocketsphinx",
    create: (env) => createPocketSphinx(env),
  },
  {
    id: "deepgram",
    create: (env) =>
      createDeepgramEngine({ apiKey: env.DEEPGRAM_API_KEY, url: env.VERBATIM_DEEPGRAM_URL, model: env.VERBATIM_DEEPGRAM_MODEL, endTimeoutMs: env.VERBATIM_DEEPGRAM_FINISH_SECONDS * 1000 }),
  },
  { id: "openai", create: (env) => createOpenAiTranscribeEngine(openAiTranscribeConfigFromEnv(env)) },
];

/**
 * PocketSphinx as configured (VERBATIM_POCKETSPHINX_GATE): by default speech-gated, with the pool's decoders in one
 * worker process (lib/speech/pocketsphinx/worker.ts); where the worker cannot be built, one process per track (or,
 * with the gate forced on, one per utterance). Chosen at the first check or stream, not at creation: `npm start`
 * creates the engine to learn its packages before it installs them.
 */
function createPocketSphinx(env: AppEnv): SpeechEngine {
  const options = { interim: env.VERBATIM_POCKETSPHINX_INTERIM, maxDecoders: enginePoolMax(env) };
  const perTrack = createPocketSphinxEngine(options);
  if (env.VERBATIM_POCKETSPHINX_GATE === "off") return perTrack;
  let chosen: SpeechEngine | undefined;
  const choose = (): SpeechEngine => {
    if (chosen) return chosen;
    const worker = pocketSphinxWorker(options);
    if (!("problem" in worker)) {
      chosen = gateSpeechEngine({ ...perTrack, check: () => worker.check() }, worker.openUtterance, { pool: recognizerPool(env), lingerMs: WORKER_LINGER_MS });
      return chosen;
    }
    const forced = env.VERBATIM_POCKETSPHINX_GATE === "on";
    console.error(`PocketSphinx: ${worker.problem} Using ${forced ? "a recognizer process per utterance" : "a recognizer process per track"} instead.`);
    chosen = forced ? gateSpeechEngine(perTrack, pocketSphinxUtteranceOpener(options), { pool: recognizerPool(env) }) : perTrack;
    return chosen;
  };
  return { ...perTrack, check: () => choose().check(), open: (opts) => choose().open(opts) };
}

/** The process's one recognizer budget (VERBATIM_ENGINE_POOL_MAX), shared by the engines that run recognizers here. */
function recognizerPool(env: AppEnv) {
  return sharedRecognizerPool(() => ({ max: enginePoolMax(env), waitMs: env.VERBATIM_ENGINE_POOL_WAIT_MS }));
}

/** The recognizer budget: VERBATIM_ENGINE_POOL_MAX, or the default from cores and memory. */
export function enginePoolMax(env: Pick<AppEnv, "VERBATIM_ENGINE_POOL_MAX"> = appEnv()): number {
  return env.VERBATIM_ENGINE_POOL_MAX ?? defaultPoolMax();
}

const instances = new Map<string, SpeechEngine>();
/**
 * Engines a test brings (the fast lane's tone-word engine, or VERBATIM_TEST_TONE_ENGINE in a server); never set in
 * production. On globalThis: Next.js loads this module once for the instrumentation hook and again for the routes.
 */
const testEnginesKey = Symbol.for("verbatim.test-speech-engines");
const testEngines: Map<string, SpeechEngine> = ((globalThis as { [testEnginesKey]?: Map<string, SpeechEngine> })[testEnginesKey] ??= new Map());

export class UnknownSpeechEngineError extends Error {
  constructor(readonly engineId: string) {
    super(`Unknown speech engine "${engineId}" (VERBATIM_SPEECH_ENGINES). Known engines: ${knownSpeechEngineIds().join(", ")}.`);
    this.name = "UnknownSpeechEngineError";
  }
}

/** The ids of every engine this build has, whether or not configured. */
export function knownSpeechEngineIds(): string[] {
  return [...engineEntries.map((e) => e.id), ...testEngines.keys()];
}

/** The engine with this id; one instance per id per process. Throws UnknownSpeechEngineError. */
export function getSpeechEngine(id: string): SpeechEngine {
  const brought = testEngines.get(id);
  if (brought) return brought;
  const entry = engineEntries.find((e) => e.id === id);
  if (!entry) throw new UnknownSpeechEngineError(id);
  let engine = instances.get(id);
  if (!engine) {
    engine = entry.create(appEnv());
    instances.set(id, engine);
  }
  return engine;
}

/** A test's own engine, known by its id (configure it with VERBATIM_SPEECH_ENGINES) until the process ends. */
export function addSpeechEngineForTests(engine: SpeechEngine) {
  testEngines.set(engine.id, engine);
}

/** The operator's engines in order of preference, known or not (an unknown one is reported by status and start). */
export function configuredSpeechEngineIds(env: Pick<AppEnv, "speechEngines"> = appEnv()): readonly string[] {
  return env.speechEngines;
}

/** The configured engines this build has, in the operator's order. */
export function configuredSpeechEngines(env: Pick<AppEnv, "speechEngines"> = appEnv()): SpeechEngine[] {
  const known = knownSpeechEngineIds();
  return configuredSpeechEngineIds(env).filter((id) => known.includes(id)).map(getSpeechEngine);
}

/** At start: an engine id this build does not have stops the server, naming the variable and the known ids. */
export function assertSpeechEnginesKnown(env: Pick<AppEnv, "speechEngines"> = appEnv()): void {
  const known = knownSpeechEngineIds();
  const unknown = configuredSpeechEngineIds(env).filter((id) => !known.includes(id));
  if (unknown.length === 0) return;
  throw new ConfigError(
    `Invalid configuration in the environment:\n  VERBATIM_SPEECH_ENGINES: unknown speech engine ${unknown.map((id) => `"${id}"`).join(", ")}; this build has ${known.join(", ")}`,
  );
}

/** The configured engines that can transcribe `language`, in the operator's order; the first that can run is used. */
export function enginesForLanguage(language: string, engines: readonly SpeechEngine[] = configuredSpeechEngines()): SpeechEngine[] {
  return engines.filter((e) => e.languages.includes(language));
}
