// Whether each configured speech engine can run here, and which one takes a language: checked at start-up (logged), cached for sessions and the dashboard.
import {
  configuredSpeechEngineIds,
  configuredSpeechEngines,
  enginesForLanguage,
  getSpeechEngine,
  knownSpeechEngineIds,
  UnknownSpeechEngineError,
} from "@/lib/speech/registry";
import { languageLabel } from "@/lib/speech/languages";
import type { SpeechEngine } from "@/lib/speech/types";

export type SpeechEngineStatus = {
  engineId: string;
  label: string;
  languages: readonly string[];
  ok: boolean;
  /** What is wrong and how to fix it, when not ok. */
  problem: string | null;
  checkedAt: Date;
};

// A healthy result is trusted for a while; a problem is re-checked sooner, so an operator's fix is noticed quickly.
const OK_TTL_MS = 10 * 60_000;
const PROBLEM_TTL_MS = 30_000;

const key = Symbol.for("verbatim.speech-engine-status");
type Cached = { at: number; status: Promise<SpeechEngineStatus> };
type Holder = { [key]?: Map<string, Cached> };

function cache(): Map<string, Cached> {
  const holder = globalThis as Holder;
  holder[key] ??= new Map();
  return holder[key];
}

async function check(engineId: string): Promise<SpeechEngineStatus> {
  const checkedAt = new Date();
  let engine: SpeechEngine;
  try {
    engine = getSpeechEngine(engineId);
  } catch (error) {
    if (!(error instanceof UnknownSpeechEngineError)) throw error;
    return { engineId, label: engineId, languages: [], ok: false, problem: error.message, checkedAt };
  }
  const result = await engine.check().catch((e: Error) => ({ ok: false as const, problem: `The engine check failed: ${e.message}` }));
  return {
    engineId: engine.id,
    label: engine.label,
    languages: engine.languages,
    ok: result.ok,
    problem: result.ok ? null : result.problem,
    checkedAt,
  };
}

/** One engine's health; cached, `refresh` forces a new check. Never rejects. */
export function speechEngineStatus(engineId: string, opts: { refresh?: boolean } = {}): Promise<SpeechEngineStatus> {
  const cached = cache().get(engineId);
  const now = Date.now();
  if (cached && !opts.refresh) {
    const ttl = cached.status.then((s) => (s.ok ? OK_TTL_MS : PROBLEM_TTL_MS));
    return ttl.then((ms) => (now - cached.at < ms ? cached.status : speechEngineStatus(engineId, { refresh: true })));
  }
  const status = check(engineId);
  cache().set(engineId, { at: now, status });
  return status;
}

/** The health of every configured engine, in the operator's order (an unknown id is one with a problem). */
export function configuredSpeechEngineStatuses(opts: { refresh?: boolean } = {}): Promise<SpeechEngineStatus[]> {
  return Promise.all(configuredSpeechEngineIds().map((id) => speechEngineStatus(id, opts)));
}

export type EngineChoice = { ok: true; engine: SpeechEngine } | { ok: false; problem: string };

/**
 * The engine that transcribes `language` now: the first of `engines` (default: the configured ones, in the operator's
 * order) that supports it and can run. When none can, the reason names the engines and what is wrong with each.
 */
export async function chooseSpeechEngine(
  language: string,
  opts: { engines?: readonly SpeechEngine[]; status?: (engine: SpeechEngine) => Promise<Pick<SpeechEngineStatus, "ok" | "problem">> } = {},
): Promise<EngineChoice> {
  const engines = opts.engines ?? configuredSpeechEngines();
  const statusOf = opts.status ?? ((engine: SpeechEngine) => speechEngineStatus(engine.id));
  if (engines.length === 0) {
    return {
      ok: false,
      problem: `The speech engine is not available: none of VERBATIM_SPEECH_ENGINES (${configuredSpeechEngineIds().join(", ")}) is an engine of this build (it has ${knownSpeechEngineIds().join(", ")}).`,
    };
  }
  const candidates = enginesForLanguage(language, engines);
  if (candidates.length === 0) {
    return { ok: false, problem: `No configured speech engine can transcribe ${languageLabel(language)} (configured: ${engines.map((e) => e.label).join(", ")}).` };
  }
  const problems: string[] = [];
  for (const engine of candidates) {
    const status = await statusOf(engine);
    if (status.ok) return { ok: true, engine };
    problems.push(`${engine.label}: ${status.problem}`);
  }
  return { ok: false, problem: `The speech engine is not available for ${languageLabel(language)}. ${problems.join(" ")}` };
}

/** Checks every configured engine once at start-up and says so on the console, so a missing engine is known before any session. */
export async function reportSpeechEngineAtStartup(log: Pick<Console, "log" | "error"> = console): Promise<SpeechEngineStatus[]> {
  const statuses = await configuredSpeechEngineStatuses({ refresh: true });
  for (const status of statuses) {
    if (status.ok) log.log(`Speech engine: ${status.label} is ready (languages: ${status.languages.join(", ")}).`);
    else log.error(`Speech engine "${status.engineId}" is NOT available: ${status.problem} Languages only it serves will not be transcribed until this is fixed.`);
  }
  return statuses;
}

export type LanguageEngine = { engineId: string; name: string; ok: boolean; problem: string | null };

/** The configured engines that support `language`, in the operator's order, each with its health (the first healthy one transcribes). */
export async function languageEngines(language: string): Promise<LanguageEngine[]> {
  return Promise.all(
    enginesForLanguage(language).map(async (engine) => {
      const status = await speechEngineStatus(engine.id);
      return { engineId: engine.id, name: engine.label, ok: status.ok, problem: status.problem };
    }),
  );
}
