// `next build` once per change of the source: the hash of the build's inputs is kept beside the build.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const buildInputs = ["app", "components", "lib", "public", "next.config.mjs", "tailwind.config.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "instrumentation.ts"];

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

/** Builds when the source changed since the last build; the exit status of `next build` (0 when nothing to do). */
export async function ensureBuilt(): Promise<number> {
  console.log("Checking whether the app needs building…");
  const hashFile = path.join(root, ".next", "verbatim-source-hash");
  const hash = sourceHash();
  const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(hashFile) && fs.readFileSync(hashFile, "utf8") === hash;
  if (built) return 0;
  const status = await build();
  if (status === 0) fs.writeFileSync(hashFile, hash);
  return status;
}
