// Summaries from any OpenAI-compatible chat completions endpoint: JSON per template, chunked and combined to fit the model's context.
import {
  TEMPLATE_INSTRUCTIONS,
  checkSummaryContent,
  summaryJsonSchema,
  type SummaryContent,
  type SummaryTemplate,
} from "@/lib/summaries/templates";
import {
  SummaryEngineError,
  parseSummaryInput,
  throwIfAborted,
  type SummaryEngine,
  type SummaryInput,
  type SummaryResult,
  type TranscriptSegment,
} from "@/lib/summaries/engines/types";
import { createOpenAiClient, OpenAiRequestError, snippet } from "@/lib/http/openai-client";

export interface OpenAiEngineConfig {
  /** e.g. https://api.openai.com/v1 or http://localhost:11434/v1; without a /vN suffix, /v1 is added. */
  baseUrl: string;
  apiKey?: string;
  model: string;
  /** The model's context window in tokens (default 8192). */
  contextTokens?: number;
  /** Most tokens one answer may take (default 1500). */
  maxOutputTokens?: number;
  /** Per request, including reading the answer (default 120 s). */
  timeoutMs?: number;
  /** Chunks summarized at once (default 2). */
  concurrency?: number;
  /** Retries after a 429 or 5xx answer (default 2). */
  maxRetries?: number;
  /** First retry delay, doubled each time; a Retry-After header wins (default 2 s). */
  retryDelayMs?: number;
}

type ChatMessage = { role: "system" | "user" | "assistant"; content: string };

const DEFAULTS = { contextTokens: 8192, maxOutputTokens: 1500, timeoutMs: 120_000, concurrency: 2, maxRetries: 2, retryDelayMs: 2000 };
/** Room for the words around the transcript in a user message. */
const WRAPPER_TOKENS = 150;

/** About four characters a token for alphabetic scripts; CJK characters are about one token each. */
export function estimateTokens(text: string): number {
  const wide = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/gu)?.length ?? 0;
  return Math.ceil((text.length - wide) / 4) + wide;
}

/** The chat completions URL for a base URL given with or without its version segment. */
export function chatCompletionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = /\/v\d+[a-z]*$/i.test(path) ? `${path}/chat/completions` : `${path}/v1/chat/completions`;
  return url.toString();
}

export function createOpenAiEngine(config: OpenAiEngineConfig): SummaryEngine {
  const settings = { ...DEFAULTS, ...definedOnly(config) };
  const url = chatCompletionsUrl(config.baseUrl);
  let jsonModeSupported = true;

  const client = createOpenAiClient({
    baseUrl: url,
    apiKey: config.apiKey,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    retryDelayMs: settings.retryDelayMs,
    // A summary that took the whole timeout is not asked again: the operator raises the timeout instead.
    retryTimeouts: false,
  });

  async function send(messages: ChatMessage[], signal: AbortSignal | undefined): Promise<{ content: string; truncated: boolean }> {
    for (;;) {
      throwIfAborted(signal);
      const body: Record<string, unknown> = {
        model: config.model,
        messages,
        temperature: 0.2,
        max_tokens: settings.maxOutputTokens,
      };
      if (jsonModeSupported) body.response_format = { type: "json_object" };
      try {
        return parseCompletion((await client.postJson("", body, { signal })).text);
      } catch (error) {
        if (!(error instanceof OpenAiRequestError)) throw error;
        if (error.kind === "aborted") throw new SummaryEngineError("aborted", "The summary was cancelled", { cause: error });
        if (error.kind === "timeout") {
          throw new SummaryEngineError(
            "timeout",
            `The summary service at ${new URL(url).origin} did not answer within ${Math.round(settings.timeoutMs / 1000)} s: ` +
              "check that the model is running, or raise VERBATIM_SUMMARY_TIMEOUT_MS",
            { cause: error },
          );
        }
        if (error.kind === "unreachable") {
          throw new SummaryEngineError(
            "unreachable",
            `Could not reach the summary service at ${new URL(url).origin} (${error.details.code}): check VERBATIM_OPENAI_BASE_URL`,
            { cause: error },
          );
        }
        const status = error.status ?? 0;
        // Servers that reject response_format are asked once without it, and then never again.
        if (status === 400 && jsonModeSupported && /response_format|json_object|json mode/i.test(error.details.body ?? "")) {
          jsonModeSupported = false;
          continue;
        }
        throw httpError(status, error.details.detail ?? "");
      }
    }
  }

  function httpError(status: number, detail: string): SummaryEngineError {
    const suffix = detail ? ` (${detail})` : "";
    if (status === 401 || status === 403) {
      return new SummaryEngineError("unauthorized", `The summary service answered ${status}: check VERBATIM_OPENAI_API_KEY${suffix}`);
    }
    if (status === 404) {
      return new SummaryEngineError(
        "not_found",
        `The summary service answered 404 for ${url}: check VERBATIM_OPENAI_BASE_URL and VERBATIM_SUMMARY_MODEL ("${config.model}")${suffix}`,
      );
    }
    if (status === 429) {
      return new SummaryEngineError("rate_limited", `The summary service answered 429 (rate limit or quota reached); try again later${suffix}`);
    }
    if (status === 400 && /context|too long|maximum.*tokens|token limit/i.test(detail)) {
      return new SummaryEngineError(
        "http_error",
        `The summary service refused a request as too long: set VERBATIM_SUMMARY_CONTEXT_TOKENS to the model's context size (now ${settings.contextTokens})${suffix}`,
      );
    }
    return new SummaryEngineError("http_error", `The summary service answered ${status}${suffix}`);
  }

  function parseCompletion(text: string): { content: string; truncated: boolean } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new SummaryEngineError(
        "bad_answer",
        `The summary service's answer is not JSON (${snippet(text)}): check that VERBATIM_OPENAI_BASE_URL points to an OpenAI-compatible API`,
      );
    }
    const choice = (json as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] }).choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== "string") {
      throw new SummaryEngineError(
        "bad_answer",
        `The summary service's answer has no choices[0].message.content (${snippet(text)}): check that VERBATIM_OPENAI_BASE_URL points to an OpenAI-compatible chat completions API`,
      );
    }
    return { content, truncated: choice?.finish_reason === "length" };
  }

  /** One request whose answer must be the template's JSON; one repair round if it is not. */
  async function askForSummary(template: SummaryTemplate, messages: ChatMessage[], signal?: AbortSignal): Promise<SummaryContent> {
    let conversation = messages;
    let problem = "";
    for (let round = 0; round < 2; round++) {
      const answer = await send(conversation, signal);
      const parsed = parseJsonObject(answer.content);
      if (parsed.ok) {
        const check = checkSummaryContent(template, parsed.value);
        if (check.ok) return check.content;
        problem = check.issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
      } else {
        problem = answer.truncated ? "the answer was cut off before the JSON ended" : "the answer is not a JSON object";
      }
      conversation = [
        ...messages,
        { role: "assistant", content: answer.content },
        {
          role: "user",
          content: `That answer does not match the required JSON shape: ${problem}. Answer again with only the corrected JSON object.`,
        },
      ];
    }
    throw new SummaryEngineError(
      "bad_answer",
      `The summary model "${config.model}" did not return valid JSON for the ${template} template, even after one correction (${snippet(problem)}): try a more capable model`,
    );
  }

  return {
    id: "openai",
    label: `OpenAI-compatible chat model (${config.model})`,
    async summarize(input: SummaryInput, { signal } = {}): Promise<SummaryResult> {
      throwIfAborted(signal);
      const { segments, template, language } = parseSummaryInput(input);
      const lines = segments.filter((s) => s.text.trim()).map(transcriptLine);
      if (lines.length === 0) throw new SummaryEngineError("empty_transcript", "The transcript has no speech to summarize");

      const system = systemPrompt(template, language);
      const budget =
        settings.contextTokens - estimateTokens(system) - WRAPPER_TOKENS - 2 * settings.maxOutputTokens; // room for a repair round
      if (budget < 2 * settings.maxOutputTokens) {
        throw new SummaryEngineError(
          "config",
          `VERBATIM_SUMMARY_CONTEXT_TOKENS (${settings.contextTokens}) is too small for the ${template} template: ` +
            `it needs at least ${settings.contextTokens - budget + 2 * settings.maxOutputTokens} tokens`,
        );
      }
      const ask = (user: string) =>
        askForSummary(template, [{ role: "system", content: system }, { role: "user", content: user }], signal);

      const chunks = chunkLines(lines, budget);
      if (chunks.length === 1) {
        const summary = await ask(`Transcript:\n\n${chunks[0]}`);
        return { template, engine: "openai", model: config.model, summary };
      }
      const partials = await mapWithConcurrency(chunks, settings.concurrency, (chunk, i) =>
        ask(
          `This is part ${i + 1} of ${chunks.length} of one transcript. Summarize only this part, in the required JSON ` +
            `shape; the parts will be merged later.\n\nTranscript, part ${i + 1} of ${chunks.length}:\n\n${chunk}`,
        ),
      );
      const summary = await combine(partials, budget, ask);
      return { template, engine: "openai", model: config.model, summary };
    },
  };
}

/** Merges partial summaries, in groups that fit the budget, until one is left. */
async function combine(
  partials: SummaryContent[],
  budget: number,
  ask: (user: string) => Promise<SummaryContent>,
): Promise<SummaryContent> {
  const render = (items: SummaryContent[]) =>
    "These are JSON summaries of consecutive parts of one transcript, in order. Merge them into one summary of the " +
    "whole conversation, in the required JSON shape, keeping every decision and action item and dropping repetition.\n\n" +
    items.map((p, i) => `Part ${i + 1}:\n${JSON.stringify(p)}`).join("\n\n");
  let level = partials;
  while (level.length > 1) {
    let groups: SummaryContent[][] = [];
    let group: SummaryContent[] = [];
    for (const item of level) {
      if (group.length && estimateTokens(render([...group, item])) > budget) {
        groups.push(group);
        group = [];
      }
      group.push(item);
    }
    groups.push(group);
    // Partials too large to pair within the estimate still get merged two by two, so this always ends.
    if (groups.length === level.length) {
      groups = [];
      for (let i = 0; i < level.length; i += 2) groups.push(level.slice(i, i + 2));
    }
    const next: SummaryContent[] = [];
    for (const g of groups) next.push(g.length === 1 ? g[0] : await ask(render(g)));
    level = next;
  }
  return level[0];
}

function systemPrompt(template: SummaryTemplate, language: string): string {
  return [
    "You summarize transcripts of live conversations. Each transcript line is `[h:mm:ss] Speaker: words`.",
    `Template: ${template}. ${TEMPLATE_INSTRUCTIONS[template]}`,
    `Write the summary in ${languageName(language)}. Name speakers where it matters; state only what the transcript says.`,
    "Answer with one JSON object and nothing else, matching this JSON Schema:",
    JSON.stringify(summaryJsonSchema(template)),
  ].join("\n");
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function transcriptLine(segment: TranscriptSegment): string {
  const total = Math.floor(segment.startMs / 1000);
  const clock = `${Math.floor(total / 3600)}:${String(Math.floor(total / 60) % 60).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
  return `[${clock}] ${segment.displayName.replace(/\s+/g, " ").trim()}: ${segment.text.replace(/\s+/g, " ").trim()}`;
}

/** Consecutive transcript lines packed into chunks of at most `budget` tokens; an overlong line is cut at words. */
export function chunkLines(lines: string[], budget: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length) chunks.push(current.join("\n"));
    current = [];
    size = 0;
  };
  for (const line of lines) {
    for (const piece of cutToBudget(line, budget)) {
      const cost = estimateTokens(piece) + 1;
      if (size + cost > budget) flush();
      current.push(piece);
      size += cost;
    }
  }
  flush();
  return chunks;
}

function cutToBudget(line: string, budget: number): string[] {
  if (estimateTokens(line) + 1 <= budget) return [line];
  const pieces: string[] = [];
  let piece = "";
  for (const word of line.split(" ")) {
    const candidate = piece ? `${piece} ${word}` : word;
    if (piece && estimateTokens(candidate) + 1 > budget) {
      pieces.push(piece);
      piece = word;
    } else {
      piece = candidate;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** The JSON object in a model's answer, tolerating Markdown code fences and text around it. */
function parseJsonObject(content: string): { ok: true; value: unknown } | { ok: false } {
  const candidates = [content.trim(), content.replace(/^[\s\S]*?```(?:json)?\s*|\s*```[\s\S]*$/g, "")];
  const first = content.indexOf("{");
  const last = content.lastIndexOf("}");
  if (first >= 0 && last > first) candidates.push(content.slice(first, last + 1));
  for (const text of candidates) {
    try {
      const value = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value)) return { ok: true, value };
    } catch {
      // try the next reading
    }
  }
  return { ok: false };
}





async function mapWithConcurrency<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    // After one failure the others stop taking work, so a bad key does not cost a request per chunk.
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
