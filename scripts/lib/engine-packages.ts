// `npm start` on a fresh machine: the Debian packages the configured embedded speech engines need, installed as root or named with the exact command.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { SpeechEngine } from "@/lib/speech/types";

const script = path.resolve(__dirname, "..", "ensure-debian-packages.sh");

export type EnginePackagesOutcome = { packages: string[]; installed: boolean; output: string };

/**
 * Runs scripts/ensure-debian-packages.sh (the one npm test uses) for the engines' packages. Never throws and never
 * stops the start: without root it prints the exact apt-get command, and the server still serves (the engine check
 * then says which languages cannot be transcribed). Off Debian (no dpkg) there is nothing to do here.
 */
export function ensureEnginePackages(
  engines: readonly Pick<SpeechEngine, "debianPackages">[],
  opts: { log?: (text: string) => void; spawn?: Pick<SpawnSyncOptions, "uid" | "gid"> } = {},
): EnginePackagesOutcome {
  const log = opts.log ?? ((text: string) => process.stdout.write(text));
  const packages = [...new Set(engines.flatMap((e) => e.debianPackages ?? []))];
  if (packages.length === 0 || !fs.existsSync("/usr/bin/dpkg-query")) return { packages, installed: true, output: "" };
  const result = spawnSync("bash", [script, ...packages], { encoding: "utf8", ...opts.spawn });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  log(output);
  const installed = result.status === 0;
  if (!installed) log("Serving anyway: the speech engine that needs these packages cannot transcribe until they are installed.\n");
  return { packages, installed, output };
}
