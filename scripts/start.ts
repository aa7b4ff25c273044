// `npm start`: validates the configuration, installs the embedded speech engine's packages (as root), prepares the data dir and secrets, migrates, builds if needed, serves.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { appEnv, ConfigError, linksReachOnlyThisMachine } from "@/lib/config/env";
import { authSecret } from "@/lib/config/secrets";
import { databaseTargetFromEnv, openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { ensureSphinxWorker } from "@/lib/speech/pocketsphinx/worker-build";
import { addSpeechEngineForTests, assertSpeechEnginesKnown, configuredSpeechEngineIds, configuredSpeechEngines } from "@/lib/speech/registry";
import { clusterStartRefusal } from "@/lib/pipeline/instances";
import { createFakeEngine } from "@/lib/testing/fake-engine";
import { ensureEnginePackages } from "./lib/engine-packages";
import { ensureBuilt } from "./lib/build";

const root = path.resolve(__dirname, "..");

/** Builds the PocketSphinx decoder worker now (gcc, a few seconds), not at the first utterance the server hears. */
function buildSpeechWorker(env: ReturnType<typeof appEnv>) {
  if (!configuredSpeechEngineIds(env).includes("pocketsphinx") || env.VERBATIM_POCKETSPHINX_GATE === "off") return;
  const worker = ensureSphinxWorker(root);
  if (worker.ok) console.log(`PocketSphinx decoder worker: ${path.relative(root, worker.binary)}`);
  else console.warn(`PocketSphinx decoder worker: ${worker.problem} PocketSphinx runs pocketsphinx_continuous processes instead (see VERBATIM_POCKETSPHINX_GATE).`);
}

async function main() {
  const env = appEnv();
  if (env.VERBATIM_TEST_TONE_ENGINE) addSpeechEngineForTests(createFakeEngine());
  assertSpeechEnginesKnown(env);
  ensureEnginePackages(configuredSpeechEngines(env));
  buildSpeechWorker(env);
  if (linksReachOnlyThisMachine(env)) {
    console.warn(
      `Warning: VERBATIM_PUBLIC_URL is not set, so room, invite and download links will say ${env.publicUrl}, which nobody else can open. ` +
        "Set it to the address people reach Verbatim at (such as https://verbatim.example.com).",
    );
  }
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  // Generated once and shared with the server through the environment, so every process signs alike.
  process.env.AUTH_SECRET = authSecret(env);

  const target = databaseTargetFromEnv(env);
  console.log(`Database: ${"url" in target ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${path.relative(root, (target as { pgliteDir: string }).pgliteDir) || "."}`}`);
  const db = await openDatabase(target);
  try {
    await runMigrations(db);
    // Before building: a second instance on per-host state is refused now, not after minutes of work.
    const refusal = await clusterStartRefusal(db.db, env);
    if (refusal) {
      console.error(refusal);
      process.exit(1);
    }
  } finally {
    await db.close();
  }
  console.log("Migrations applied.");

  const status = await ensureBuilt();
  if (status !== 0) process.exit(status);

  console.log(`Verbatim on ${env.publicUrl}`);
  const server = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-p", String(env.PORT)], {
    cwd: root,
    stdio: "inherit",
    // NEXT_MANUAL_SIG_HANDLE: Next.js's own SIGTERM handler would exit at once, racing ours (lib/server/start.ts), which
    // first flushes live sessions within VERBATIM_SHUTDOWN_GRACE_SECONDS.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.kill(signal);
      // The server exits by itself within the grace period; this is only for a server that cannot (stuck at start-up).
      setTimeout(() => server.kill("SIGKILL"), (env.VERBATIM_SHUTDOWN_GRACE_SECONDS + 5) * 1000).unref();
    });
  }
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
