import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createSummaryEngine, summaryEngineChoiceFromEnv } from "@/lib/summaries/engines/registry";
import { buildTranscript } from "@/lib/summaries/fixtures/build-transcript";

describe("summary engine registry", () => {
  it("uses the extractive engine when nothing is configured", () => {
    expect(summaryEngineChoiceFromEnv({})).toEqual({ kind: "extractive" });
    expect(createSummaryEngine({}).id).toBe("extractive");
    // A base URL alone (set for the speech engine) does not switch summaries to a chat model.
    expect(summaryEngineChoiceFromEnv({ VERBATIM_OPENAI_BASE_URL: "http://127.0.0.1:8000/v1" }).kind).toBe("extractive");
  });

  it("uses the OpenAI-compatible engine when a base URL and a model are set", () => {
    const choice = summaryEngineChoiceFromEnv({
      VERBATIM_OPENAI_BASE_URL: "http://127.0.0.1:8000/v1",
      VERBATIM_SUMMARY_MODEL: "llama3.1:8b",
      VERBATIM_OPENAI_API_KEY: "sk-1",
      VERBATIM_SUMMARY_CONTEXT_TOKENS: "32768",
      VERBATIM_SUMMARY_TIMEOUT_MS: "60000",
    });
    expect(choice).toMatchObject({
      kind: "openai",
      baseUrl: "http://127.0.0.1:8000/v1",
      model: "llama3.1:8b",
      apiKey: "sk-1",
      contextTokens: 32768,
      timeoutMs: 60000,
    });
    const engine = createSummaryEngine({ VERBATIM_OPENAI_BASE_URL: "http://127.0.0.1:8000/v1", VERBATIM_SUMMARY_MODEL: "m" });
    expect(engine.id).toBe("openai");
    expect(engine.label).toContain("m");
  });

  it("lets VERBATIM_SUMMARY_ENGINE override the default either way", () => {
    expect(
      summaryEngineChoiceFromEnv({ VERBATIM_SUMMARY_ENGINE: "extractive", VERBATIM_OPENAI_BASE_URL: "http://x/v1", VERBATIM_SUMMARY_MODEL: "m" }),
    ).toEqual({ kind: "extractive" });
    expect(summaryEngineChoiceFromEnv({ VERBATIM_SUMMARY_ENGINE: "openai", VERBATIM_SUMMARY_MODEL: "gpt-4o-mini" })).toMatchObject({
      kind: "openai",
      baseUrl: "https://api.openai.com/v1",
    });
  });

  it("refuses wrong settings with messages naming the variable", () => {
    expect(() => summaryEngineChoiceFromEnv({ VERBATIM_SUMMARY_ENGINE: "gpt" })).toThrow(/VERBATIM_SUMMARY_ENGINE must be/);
    expect(() => summaryEngineChoiceFromEnv({ VERBATIM_SUMMARY_ENGINE: "openai" })).toThrow(/needs VERBATIM_SUMMARY_MODEL/);
    expect(() =>
      summaryEngineChoiceFromEnv({ VERBATIM_OPENAI_BASE_URL: "ftp://host", VERBATIM_SUMMARY_MODEL: "m" }),
    ).toThrow(/VERBATIM_OPENAI_BASE_URL must be an http/);
    expect(() =>
      summaryEngineChoiceFromEnv({ VERBATIM_OPENAI_BASE_URL: "http://h/v1", VERBATIM_SUMMARY_MODEL: "m", VERBATIM_SUMMARY_CONTEXT_TOKENS: "8k" }),
    ).toThrow(/VERBATIM_SUMMARY_CONTEXT_TOKENS must be a positive whole number/);
  });

  it("builds an OpenAI engine that really talks to the configured endpoint", async () => {
    let seen: { auth?: string; model?: string } = {};
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen = { auth: req.headers.authorization, model: JSON.parse(body).model };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: '{"summary":"- done"}' }, finish_reason: "stop" }] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const engine = createSummaryEngine({
        VERBATIM_OPENAI_BASE_URL: `http://127.0.0.1:${port}`,
        VERBATIM_OPENAI_API_KEY: "sk-env",
        VERBATIM_SUMMARY_MODEL: "env-model",
      });
      const result = await engine.summarize({
        segments: buildTranscript([["Ana", "We agreed to ship on Friday."]]),
        template: "General Bulleted",
        language: "en",
      });
      expect(result.summary).toEqual({ summary: "- done" });
      expect(seen).toEqual({ auth: "Bearer sk-env", model: "env-model" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
