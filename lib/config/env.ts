// Reads and validates every setting the app takes from the environment, once, with messages an operator can act on.
import path from "node:path";
import { z } from "zod";
import { transcriptionLanguages } from "@/lib/config/languages";
import { PARTICIPANT_IDLE_TIMEOUT_MS } from "@/lib/session-timing";

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const speechEngineIdPattern = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The engine used when neither VERBATIM_SPEECH_ENGINES nor VERBATIM_SPEECH_ENGINE is set. */
export const DEFAULT_SPEECH_ENGINES = ["pocketsphinx"] as const;

/** The waits between upload attempts to a customer's bucket when VERBATIM_UPLOAD_RETRY_DELAYS_MS is unset (about 19 minutes). */
export const DEFAULT_UPLOAD_RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000] as const;

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  VERBATIM_DATA_DIR: z.string().min(1).default("./data"),
  VERBATIM_PUBLIC_URL: z.url("must be an absolute URL such as https://verbatim.example.com").optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  VERBATIM_ENCRYPTION_KEYS: z.string().optional(),
  VERBATIM_SESSION_MAX_AGE_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  VERBATIM_RATE_LIMIT_POINTS: z.coerce.number().int().positive().default(1000),
  VERBATIM_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
  VERBATIM_WEBHOOK_ALLOW_PRIVATE: booleanFlag,
  // Customers' S3 endpoints on private and loopback addresses (a self-hosted MinIO on the same network); never metadata.
  VERBATIM_S3_ALLOW_PRIVATE: booleanFlag,
  // The engine ids are checked against this build's engines at start (lib/speech/registry.ts); here only their form.
  VERBATIM_SPEECH_ENGINES: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((id) => id.trim()).filter(Boolean))
    .refine((ids) => ids.every((id) => speechEngineIdPattern.test(id)), "list engine ids separated by commas, such as deepgram,pocketsphinx")
    .refine((ids) => new Set(ids).size === ids.length, "name each engine once"),
  // The single-engine form of VERBATIM_SPEECH_ENGINES, kept for existing configurations.
  VERBATIM_SPEECH_ENGINE: z
    .string()
    .regex(speechEngineIdPattern, "use one engine id, such as pocketsphinx")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Interim text from a second PocketSphinx recognizer (about twice the engine CPU); 0 sends final segments only.
  VERBATIM_POCKETSPHINX_INTERIM: z
    .enum(["0", "1", "true", "false", ""])
    .optional()
    .transform((v) => v === undefined || v === "" || v === "1" || v === "true"),
  // Silence gated before PocketSphinx, decoders lent per utterance from a pool (lib/speech/gated-stream.ts). "auto"
  // (default): gated, with the decoders in one worker process, when the worker can be built here (libpocketsphinx-dev);
  // else a process per track. "1": gated always (a process per utterance without the worker). "0": a process per track.
  VERBATIM_POCKETSPHINX_GATE: z
    .enum(["0", "1", "true", "false", "auto", ""])
    .optional()
    .transform((v): "auto" | "on" | "off" => (v === "1" || v === "true" ? "on" : v === "0" || v === "false" ? "off" : "auto")),
  // The OpenAI-compatible transcription engine ("openai"): any /audio/transcriptions server (OpenAI, speaches, vLLM, whisper.cpp).
  VERBATIM_TRANSCRIBE_BASE_URL: z.url("must be an absolute URL such as https://api.openai.com/v1").optional(),
  VERBATIM_TRANSCRIBE_API_KEY: z.string().optional(),
  VERBATIM_TRANSCRIBE_MODEL: z.string().min(1).default("whisper-1"),
  VERBATIM_TRANSCRIBE_PATH: z.string().regex(/^\/\S*$/, "must be a path starting with /, such as /audio/transcriptions or /inference").default("/audio/transcriptions"),
  VERBATIM_TRANSCRIBE_LANGUAGES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const codes = (v ?? "").split(",").map((c) => c.trim()).filter(Boolean);
      if (codes.length === 0) return [...transcriptionLanguages];
      const unknown = codes.filter((c) => !(transcriptionLanguages as readonly string[]).includes(c));
      if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown language codes: ${unknown.join(", ")} (known: ${transcriptionLanguages.join(", ")})` });
      return codes;
    }),
  VERBATIM_TRANSCRIBE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Interim text by sending the growing utterance about once a second: more requests, so off unless the operator says so.
  VERBATIM_TRANSCRIBE_INTERIM: booleanFlag,
  // Participants present at once in one room; a join beyond it is refused with 503 and Retry-After.
  VERBATIM_ROOM_MAX_PARTICIPANTS: z.coerce.number().int().min(1).max(10_000).default(100),
  // Deepgram live streaming (the engine id deepgram in VERBATIM_SPEECH_ENGINES). The key is sent only in the socket's Authorization header.
  DEEPGRAM_API_KEY: z.string().optional(),
  VERBATIM_DEEPGRAM_URL: z
    .string()
    .regex(/^wss?:\/\/[^\s/]+/, "must be a wss:// (or ws://) URL such as wss://api.deepgram.com/v1/listen")
    .default("wss://api.deepgram.com/v1/listen"),
  // Unset: nova-3 where it has the room's language, nova-2 otherwise (Thai).
  VERBATIM_DEEPGRAM_MODEL: z.string().optional().or(z.literal("").transform(() => undefined)),
  // How long the end of a track waits for Deepgram's last results (a self-hosted Deepgram on slow hardware may need more).
  VERBATIM_DEEPGRAM_FINISH_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  // Recognizers lent to utterances at once (lib/speech/recognizer-pool.ts); unset: 8 per core, within half the memory.
  VERBATIM_ENGINE_POOL_MAX: z.coerce.number().int().min(1).max(1000).optional().or(z.literal("").transform(() => undefined)),
  // How long an utterance waits for a recognizer before the instance is over capacity (new sessions get 503).
  VERBATIM_ENGINE_POOL_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  // Bearer token /metrics requires; unset, /metrics answers anyone who can reach the server.
  VERBATIM_METRICS_TOKEN: z.string().min(16, "use at least 16 characters").optional().or(z.literal("").transform(() => undefined)),
  // A participant not heard from (audio, heartbeat) for this long has left; 0 turns the timeout off.
  VERBATIM_PARTICIPANT_IDLE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(PARTICIPANT_IDLE_TIMEOUT_MS / 1000),
  // On SIGTERM: how long live sessions have to flush their speech engines and store the last words before the exit.
  VERBATIM_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(25),
  // The waits before each retry of a failed upload to a customer's bucket (ms, comma-separated): one more try than
  // waits, then the transcript is `failed` and an admin retries it. Default: 7 retries over about 19 minutes.
  VERBATIM_UPLOAD_RETRY_DELAYS_MS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parts = (v ?? "").split(",").map((p) => p.trim()).filter(Boolean);
      if (parts.length === 0) return [...DEFAULT_UPLOAD_RETRY_DELAYS_MS];
      const delays = parts.map(Number);
      if (parts.length > 50 || delays.some((d) => !Number.isInteger(d) || d < 100 || d > 86_400_000)) {
        ctx.addIssue({ code: "custom", message: "list up to 50 waits in milliseconds (100 to 86400000) separated by commas, such as 2000,10000,30000" });
      }
      return delays;
    }),
  // Names this app instance in session leases; stable across restarts so a restarted instance reclaims its sessions.
  VERBATIM_INSTANCE_ID: z.string().regex(/^[\w.:-]{1,100}$/, "letters, digits, . _ : - only").optional(),
  // Where the other instances reach this one (requests for a room whose session lives here are forwarded to it).
  // Unset: http://<hostname>:<PORT>.
  VERBATIM_INTERNAL_URL: z
    .url("must be an absolute URL such as http://10.0.0.5:3000")
    .regex(/^https?:\/\//, "must be an http:// or https:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // How long a session's lease lasts without renewal (renewed every third of it): another instance takes over a dead
  // owner's rooms this long after its last renewal at most. Shorter: faster failover, more database writes.
  VERBATIM_LEASE_SECONDS: z.coerce.number().int().min(3).max(300).default(10),
  // Tests and the local cluster only: adds the tone-word engine (lib/testing/fake-engine.ts) as engine id "fake".
  VERBATIM_TEST_TONE_ENGINE: booleanFlag,
  VERBATIM_HOSTED_S3_BUCKET: z.string().optional(),
  VERBATIM_HOSTED_S3_REGION: z.string().optional(),
  VERBATIM_HOSTED_S3_ACCESS_KEY_ID: z.string().optional(),
  VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: z.string().optional(),
  VERBATIM_HOSTED_S3_ENDPOINT: z.url().optional(),
  VERBATIM_SUMMARY_ENGINE: z.enum(["extractive", "openai"]).optional(),
  VERBATIM_OPENAI_BASE_URL: z.url().optional(),
  VERBATIM_OPENAI_API_KEY: z.string().optional(),
  VERBATIM_SUMMARY_MODEL: z.string().optional(),
  // Read again by lib/summaries/engines/registry.ts from process.env; validated here so a typo stops the start.
  VERBATIM_SUMMARY_CONTEXT_TOKENS: z.coerce.number().int().min(1000).optional(),
  VERBATIM_SUMMARY_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(100).optional(),
  VERBATIM_SUMMARY_TIMEOUT_MS: z.coerce.number().int().min(1000).optional(),
});

export type AppEnv = z.infer<typeof envSchema> & {
  dataDir: string;
  publicUrl: string;
  /** The operator's speech engines, in order of preference (VERBATIM_SPEECH_ENGINES, else VERBATIM_SPEECH_ENGINE). */
  speechEngines: readonly string[];
};

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const hostedS3 = [
    env.VERBATIM_HOSTED_S3_BUCKET,
    env.VERBATIM_HOSTED_S3_REGION,
    env.VERBATIM_HOSTED_S3_ACCESS_KEY_ID,
    env.VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY,
  ];
  if (hostedS3.some(Boolean) && !hostedS3.every(Boolean)) {
    throw new ConfigError(
      "Invalid configuration in the environment:\n  VERBATIM_HOSTED_S3_*: set all of BUCKET, REGION, ACCESS_KEY_ID and SECRET_ACCESS_KEY, or none",
    );
  }
  return {
    ...env,
    dataDir: path.resolve(env.VERBATIM_DATA_DIR),
    publicUrl: (env.VERBATIM_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ""),
    speechEngines:
      env.VERBATIM_SPEECH_ENGINES.length > 0
        ? env.VERBATIM_SPEECH_ENGINES
        : env.VERBATIM_SPEECH_ENGINE
          ? [env.VERBATIM_SPEECH_ENGINE]
          : DEFAULT_SPEECH_ENGINES,
  };
}

/**
 * True when VERBATIM_PUBLIC_URL is unset and links fall back to a loopback address: room, invite and download links
 * would then open only on the server itself. `npm start` and the admin's dashboard warn about it.
 */
export function linksReachOnlyThisMachine(env: Pick<AppEnv, "VERBATIM_PUBLIC_URL" | "publicUrl">): boolean {
  if (env.VERBATIM_PUBLIC_URL) return false;
  const host = new URL(env.publicUrl).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

let cached: AppEnv | undefined;

/** The validated environment of this process. */
export function appEnv(): AppEnv {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change the environment between cases; this forgets the cached copy. */
export function resetAppEnvForTests() {
  cached = undefined;
}
