import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { chatCompletionsUrl, createOpenAiEngine, estimateTokens, type OpenAiEngineConfig } from "@/lib/summaries/engines/openai";
import { SummaryEngineError, type SummaryInput } from "@/lib/summaries/engines/types";
import { doctorVisitTranscript } from "@/lib/summaries/fixtures/doctor-visit";
import { makeLongTranscript } from "@/lib/summaries/fixtures/long-transcript";
import { meetingTranscript } from "@/lib/summaries/fixtures/meeting";

type ChatRequest = {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
  max_tokens?: number;
};
type Recorded = { authorization?: string; path: string; body: ChatRequest };
type Reply = { status?: number; json?: unknown; raw?: string; headers?: Record<string, string>; hang?: boolean };

const API_KEY = "sk-test-0123456789";
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A chat completions server on 127.0.0.1 that checks the Bearer key like the real API and lets each test answer. */
async function startChatServer(answer: (request: Recorded, index: number) => Reply | string) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `Unknown request URL: ${req.method} ${req.url}` } }));
        return;
      }
      if (req.headers.authorization !== `Bearer ${API_KEY}`) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } }));
        return;
      }
      const recorded: Recorded = { authorization: req.headers.authorization, path: req.url, body: JSON.parse(data) };
      requests.push(recorded);
      const reply = answer(recorded, requests.length - 1);
      const r: Reply = typeof reply === "string" ? { json: completion(reply) } : reply;
      if (r.hang) return; // never answers
      res.writeHead(r.status ?? 200, { "content-type": "application/json", ...r.headers });
      res.end(r.raw ?? JSON.stringify(r.json));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests };
}

function completion(content: string, finishReason = "stop") {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "test-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  };
}

const engineFor = (baseUrl: string, extra: Partial<OpenAiEngineConfig> = {}) =>
  createOpenAiEngine({ baseUrl, apiKey: API_KEY, model: "test-model", retryDelayMs: 10, ...extra });

const meeting: SummaryInput = { segments: meetingTranscript, template: "General Bulleted", language: "en" };
const userText = (r: Recorded) => r.body.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n");
const promptTokens = (r: Recorded) => r.body.messages.reduce((n, m) => n + estimateTokens(m.content), 0);

describe("OpenAI-compatible engine", () => {
  it("sends the transcript with the template's JSON shape and returns the validated summary", async () => {
    const server = await startChatServer(() => JSON.stringify({ summary: "- Budget cut to 40k\n- Release moves to the 29th", extra: 1 }));
    const result = await engineFor(server.baseUrl).summarize({ ...meeting, language: "fr" });

    expect(result).toEqual({
      template: "General Bulleted",
      engine: "openai",
      model: "test-model",
      summary: { summary: "- Budget cut to 40k\n- Release moves to the 29th" },
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body.model).toBe("test-model");
    expect(request.body.response_format).toEqual({ type: "json_object" });
    const system = request.body.messages[0];
    expect(system.role).toBe("system");
    expect(system.content).toContain("French");
    expect(system.content).toContain('"summary"');
    expect(userText(request)).toContain("[0:00:00] Ana Costa: Good morning everyone.");
    expect(userText(request)).toContain("Chloé: One more thing from support");
  });

  it("fills SOAP sections from the model's JSON, even inside a Markdown code fence", async () => {
    const soap = { subjective: "Cough for ten days.", objective: "BP 128/84, 38.2 °C.", assessment: "Acute sinusitis.", plan: "Doxycycline 100 mg." };
    const server = await startChatServer(() => "```json\n" + JSON.stringify({ summary: "Sinusitis visit.", SOAP: soap }) + "\n```");
    const result = await engineFor(server.baseUrl).summarize({ segments: doctorVisitTranscript, template: "SOAP", language: "en" });
    expect(result.summary).toEqual({ summary: "Sinusitis visit.", SOAP: soap });
    expect(server.requests[0].body.messages[0].content).toContain("subjective");
  });

  it("chunks a long transcript within the context size, then combines the parts", async () => {
    const contextTokens = 4000;
    const server = await startChatServer((request) => {
      const text = userText(request);
      if (text.includes('"summary":')) return JSON.stringify({ summary: "- merged" });
      const firstStamp = /^\[(\d+:\d\d:\d\d)\]/m.exec(text)![1];
      return JSON.stringify({ summary: `- part from ${firstStamp}` });
    });
    const long = makeLongTranscript(60);
    const result = await engineFor(server.baseUrl, { contextTokens, maxOutputTokens: 300 }).summarize({
      segments: long,
      template: "General Bulleted",
      language: "en",
    });

    expect(result.summary).toEqual({ summary: "- merged" });
    const chunkRequests = server.requests.slice(0, -1);
    const combineRequest = server.requests.at(-1)!;
    expect(chunkRequests.length).toBeGreaterThanOrEqual(3);
    expect(chunkRequests.every((r) => !userText(r).includes('"summary":'))).toBe(true);
    for (const r of server.requests) expect(promptTokens(r) + r.body.max_tokens!).toBeLessThanOrEqual(contextTokens);

    // Every transcript line went out exactly once, in order, across the chunks.
    const sent = chunkRequests
      .map((r) => userText(r).split("\n").filter((line) => /^\[\d+:\d\d:\d\d\] /.test(line)))
      .sort((a, b) => a[0].localeCompare(b[0], "en", { numeric: true }))
      .flat();
    expect(sent).toHaveLength(long.length);
    sent.forEach((line, i) => expect(line.endsWith(`: ${long[i].text}`)).toBe(true));

    // The combine request carries each part's summary, in transcript order.
    const combined = userText(combineRequest);
    const stamps = [...combined.matchAll(/part from (\d+:\d\d:\d\d)/g)].map((m) => m[1]);
    expect(stamps).toHaveLength(chunkRequests.length);
    expect([...stamps].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))).toEqual(stamps);
  });

  it("combines in several rounds when the parts together exceed the context", async () => {
    const contextTokens = 2000;
    const filler = "x".repeat(1000);
    const server = await startChatServer((request) =>
      JSON.stringify({ summary: userText(request).includes('"summary":') ? `- merged ${filler}` : `- part ${filler}` }),
    );
    await engineFor(server.baseUrl, { contextTokens, maxOutputTokens: 300 }).summarize({
      segments: makeLongTranscript(30),
      template: "General Bulleted",
      language: "en",
    });
    const combines = server.requests.filter((r) => userText(r).includes('"summary":'));
    expect(combines.length).toBeGreaterThanOrEqual(2);
    expect(userText(combines.at(-1)!)).toContain("- merged");
    for (const r of server.requests) expect(promptTokens(r) + r.body.max_tokens!).toBeLessThanOrEqual(contextTokens);
  });

  it("explains a 401 in terms of VERBATIM_OPENAI_API_KEY, without echoing the key", async () => {
    const server = await startChatServer(() => "{}");
    const error = await engineFor(server.baseUrl, { apiKey: "sk-wrong-key" }).summarize(meeting).catch((e) => e);
    expect(error).toBeInstanceOf(SummaryEngineError);
    expect(error.code).toBe("unauthorized");
    expect(error.message).toContain("The summary service answered 401: check VERBATIM_OPENAI_API_KEY");
    expect(error.message).toContain("Incorrect API key provided");
    expect(error.message).not.toContain("sk-wrong-key");
    expect(server.requests).toHaveLength(0);
  });

  it("explains a 404 in terms of the base URL and model", async () => {
    const server = await startChatServer(() => "{}");
    const error = await engineFor(server.baseUrl.replace(/\/v1$/, "/api/v1")).summarize(meeting).catch((e) => e);
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("check VERBATIM_OPENAI_BASE_URL and VERBATIM_SUMMARY_MODEL");
  });

  it("asks once for a repair when the answer does not match the template", async () => {
    const server = await startChatServer((_, i) =>
      i === 0 ? JSON.stringify({ summary: "Visit." }) : JSON.stringify({ summary: "Visit.", SOAP: { subjective: "a", objective: "b", assessment: "c", plan: "d" } }),
    );
    const result = await engineFor(server.baseUrl).summarize({ segments: doctorVisitTranscript, template: "SOAP", language: "en" });
    expect(result.summary).toMatchObject({ SOAP: { plan: "d" } });
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1].body.messages;
    expect(repair.at(-2)).toEqual({ role: "assistant", content: JSON.stringify({ summary: "Visit." }) });
    expect(repair.at(-1)!.content).toContain("SOAP");
  });

  it("fails with bad_answer when the model never answers JSON", async () => {
    const server = await startChatServer(() => "Sure! Here is a summary of the meeting: they discussed the budget.");
    const error = await engineFor(server.baseUrl).summarize(meeting).catch((e) => e);
    expect(error.code).toBe("bad_answer");
    expect(error.message).toContain('did not return valid JSON for the General Bulleted template');
    expect(server.requests).toHaveLength(2);
  });

  it("fails with bad_answer when the service's reply is not a chat completion", async () => {
    const html = await startChatServer(() => ({ raw: "<html><body>Welcome to nginx</body></html>" }));
    const e1 = await engineFor(html.baseUrl).summarize(meeting).catch((e) => e);
    expect(e1.code).toBe("bad_answer");
    expect(e1.message).toContain("not JSON");
    expect(e1.message).toContain("Welcome to nginx");

    const noChoices = await startChatServer(() => ({ json: { object: "list", data: [] } }));
    const e2 = await engineFor(noChoices.baseUrl).summarize(meeting).catch((e) => e);
    expect(e2.code).toBe("bad_answer");
    expect(e2.message).toContain("choices[0].message.content");
  });

  it("times out a service that does not answer", async () => {
    const server = await startChatServer(() => ({ hang: true }));
    const error = await engineFor(server.baseUrl, { timeoutMs: 300 }).summarize(meeting).catch((e) => e);
    expect(error.code).toBe("timeout");
    expect(error.message).toContain("did not answer within");
    expect(error.message).toContain("VERBATIM_SUMMARY_TIMEOUT_MS");
  });

  it("stops when the caller aborts", async () => {
    const server = await startChatServer(() => ({ hang: true }));
    const controller = new AbortController();
    const pending = engineFor(server.baseUrl).summarize(meeting, { signal: controller.signal }).catch((e) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect((await pending).code).toBe("aborted");
  });

  it("retries a 503 and a 429, and reports a lasting 429", async () => {
    const flaky = await startChatServer((_, i) =>
      i === 0 ? { status: 503, json: { error: { message: "overloaded" } } } : JSON.stringify({ summary: "- ok" }),
    );
    expect((await engineFor(flaky.baseUrl).summarize(meeting)).summary).toEqual({ summary: "- ok" });
    expect(flaky.requests).toHaveLength(2);

    const limited = await startChatServer(() => ({ status: 429, headers: { "retry-after": "0" }, json: { error: { message: "quota exceeded" } } }));
    const error = await engineFor(limited.baseUrl, { maxRetries: 2 }).summarize(meeting).catch((e) => e);
    expect(error.code).toBe("rate_limited");
    expect(error.message).toContain("quota exceeded");
    expect(limited.requests).toHaveLength(3);
  });

  it("asks again without response_format when the server does not support it", async () => {
    const server = await startChatServer((request) =>
      request.body.response_format
        ? { status: 400, json: { error: { message: "response_format is not supported by this model" } } }
        : JSON.stringify({ summary: "- ok" }),
    );
    const engine = engineFor(server.baseUrl);
    expect((await engine.summarize(meeting)).summary).toEqual({ summary: "- ok" });
    await engine.summarize(meeting);
    expect(server.requests.map((r) => Boolean(r.body.response_format))).toEqual([true, false, false]);
  });

  it("reports an unreachable service", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const error = await engineFor(`http://127.0.0.1:${port}/v1`).summarize(meeting).catch((e) => e);
    expect(error.code).toBe("unreachable");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).toContain("check VERBATIM_OPENAI_BASE_URL");
  });

  it("refuses a context size too small for the template, and empty or invalid input, before any request", async () => {
    const server = await startChatServer(() => "{}");
    const small = await engineFor(server.baseUrl, { contextTokens: 1000, maxOutputTokens: 400 }).summarize(meeting).catch((e) => e);
    expect(small.code).toBe("config");
    expect(small.message).toContain("VERBATIM_SUMMARY_CONTEXT_TOKENS");
    const empty = await engineFor(server.baseUrl).summarize({ ...meeting, segments: [] }).catch((e) => e);
    expect(empty.code).toBe("empty_transcript");
    const invalid = await engineFor(server.baseUrl).summarize({ ...meeting, template: "Poem" as "SOAP" }).catch((e) => e);
    expect(invalid.code).toBe("invalid_input");
    expect(server.requests).toHaveLength(0);
  });
});

describe("chatCompletionsUrl", () => {
  it("adds /v1 only when the base URL has no version", () => {
    expect(chatCompletionsUrl("https://api.openai.com/v1")).toBe("https://api.openai.com/v1/chat/completions");
    expect(chatCompletionsUrl("https://api.openai.com/v1/")).toBe("https://api.openai.com/v1/chat/completions");
    expect(chatCompletionsUrl("http://localhost:11434")).toBe("http://localhost:11434/v1/chat/completions");
    expect(chatCompletionsUrl("https://api.groq.com/openai/v1")).toBe("https://api.groq.com/openai/v1/chat/completions");
  });
});
