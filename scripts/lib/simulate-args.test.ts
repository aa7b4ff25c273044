import { describe, expect, it } from "vitest";
import { parseParticipantSpec, parseSimulateArgs, participantIdFor, UsageError } from "./simulate-args";

describe("simulator arguments", () => {
  it("takes participants, trigger, speed, server and json exactly as issue 5 writes them", () => {
    const o = parseSimulateArgs([
      "--participant", "Ana=a.wav", "--participant", "Ben=/tmp/b=c.wav",
      "--trigger", "automatic-2nd-participant", "--speed", "4", "--url", "http://localhost:3000/", "--api-key", "vbt_x", "--json",
    ]);
    expect(o.participants).toEqual([
      { displayName: "Ana", wavPath: "a.wav", participantId: "sim-1-ana" },
      { displayName: "Ben", wavPath: "/tmp/b=c.wav", participantId: "sim-2-ben" },
    ]);
    expect(o.trigger).toBe("automatic-2nd-participant");
    expect(o.speed).toBe(4);
    expect(o.server).toEqual({ url: "http://localhost:3000", apiKey: "vbt_x" });
    expect(o.json).toBe(true);
    expect(o.generateDir).toBeNull();
  });

  it("defaults to the automatic trigger, real time, a private server and a 120 s wait", () => {
    const o = parseSimulateArgs(["--participant", "Ana=a.wav"]);
    expect(o).toMatchObject({ trigger: "automatic", speed: 1, server: null, json: false, timeoutMs: 120_000 });
  });

  it("accepts --generate without participants", () => {
    expect(parseSimulateArgs(["--generate"]).generateDir).toBe("");
    expect(parseSimulateArgs(["--generate-dir", "/tmp/demo"]).generateDir).toBe("/tmp/demo");
  });

  it.each([
    [[], /at least one --participant/],
    [["--participant", "a.wav"], /NAME=FILE\.wav/],
    [["--participant", "=a.wav"], /no name/],
    [["--participant", "Ana="], /no WAV file/],
    [["--participant", `${"x".repeat(81)}=a.wav`], /longer than 80/],
    [["--participant", "Ana=a.wav", "--participant", "Ana=b.wav"], /Two participants are called "Ana"/],
    [["--participant", "Ana=a.wav", "--trigger", "sometimes"], /not a start trigger/],
    [["--participant", "Ana=a.wav", "--speed", "0"], /--speed "0"/],
    [["--participant", "Ana=a.wav", "--speed", "fast"], /--speed "fast"/],
    [["--participant", "Ana=a.wav", "--timeout", "-1"], /--timeout/],
    [["--participant", "Ana=a.wav", "--url", "http://x:3000"], /go together/],
    [["--participant", "Ana=a.wav", "--api-key", "k"], /go together/],
    [["--participant", "Ana=a.wav", "--url", "not a url", "--api-key", "k"], /not an absolute URL/],
    [["--participant", "Ana=a.wav", "--url", "ftp://x", "--api-key", "k"], /http/],
    [["--participant", "Ana=a.wav", "--colour", "red"], /Unknown option '--colour'/],
    [["stray"], /Unexpected argument 'stray'/],
  ])("refuses %j with a message that says what to do", (argv, message) => {
    expect(() => parseSimulateArgs(argv)).toThrow(UsageError);
    expect(() => parseSimulateArgs(argv)).toThrow(message);
  });

  it("makes participant ids the ingest contract accepts from any display name", () => {
    for (const [name, i] of [["Zoë O'Brien", 0], ["李雷", 3], ["  --  ", 1], ["A".repeat(80), 9]] as const) {
      expect(participantIdFor(name, i)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    expect(participantIdFor("Zoë O'Brien", 0)).toBe("sim-1-zoe-o-brien");
    expect(participantIdFor("李雷", 3)).toBe("sim-4");
    expect(parseParticipantSpec(" Ana = a.wav ", 0)).toMatchObject({ displayName: "Ana", wavPath: "a.wav" });
  });
});

describe("simulator database option", () => {
  it("takes a PostgreSQL URL for the private server only", () => {
    expect(parseSimulateArgs(["--participant", "A=a.wav", "--database-url", "postgres://u@127.0.0.1/x"]).databaseUrl).toBe("postgres://u@127.0.0.1/x");
    expect(parseSimulateArgs(["--participant", "A=a.wav"]).databaseUrl).toBeNull();
    expect(() => parseSimulateArgs(["--participant", "A=a.wav", "--database-url", "mysql://x"])).toThrow(/postgres:\/\//);
    expect(() => parseSimulateArgs(["--participant", "A=a.wav", "--database-url", "postgres://x/y", "--url", "http://h", "--api-key", "k"])).toThrow(/does not go with --url/);
  });
});

describe("simulator arguments: language and an existing room", () => {
  const server = ["--url", "http://localhost:3000", "--api-key", "vbt_x"];

  it("takes the new room's language; none means the account default", () => {
    expect(parseSimulateArgs(["--participant", "Ana=a.wav", "--language", "pt-BR"])).toMatchObject({ language: "pt-BR", room: null });
    expect(parseSimulateArgs(["--participant", "Ana=a.wav"]).language).toBeNull();
  });

  it("runs in an existing room by its name, with or without the slash", () => {
    expect(parseSimulateArgs(["--participant", "Ana=a.wav", "--room", "sales-4f1c", ...server]).room).toBe("/sales-4f1c");
    expect(parseSimulateArgs(["--participant", "Ana=a.wav", "--room", "/sales-4f1c", ...server]).room).toBe("/sales-4f1c");
  });

  it.each([
    [["--language", "xx"], /--language "xx" is not a transcription language/],
    [["--language", "EN"], /not a transcription language/],
    [["--room", "sales 4f1c", ...server], /is not a room name/],
    [["--room", "/sales-4f1c"], /--room needs --url and --api-key/],
    [["--room", "/sales-4f1c", "--trigger", "manual", ...server], /--trigger is for a new room/],
    [["--room", "/sales-4f1c", "--language", "de", ...server], /--language is for a new room/],
  ])("refuses %j", (args, message) => {
    expect(() => parseSimulateArgs(["--participant", "Ana=a.wav", ...(args as string[])])).toThrow(UsageError);
    expect(() => parseSimulateArgs(["--participant", "Ana=a.wav", ...(args as string[])])).toThrow(message);
  });
});
