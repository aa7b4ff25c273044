// Command-line options of `npm run simulate`: parsed and checked once, with messages that say what to type instead.
import { parseArgs } from "node:util";
import { startTriggers, type StartTrigger } from "@/lib/start-triggers";
import { transcriptionLanguages } from "@/lib/speech/languages";

export const SIMULATE_USAGE = `Usage: npm run simulate -- --participant "Ana=a.wav" [--participant "Ben=b.wav" ...] [options]

Creates a room through the API (or uses an existing one), joins the participants, streams each WAV file as that
participant's audio, leaves, waits for the transcript and prints it.

Options:
  --participant "NAME=FILE.wav"  a participant and their audio (any common WAV: 8-32 bit, any rate, mono or stereo)
  --trigger T                    start trigger of the room: ${startTriggers.join(" | ")} (default automatic)
  --language CODE                language of the new room (default: the account's), one of
                                 ${transcriptionLanguages.join(" ")}
                                 (the server refuses one no configured speech engine supports, naming the engines)
  --room NAME                    run the session in this existing room of the account (/name or name), with its
                                 own trigger and language; needs --url and --api-key
  --speed N                      stream N times faster than real time (default 1)
  --url URL --api-key KEY        use a running Verbatim; without them a private server is started on a fresh database
  --database-url URL             serve the private server from this (empty) PostgreSQL database instead
  --generate                     synthesize a two-voice demo conversation with flite and use it when no
                                 --participant is given (--generate-dir DIR keeps the WAV files in DIR)
  --timeout SECONDS              how long to wait for the transcript after the last leave (default 120)
  --json                         print one JSON object on the last line: transcriptionId, state, filename, markdown,
                                 roomName, language, engine
  --help`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type SimulateParticipant = { displayName: string; wavPath: string; participantId: string };

export type SimulateOptions = {
  participants: SimulateParticipant[];
  trigger: StartTrigger;
  /** The new room's language; null: the account default. */
  language: string | null;
  /** An existing room to use instead of creating one, with its leading slash. */
  room: string | null;
  speed: number;
  server: { url: string; apiKey: string } | null;
  /** PostgreSQL for the private server; null = a fresh embedded database. */
  databaseUrl: string | null;
  /** Set when --generate was given: the directory for demo WAVs, or "" for a temp dir. */
  generateDir: string | null;
  timeoutMs: number;
  json: boolean;
  help: boolean;
};

/** A participant id the ingest contract accepts ([A-Za-z0-9_-], 1..64), from the display name and its position. */
export function participantIdFor(displayName: string, index: number): string {
  const slug = displayName
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase()
    .slice(0, 40);
  return `sim-${index + 1}${slug ? `-${slug}` : ""}`;
}

/** "Ana=a.wav" → { displayName: "Ana", wavPath: "a.wav" }; the first "=" splits, so a path may contain "=". */
export function parseParticipantSpec(spec: string, index: number): SimulateParticipant {
  const at = spec.indexOf("=");
  if (at < 0) throw new UsageError(`--participant "${spec}" needs the form NAME=FILE.wav`);
  const displayName = spec.slice(0, at).trim();
  const wavPath = spec.slice(at + 1).trim();
  if (!displayName) throw new UsageError(`--participant "${spec}" has no name before "="`);
  if (displayName.length > 80) throw new UsageError(`--participant name "${displayName.slice(0, 20)}…" is longer than 80 characters`);
  if (!wavPath) throw new UsageError(`--participant "${spec}" has no WAV file after "="`);
  return { displayName, wavPath, participantId: participantIdFor(displayName, index) };
}

export function parseSimulateArgs(argv: string[]): SimulateOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        participant: { type: "string", multiple: true },
        trigger: { type: "string" },
        language: { type: "string" },
        room: { type: "string" },
        speed: { type: "string" },
        url: { type: "string" },
        "api-key": { type: "string" },
        "database-url": { type: "string" },
        generate: { type: "boolean" },
        "generate-dir": { type: "string" },
        timeout: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const help = Boolean(v.help);
  const trigger = (v.trigger ?? "automatic") as StartTrigger;
  if (!startTriggers.includes(trigger)) {
    throw new UsageError(`--trigger "${v.trigger}" is not a start trigger; use one of ${startTriggers.join(", ")}`);
  }
  const language = v.language ?? null;
  if (language !== null && !(transcriptionLanguages as readonly string[]).includes(language)) {
    throw new UsageError(`--language "${language}" is not a transcription language; use one of ${transcriptionLanguages.join(", ")}`);
  }
  let room: string | null = null;
  if (v.room !== undefined) {
    if (!/^\/?[a-z0-9][a-z0-9-]{0,100}$/.test(v.room)) throw new UsageError(`--room "${v.room.slice(0, 40)}" is not a room name such as /sales-4f1c… (see the Rooms page)`);
    room = v.room.startsWith("/") ? v.room : `/${v.room}`;
    // The room's own settings apply: its language was fixed when it was created.
    if (v.trigger !== undefined) throw new UsageError("--trigger is for a new room; --room uses that room's own start trigger");
    if (language !== null) throw new UsageError("--language is for a new room; --room uses that room's language, fixed when it was created");
  }
  const speed = v.speed === undefined ? 1 : Number(v.speed);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000) throw new UsageError(`--speed "${v.speed}" must be a number above 0 (at most 1000)`);
  const timeoutSec = v.timeout === undefined ? 120 : Number(v.timeout);
  if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout "${v.timeout}" must be a number of seconds above 0`);
  if (Boolean(v.url) !== Boolean(v["api-key"])) {
    throw new UsageError("--url and --api-key go together: give both to use a running server, or neither to start a private one");
  }
  let server: SimulateOptions["server"] = null;
  if (v.url) {
    let url: URL;
    try {
      url = new URL(v.url);
    } catch {
      throw new UsageError(`--url "${v.url}" is not an absolute URL such as http://localhost:3000`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url "${v.url}" must be http:// or https://`);
    server = { url: url.origin + url.pathname.replace(/\/+$/, ""), apiKey: v["api-key"]! };
  }
  if (room !== null && !server) throw new UsageError("--room needs --url and --api-key: the private server starts with an empty database, without rooms");
  const databaseUrl = v["database-url"] ?? null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError("--database-url must be a postgres:// URL");
  if (databaseUrl !== null && server) throw new UsageError("--database-url is for the private server; it does not go with --url");
  const generateDir = v.generate || v["generate-dir"] !== undefined ? (v["generate-dir"] ?? "") : null;
  const participants = (v.participant ?? []).map(parseParticipantSpec);
  if (!help && participants.length === 0 && generateDir === null) {
    throw new UsageError('Give at least one --participant "NAME=FILE.wav" (or --generate for demo voices)');
  }
  // Speakers are told apart by name in the transcript, so two of one name would be ambiguous.
  const names = new Set<string>();
  for (const p of participants) {
    if (names.has(p.displayName.toLowerCase())) throw new UsageError(`Two participants are called "${p.displayName}"`);
    names.add(p.displayName.toLowerCase());
  }
  return { participants, trigger, language, room, speed, server, databaseUrl, generateDir, timeoutMs: timeoutSec * 1000, json: Boolean(v.json), help };
}
