// Reads and validates every setting the app takes from the environment, once, with messages an operator can act on.
import path from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

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
  VERBATIM_SPEECH_ENGINE: z.string().min(1).default("pocketsphinx"),
  // Interim text from a second PocketSphinx recognizer (about twice the engine CPU); 0 sends final segments only.
  VERBATIM_POCKETSPHINX_INTERIM: z
    .enum(["0", "1", "true", "false", ""])
    .optional()
    .transform((v) => v === undefined || v === "" || v === "1" || v === "true"),
  // A participant not heard from (audio, heartbeat) for this long has left; 0 turns the timeout off.
  VERBATIM_PARTICIPANT_IDLE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(90),
  // On SIGTERM: how long live sessions have to flush their speech engines and store the last words before the exit.
  VERBATIM_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(25),
  // Names this app instance in session leases; stable across restarts so a restarted instance reclaims its sessions.
  VERBATIM_INSTANCE_ID: z.string().regex(/^[\w.:-]{1,100}$/, "letters, digits, . _ : - only").optional(),
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

export type AppEnv = z.infer<typeof envSchema> & { dataDir: string; publicUrl: string };

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
  };
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
