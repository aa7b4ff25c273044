// `npm start`: validates the configuration, installs the embedded speech engine's packages (as root), prepares the data dir and secrets, migrates, builds if needed, serves.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { appEnv, ConfigError, linksReachOnlyThisMachine } from "@/lib/config/env";
import { authSecret } from "@/lib/config/secrets";
import { databaseTargetFromEnv, openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { ensureSphinxWorker } from "@/lib/speech/pocketsphinx/worker-build";
import { assertSpeechEnginesKnown, configuredSpeechEngineIds, configuredSpeechEngines } from "@/lib/speech/registry";
import { ensureEnginePackages } from "./lib/engine-packages";

const root = path.resolve(__dirname, "..");
const buildInputs = ["app", "components", "lib", "public", "next.config.mjs", "tailwind.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json"];

function sourceHash(): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    const full = path.join(root, p);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) walk(path.join(p, name));
    } else if (!p.endsWith(".test.ts")) {
      hash.update(p).update(fs.readFileSync(full));
    }
  };
  buildInputs.forEach(walk);
  return hash.digest("hex");
}

/** Runs `next build`, saying every 20 s that it is still working: the first build takes about two minutes. */
function build(): Promise<number> {
  const started = Date.now();
  console.log("Building the app (once per change of the source; about two minutes the first time)…");
  const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  const ticker = setInterval(() => console.log(`  still building… ${Math.round((Date.now() - started) / 1000)} s`), 20_000);
  return new Promise((resolve) =>
    child.on("exit", (code) => {
      clearInterval(ticker);
      if (code === 0) console.log(`Built in ${Math.round((Date.now() - started) / 1000)} s.`);
      resolve(code ?? 1);
    }),
  );
}

/** Builds the PocketSphinx decoder worker now (gcc, a few seconds), not at the first utterance the server hears. */
function buildSpeechWorker(env: ReturnType<typeof appEnv>) {
  if (!configuredSpeechEngineIds(env).includes("pocketsphinx") || env.VERBATIM_POCKETSPHINX_GATE === "off") return;
  const worker = ensureSphinxWorker(root);
  if (worker.ok) console.log(`PocketSphinx decoder worker: ${path.relative(root, worker.binary)}`);
  else console.warn(`PocketSphinx decoder worker: ${worker.problem} PocketSphinx runs pocketsphinx_continuous processes instead (see VERBATIM_POCKETSPHINX_GATE).`);
}

async function main() {
  const env = appEnv();
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
  } finally {
    await db.close();
  }
  console.log("Migrations applied.");
  console.log("Checking whether the app needs building…");

  const hashFile = path.join(root, ".next", "verbatim-source-hash");
  const hash = sourceHash();
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(hashFile) && fs.readFileSync(hashFile, "utf8") === hash;
  if (!built) {
    const status = await build();
    if (status !== 0) process.exit(status);
    fs.writeFileSync(hashFile, hash);
  }

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
