// Command-line options of `npm run bench`.
import { parseArgs } from "node:util";
import { UsageError } from "./simulate-args";

export const BENCH_USAGE = `Usage: npm run bench -- [--json] [--url URL --api-key KEY | --database-url URL] [--max-streams N] [--pool-max N] [--list-rows N] [--only PART]

Prints issue 5's figures (latency, real-time streams, pipeline CPU, ready after leave, WER) and the summary and list
timings. Without --url it starts a private server on a fresh embedded database (or on --database-url).
  --max-streams N   highest number of concurrent speaker streams to try (default 24)
  --pool-max N      recognizers the capacity part's pool lends at once (default VERBATIM_ENGINE_POOL_MAX, else the
                    server's default from cores and memory)
  --list-rows N     transcriptions seeded for the list/search timings (default 100000; 0 skips them)
  --only PART       run one part alone: deepgram (the latency the pipeline adds to a local Deepgram protocol server's
                    answers, in this process), openai (the OpenAI-compatible engine's overhead and the VAD's CPU),
                    durability (final segments lost to a 30 s database outage mid-session, and words lost to a SIGTERM
                    mid-sentence, each on a private server of its own; goal 0 for both), or capacity (the speech-gated
                    PocketSphinx engine: CPU per speaking stream, streams and meetings of six held in real time, memory
                    per silent participant; no private server), live (two private servers on one PostgreSQL
                    database, --database-url's server or the local one: how much later instance B's live stream
                    carries a final than A's, and finals missed by a client that keeps resuming; goals ≤ 200 ms and 0),
                    speech (latency, interim text, WER and real-time streams through a private server, as the
                    engine runs by default), or failover (a cluster of three instances behind HAProxy on one
                    PostgreSQL database; one killed with kill -9 mid-session: how long until its rooms take audio
                    again on another instance, goal ≤ 15000 ms, and words lost by browser-like clients that buffer and
                    retry, goal 0; on --database-url or a fresh database on the local PostgreSQL)
  --json            one JSON object with every figure on the last line`;

/** Parts of the benchmark that run alone with --only. */
export const BENCH_PARTS = ["deepgram", "openai", "durability", "capacity", "live", "speech", "failover"] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export type BenchOptions = {
  json: boolean;
  server: { url: string; apiKey: string } | null;
  databaseUrl: string | null;
  maxStreams: number;
  /** The capacity part's pool size; null: the server's (VERBATIM_ENGINE_POOL_MAX or its default). */
  poolMax: number | null;
  listRows: number;
  /** Run only this part; null runs everything. */
  only: BenchPart | null;
  help: boolean;
};

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} "${raw}" must be a whole number from ${min} to ${max}`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: "boolean" },
        url: { type: "string" },
        "api-key": { type: "string" },
        "database-url": { type: "string" },
        "max-streams": { type: "string" },
        "pool-max": { type: "string" },
        "list-rows": { type: "string" },
        only: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (Boolean(values.url) !== Boolean(values["api-key"])) throw new UsageError("--url and --api-key go together");
  if (values.url && values["database-url"]) throw new UsageError("--database-url is for the private server; it does not go with --url");
  if (values["database-url"] && !/^postgres(ql)?:\/\//.test(values["database-url"])) throw new UsageError("--database-url must be a postgres:// URL");
  const only = values.only ?? null;
  if (only !== null && !(BENCH_PARTS as readonly string[]).includes(only)) throw new UsageError(`--only "${only}" must be one of ${BENCH_PARTS.join(", ")}`);
  let server: BenchOptions["server"] = null;
  if (values.url) {
    if (!URL.canParse(values.url)) throw new UsageError(`--url "${values.url}" is not an absolute URL`);
    server = { url: values.url.replace(/\/+$/, ""), apiKey: values["api-key"]! };
  }
  return {
    json: Boolean(values.json),
    server,
    databaseUrl: values["database-url"] ?? null,
    maxStreams: wholeNumber("max-streams", values["max-streams"], 24, 1, 200),
    poolMax: values["pool-max"] === undefined ? null : wholeNumber("pool-max", values["pool-max"], 0, 1, 1000),
    listRows: wholeNumber("list-rows", values["list-rows"], 100_000, 0, 10_000_000),
    only: only as BenchPart | null,
    help: Boolean(values.help),
  };
}

/** The stream counts the ramp tries, in order: fine steps where machines differ most, coarser above. */
export function rampLevels(maxStreams: number): number[] {
  const levels: number[] = [];
  for (const n of [1, 2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 100, 128, 160, 200]) if (n <= maxStreams) levels.push(n);
  if (levels.at(-1) !== maxStreams) levels.push(maxStreams);
  return levels;
}
