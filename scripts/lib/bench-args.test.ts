import { describe, expect, it } from "vitest";
import { parseBenchArgs, rampLevels } from "./bench-args";
import { UsageError } from "./simulate-args";

describe("benchmark arguments", () => {
  it("defaults to a private server, 24 streams at most and 100 000 list rows", () => {
    expect(parseBenchArgs([])).toEqual({ json: false, server: null, databaseUrl: null, maxStreams: 24, poolMax: null, listRows: 100_000, only: null, help: false });
    expect(parseBenchArgs(["--only", "durability", "--json"])).toMatchObject({ only: "durability", json: true });
    expect(parseBenchArgs(["--only", "failover", "--json"])).toMatchObject({ only: "failover", json: true });
  });

  it("takes --json, a running server, and the sizes", () => {
    const o = parseBenchArgs(["--json", "--url", "http://127.0.0.1:3000/", "--api-key", "vbt_k", "--max-streams", "10", "--list-rows", "0", "--pool-max", "16"]);
    expect(o).toMatchObject({ json: true, server: { url: "http://127.0.0.1:3000", apiKey: "vbt_k" }, maxStreams: 10, poolMax: 16, listRows: 0 });
  });

  it.each([
    [["--url", "http://x"], /go together/],
    [["--max-streams", "0"], /from 1 to 200/],
    [["--max-streams", "2.5"], /whole number/],
    [["--list-rows", "-1"], /list-rows/],
    [["--pool-max", "0"], /pool-max "0" must be a whole number from 1 to 1000/],
    [["--database-url", "sqlite://x"], /postgres/],
    [["--url", "nope", "--api-key", "k"], /absolute URL/],
    [["--fast"], /Unknown option/],
    [["--only", "everything"], /must be one of deepgram/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it("takes --only to run one part alone", () => {
    expect(parseBenchArgs(["--only", "deepgram", "--json"])).toMatchObject({ only: "deepgram", json: true });
    expect(parseBenchArgs(["--only", "live", "--database-url", "postgres://127.0.0.1/x"])).toMatchObject({ only: "live", databaseUrl: "postgres://127.0.0.1/x" });
  });

  it("ramps in fine steps first and always ends at the maximum", () => {
    expect(rampLevels(24)).toEqual([1, 2, 4, 6, 8, 10, 12, 16, 20, 24]);
    expect(rampLevels(9)).toEqual([1, 2, 4, 6, 8, 9]);
    expect(rampLevels(1)).toEqual([1]);
  });
});
