// Chooses the summary engine from the environment: an OpenAI-compatible chat model when configured, else the embedded extractive one.
import { createExtractiveEngine } from "@/lib/summaries/engines/extractive";
import { createOpenAiEngine, type OpenAiEngineConfig } from "@/lib/summaries/engines/openai";
import { SummaryEngineError, type SummaryEngine } from "@/lib/summaries/engines/types";

export type SummaryEngineEnv = Record<string, string | undefined>;

export type SummaryEngineChoice = { kind: "extractive" } | ({ kind: "openai" } & OpenAiEngineConfig);

const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * Reads VERBATIM_SUMMARY_ENGINE (extractive | openai), VERBATIM_OPENAI_BASE_URL, VERBATIM_OPENAI_API_KEY,
 * VERBATIM_SUMMARY_MODEL, VERBATIM_SUMMARY_CONTEXT_TOKENS, VERBATIM_SUMMARY_MAX_OUTPUT_TOKENS and
 * VERBATIM_SUMMARY_TIMEOUT_MS. Without VERBATIM_SUMMARY_ENGINE, a base URL and a model together choose openai.
 */
export function summaryEngineChoiceFromEnv(env: SummaryEngineEnv): SummaryEngineChoice {
  const value = (name: string) => env[name]?.trim() || undefined;
  const requested = value("VERBATIM_SUMMARY_ENGINE");
  if (requested && requested !== "extractive" && requested !== "openai") {
    throw new SummaryEngineError("config", `VERBATIM_SUMMARY_ENGINE must be "extractive" or "openai", not "${requested}"`);
  }
  const baseUrl = value("VERBATIM_OPENAI_BASE_URL");
  const model = value("VERBATIM_SUMMARY_MODEL");
  const kind = requested ?? (baseUrl && model ? "openai" : "extractive");
  if (kind === "extractive") return { kind };

  if (!model) {
    throw new SummaryEngineError("config", "VERBATIM_SUMMARY_ENGINE=openai needs VERBATIM_SUMMARY_MODEL (the chat model's name)");
  }
  const url = baseUrl ?? DEFAULT_OPENAI_BASE_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new SummaryEngineError("config", `VERBATIM_OPENAI_BASE_URL must be an http(s) URL, such as ${DEFAULT_OPENAI_BASE_URL}`);
  }
  return {
    kind: "openai",
    baseUrl: url,
    apiKey: value("VERBATIM_OPENAI_API_KEY"),
    model,
    contextTokens: positiveInt(value("VERBATIM_SUMMARY_CONTEXT_TOKENS"), "VERBATIM_SUMMARY_CONTEXT_TOKENS"),
    maxOutputTokens: positiveInt(value("VERBATIM_SUMMARY_MAX_OUTPUT_TOKENS"), "VERBATIM_SUMMARY_MAX_OUTPUT_TOKENS"),
    timeoutMs: positiveInt(value("VERBATIM_SUMMARY_TIMEOUT_MS"), "VERBATIM_SUMMARY_TIMEOUT_MS"),
  };
}

/** The summary engine the environment asks for; throws a SummaryEngineError (code "config") for a wrong setting. */
export function createSummaryEngine(env: SummaryEngineEnv): SummaryEngine {
  const choice = summaryEngineChoiceFromEnv(env);
  if (choice.kind === "extractive") return createExtractiveEngine();
  const { kind: _kind, ...config } = choice;
  return createOpenAiEngine(config);
}

function positiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new SummaryEngineError("config", `${name} must be a positive whole number, not "${raw}"`);
  return n;
}
