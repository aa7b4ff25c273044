// Builds the PocketSphinx decoder host (lib/speech/pocketsphinx/sphinx-worker.c) with gcc against Debian's libpocketsphinx-dev, once per version of its source.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** What building and running the worker needs on top of the pocketsphinx packages (npm start and npm test install them as root). */
export const SPHINX_WORKER_DEBIAN_PACKAGES = ["gcc", "libc6-dev", "pkg-config", "libpocketsphinx-dev"] as const;
export const SPHINX_WORKER_INSTALL_COMMAND = `apt-get install -y ${SPHINX_WORKER_DEBIAN_PACKAGES.join(" ")}`;

export type WorkerBuild = { ok: true; binary: string } | { ok: false; problem: string };

/** The C source: lib/speech/pocketsphinx/sphinx-worker.c of the project (the server and the tests run from its root). */
export function sphinxWorkerSource(root = process.cwd()): string {
  return path.join(root, "lib", "speech", "pocketsphinx", "sphinx-worker.c");
}

function cacheDir(root: string): string {
  const modules = path.join(root, "node_modules");
  return fs.existsSync(modules) ? path.join(modules, ".cache", "verbatim") : path.join(os.tmpdir(), "verbatim-cache");
}

let memo: { source: string; result: WorkerBuild } | undefined;

/**
 * The worker's executable, built now if this version of the source has not been (a second or two of gcc; npm start
 * and the test prerequisites build it ahead). Never throws: `problem` says what is missing and how to install it.
 */
export function ensureSphinxWorker(root = process.cwd()): WorkerBuild {
  const source = sphinxWorkerSource(root);
  if (memo?.source === source && memo.result.ok && fs.existsSync(memo.result.binary)) return memo.result;
  let code: Buffer;
  try {
    code = fs.readFileSync(source);
  } catch {
    return { ok: false, problem: `The PocketSphinx worker's source (${source}) is missing.` };
  }
  const result = build(code, source, root);
  memo = { source, result };
  return result;
}

function build(code: Buffer, source: string, root: string): WorkerBuild {
  let flags: string[];
  try {
    flags = execFileSync("pkg-config", ["--cflags", "--libs", "pocketsphinx"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim().split(/\s+/);
  } catch {
    return { ok: false, problem: `PocketSphinx's development files are not installed. Install them with: ${SPHINX_WORKER_INSTALL_COMMAND}` };
  }
  const version = createHash("sha256").update(code).update(flags.join(" ")).digest("hex").slice(0, 12);
  const dir = cacheDir(root);
  const binary = path.join(dir, `sphinx-worker-${version}`);
  if (fs.existsSync(binary)) return { ok: true, binary };
  fs.mkdirSync(dir, { recursive: true });
  // Built under a name of its own and renamed: processes building it at once never run a half-written file.
  const partial = `${binary}.${process.pid}.tmp`;
  try {
    execFileSync("gcc", ["-O2", "-o", partial, source, ...flags, "-lpthread"], { stdio: ["ignore", "pipe", "pipe"] });
    fs.renameSync(partial, binary);
    return { ok: true, binary };
  } catch (e) {
    fs.rmSync(partial, { force: true });
    const err = e as { stderr?: Buffer; message: string };
    const detail = (err.stderr?.toString() || err.message).trim().split("\n").slice(-3).join(" | ");
    return { ok: false, problem: `The PocketSphinx worker could not be built (${detail}). Install the build tools with: ${SPHINX_WORKER_INSTALL_COMMAND}` };
  }
}
