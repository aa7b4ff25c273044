// Whether the operator's speech engine can run here: checked at start-up (logged) and cached for sessions and the dashboard.
import { appEnv } from "@/lib/config/env";
import { getSpeechEngine } from "@/lib/speech/registry";
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
type Holder = { [key]?: { at: number; status: Promise<SpeechEngineStatus> } };

/** The configured engine, or undefined with the reason (an unknown VERBATIM_SPEECH_ENGINE). Never throws. */
export function configuredSpeechEngine(): { engine: SpeechEngine; problem?: undefined } | { engine?: undefined; problem: string; engineId: string } {
  const engineId = appEnv().VERBATIM_SPEECH_ENGINE;
  try {
    return { engine: getSpeechEngine(engineId) };
  } catch (error) {
    return { problem: (error as Error).message, engineId };
  }
}

async function check(): Promise<SpeechEngineStatus> {
  const configured = configuredSpeechEngine();
  const checkedAt = new Date();
  if (!configured.engine) {
    return { engineId: configured.engineId, label: configured.engineId, languages: [], ok: false, problem: configured.problem, checkedAt };
  }
  const { engine } = configured;
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

/** The engine's health for the dashboard and for starting transcriptions; cached, `refresh` forces a new check. */
export function speechEngineStatus(opts: { refresh?: boolean } = {}): Promise<SpeechEngineStatus> {
  const holder = globalThis as Holder;
  const cached = holder[key];
  const now = Date.now();
  if (cached && !opts.refresh) {
    const ttl = cached.status.then((s) => (s.ok ? OK_TTL_MS : PROBLEM_TTL_MS));
    return ttl.then((ms) => (now - cached.at < ms ? cached.status : speechEngineStatus({ refresh: true })));
  }
  const status = check();
  holder[key] = { at: now, status };
  return status;
}

/** Checks the engine once at start-up and says so on the console, so a missing engine is known before any session. */
export async function reportSpeechEngineAtStartup(log: Pick<Console, "log" | "error"> = console): Promise<SpeechEngineStatus> {
  const status = await speechEngineStatus({ refresh: true });
  if (status.ok) log.log(`Speech engine: ${status.label} is ready (languages: ${status.languages.join(", ")}).`);
  else log.error(`Speech engine "${status.engineId}" is NOT available: ${status.problem} Sessions will not be transcribed until this is fixed.`);
  return status;
}
