// The ordered engine list (VERBATIM_SPEECH_ENGINES), the registry, and which engine takes a language.
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseEnv, resetAppEnvForTests } from "@/lib/config/env";
import { configuredEngineLanguages, engineForLanguage, supportedLanguages, unsupportedLanguageMessage } from "@/lib/speech/engine-languages";
import {
  assertSpeechEnginesKnown,
  configuredSpeechEngineIds,
  configuredSpeechEngines,
  enginesForLanguage,
  getSpeechEngine,
  knownSpeechEngineIds,
  UnknownSpeechEngineError,
} from "@/lib/speech/registry";
import { chooseSpeechEngine, configuredSpeechEngineStatuses } from "@/lib/speech/status";
import type { SpeechEngine } from "@/lib/speech/types";

/** An engine as the choice sees it: an id, languages and a health; never opened here. */
function described(id: string, languages: string[]): SpeechEngine {
  return {
    id,
    label: `Engine ${id}`,
    languages,
    capabilities: { mode: "streaming", interim: false, vocabulary: false },
    check: async () => ({ ok: true }),
    open: () => {
      throw new Error("the choice never opens a stream");
    },
  };
}

const saved = { plural: process.env.VERBATIM_SPEECH_ENGINES, single: process.env.VERBATIM_SPEECH_ENGINE };
function configure(env: { plural?: string; single?: string }) {
  if (env.plural === undefined) delete process.env.VERBATIM_SPEECH_ENGINES;
  else process.env.VERBATIM_SPEECH_ENGINES = env.plural;
  if (env.single === undefined) delete process.env.VERBATIM_SPEECH_ENGINE;
  else process.env.VERBATIM_SPEECH_ENGINE = env.single;
  resetAppEnvForTests();
}

afterEach(() => configure(saved));

describe("VERBATIM_SPEECH_ENGINES", () => {
  it("is an ordered list; the old single-engine variable still works; PocketSphinx without either", () => {
    expect(parseEnv({ VERBATIM_SPEECH_ENGINES: " deepgram, pocketsphinx ,openai" }).speechEngines).toEqual(["deepgram", "pocketsphinx", "openai"]);
    expect(parseEnv({ VERBATIM_SPEECH_ENGINE: "deepgram" }).speechEngines).toEqual(["deepgram"]);
    expect(parseEnv({}).speechEngines).toEqual(["pocketsphinx"]);
    expect(parseEnv({ VERBATIM_SPEECH_ENGINES: "", VERBATIM_SPEECH_ENGINE: "" }).speechEngines).toEqual(["pocketsphinx"]);
    // The list wins over the old variable when both are set.
    expect(parseEnv({ VERBATIM_SPEECH_ENGINES: "openai", VERBATIM_SPEECH_ENGINE: "pocketsphinx" }).speechEngines).toEqual(["openai"]);
  });

  it("refuses a malformed list or an engine named twice, naming the variable", () => {
    expect(() => parseEnv({ VERBATIM_SPEECH_ENGINES: "deepgram;pocketsphinx" })).toThrow(ConfigError);
    expect(() => parseEnv({ VERBATIM_SPEECH_ENGINES: "Deep Gram" })).toThrow(/VERBATIM_SPEECH_ENGINES: list engine ids separated by commas/);
    expect(() => parseEnv({ VERBATIM_SPEECH_ENGINES: "pocketsphinx,pocketsphinx" })).toThrow(/VERBATIM_SPEECH_ENGINES: name each engine once/);
    expect(() => parseEnv({ VERBATIM_SPEECH_ENGINE: "a,b" })).toThrow(/VERBATIM_SPEECH_ENGINE: use one engine id/);
  });

  it("at start, an engine this build does not have stops the server, naming it and the known ones", () => {
    expect(() => assertSpeechEnginesKnown({ speechEngines: ["pocketsphinx"] })).not.toThrow();
    const refusal = (() => {
      try {
        assertSpeechEnginesKnown({ speechEngines: ["nosuch", "pocketsphinx"] });
      } catch (error) {
        return error as Error;
      }
    })();
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(refusal?.message).toMatch(/VERBATIM_SPEECH_ENGINES: unknown speech engine "nosuch"; this build has pocketsphinx/);
  });

  it("configured engines keep the operator's order and leave out ids the build does not have", () => {
    configure({ plural: "nosuch,pocketsphinx" });
    expect(configuredSpeechEngineIds()).toEqual(["nosuch", "pocketsphinx"]);
    expect(configuredSpeechEngines().map((e) => e.id)).toEqual(["pocketsphinx"]);
    expect(configuredEngineLanguages()).toEqual([{ engineId: "pocketsphinx", engineName: getSpeechEngine("pocketsphinx").label, languages: ["en"] }]);
  });
});

describe("the registry", () => {
  it("knows PocketSphinx and refuses other ids, including inherited property names", () => {
    expect(knownSpeechEngineIds()).toContain("pocketsphinx");
    expect(getSpeechEngine("pocketsphinx")).toBe(getSpeechEngine("pocketsphinx"));
    expect(() => getSpeechEngine("no-such-engine")).toThrow(UnknownSpeechEngineError);
    expect(() => getSpeechEngine("toString")).toThrow(/Known engines: pocketsphinx/);
  });
});

describe("choice by language", () => {
  const cloud = described("cloud", ["en", "de", "fr"]);
  const local = described("local", ["en"]);
  const selfHosted = described("whisper", ["de", "nl"]);
  const engines = [cloud, local, selfHosted];

  it("serves a language by the first configured engine that supports it and can run", async () => {
    expect(enginesForLanguage("de", engines).map((e) => e.id)).toEqual(["cloud", "whisper"]);
    const allUp = async () => ({ ok: true, problem: null });
    expect(await chooseSpeechEngine("en", { engines, status: allUp })).toEqual({ ok: true, engine: cloud });
    expect(await chooseSpeechEngine("nl", { engines, status: allUp })).toEqual({ ok: true, engine: selfHosted });
    // The order is the operator's, not the registry's.
    expect(await chooseSpeechEngine("en", { engines: [local, cloud], status: allUp })).toEqual({ ok: true, engine: local });
  });

  it("passes over an engine that cannot run to the next one that supports the language", async () => {
    const cloudDown = async (e: SpeechEngine) => (e.id === "cloud" ? { ok: false, problem: "401: the API key was refused." } : { ok: true, problem: null });
    expect(await chooseSpeechEngine("en", { engines, status: cloudDown })).toEqual({ ok: true, engine: local });
    expect(await chooseSpeechEngine("de", { engines, status: cloudDown })).toEqual({ ok: true, engine: selfHosted });
    const fr = await chooseSpeechEngine("fr", { engines, status: cloudDown });
    expect(fr).toEqual({ ok: false, problem: "The speech engine is not available for French (fr). Engine cloud: 401: the API key was refused." });
  });

  it("says so, naming the engines, when none supports the language", async () => {
    const choice = await chooseSpeechEngine("ja", { engines, status: async () => ({ ok: true, problem: null }) });
    expect(choice).toEqual({ ok: false, problem: "No configured speech engine can transcribe Japanese (ja) (configured: Engine cloud, Engine local, Engine whisper)." });
  });

  it("the real configuration: English goes to a PocketSphinx that runs here, German to nobody", async () => {
    configure({ plural: "pocketsphinx" });
    const [status] = await configuredSpeechEngineStatuses({ refresh: true });
    expect(status).toMatchObject({ engineId: "pocketsphinx", ok: true, problem: null });
    expect(await chooseSpeechEngine("en")).toEqual({ ok: true, engine: getSpeechEngine("pocketsphinx") });
    expect(await chooseSpeechEngine("de")).toMatchObject({ ok: false, problem: expect.stringMatching(/can transcribe German \(de\).*PocketSphinx/) });
  });

  it("with no engine of this build configured, nothing can be transcribed and the reason names the ids", async () => {
    configure({ plural: "nosuchengine" });
    const choice = await chooseSpeechEngine("en");
    expect(choice).toMatchObject({ ok: false, problem: expect.stringMatching(/speech engine is not available.*nosuchengine.*it has pocketsphinx/) });
  });
});

describe("language support for the settings and the rooms", () => {
  const engines = [
    { engineId: "cloud", engineName: "Cloud", languages: ["de", "fr", "en"] },
    { engineId: "local", engineName: "Local", languages: ["en"] },
  ];

  it("lists every language some engine supports, in product.md's order, and the engine that takes each", () => {
    expect(supportedLanguages(engines)).toEqual(["en", "fr", "de"]);
    expect(engineForLanguage("en", engines)?.engineId).toBe("cloud");
    expect(engineForLanguage("ja", engines)).toBeUndefined();
  });

  it("refuses a language no configured engine supports, naming each engine", () => {
    expect(unsupportedLanguageMessage("de", engines)).toBeUndefined();
    expect(unsupportedLanguageMessage("ja", engines)).toBe(
      "No configured speech engine supports Japanese (ja): Cloud supports German (de), French (fr), English (en); Local supports only English (en)",
    );
    expect(unsupportedLanguageMessage("ja", [engines[1]])).toBe("Local supports only English (en), not Japanese (ja)");
    expect(unsupportedLanguageMessage("xx", engines)).toBe('"xx" is not one of the supported transcription languages');
  });
});
