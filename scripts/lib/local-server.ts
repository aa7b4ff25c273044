// A private Verbatim for the simulator and the benchmark: a fresh embedded database with an admin and an API key, served by `npm start` on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";

export type LocalServer = {
  url: string;
  apiKey: string;
  adminEmail: string;
  adminPassword: string;
  dataDir: string;
  /** The pid of the `npm start` process (it serves, or its child does). */
  pid: number;
  /** Pids of the server's Node processes, for CPU accounting (Linux /proc). */
  nodePids(): number[];
  /** Pids of the server's live engine processes (its descendants that are not node: the PocketSphinx worker, recognizers). */
  enginePids(): number[];
  /** The server's own log, for error messages. */
  logTail(): string;
  /** Sends a signal to the `npm start` process, as an orchestrator does (SIGTERM on a deploy). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the current server process has exited, saying how. */
  exited(): Promise<string>;
  /** Starts the server again on the same data dir, port and instance id (after it exited), and waits until it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

const repoRoot = path.resolve(__dirname, "..", "..");

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates the account and key in the embedded database before the server opens it: PGlite is single-process,
 * so this process must have closed it by the time the server starts.
 */
async function provision(dataDir: string, databaseUrl?: string): Promise<{ apiKey: string; email: string; password: string }> {
  const handle = await openDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: path.join(dataDir, "pglite") });
  try {
    await runMigrations(handle);
    // A fresh account every time, so a shared PostgreSQL database may already hold others.
    const email = `simulator-${randomBytes(6).toString("hex")}@example.com`;
    const password = randomBytes(18).toString("base64url");
    const { account, user } = await createAccountWithAdmin(
      handle.db,
      { accountName: "Simulator", name: "Simulator", email, password },
      { onlyIfEmpty: false, via: "cli" },
    );
    const created = await createApiKey(
      handle.db,
      { accountId: account.id, userId: user.id, role: "admin", label: "operator CLI", via: "cli" },
      "simulator",
    );
    return { apiKey: created.key, email, password };
  } finally {
    await handle.close();
  }
}

/** Pids of `rootPid` and its descendants whose command is node (the engine processes are not counted). */
export function nodeProcessTree(rootPid: number): number[] {
  return processTree(rootPid, true);
}

/** Pids of the descendants of `rootPid` that are not node: the speech engines (the PocketSphinx worker, recognizers). */
export function engineProcessTree(rootPid: number): number[] {
  return processTree(rootPid, false);
}

function processTree(rootPid: number, node: boolean): number[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // comm is in parentheses and may contain spaces; the fields after the last ")" are fixed.
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      names.set(Number(entry), comm);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    const isNode = /node|next/i.test(names.get(pid) ?? "");
    if (isNode === node && (node || pid !== rootPid)) out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(rootPid);
  return out;
}

/** CPU time (user + system, ms) used so far by these processes; Linux only. */
export function processCpuMs(pids: number[]): number {
  return statCpuMs(pids, 11); // utime, stime
}

/**
 * The speech engines' CPU so far: those that exited (counted to their node parents) and those still running (the
 * long-lived PocketSphinx worker, measured in /proc/PID/stat).
 */
export function engineCpuMs(server: Pick<LocalServer, "nodePids" | "enginePids">): number {
  return exitedChildrenCpuMs(server.nodePids()) + processCpuMs(server.enginePids());
}

/**
 * CPU of the processes' children that have exited (and were waited for): the speech engines, which the server spawns
 * per track and which end with their track.
 */
export function exitedChildrenCpuMs(pids: number[]): number {
  return statCpuMs(pids, 13); // cutime, cstime
}

function statCpuMs(pids: number[], field: number): number {
  const tick = 100; // USER_HZ is 100 on every Linux Node supports
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += ((Number(fields[field]) + Number(fields[field + 1])) * 1000) / tick;
    } catch {
      // gone
    }
  }
  return total;
}

/** `signal`: give up while starting (Ctrl-C during the first build): the half-started server is stopped and removed. */
export async function startLocalServer(
  opts: { log?: (line: string) => void; readyTimeoutMs?: number; databaseUrl?: string | null; signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<LocalServer> {
  const log = opts.log ?? (() => {});
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-sim-"));
  let child: ChildProcess | undefined;
  try {
    log(opts.databaseUrl ? "Database: PostgreSQL (--database-url)" : `Fresh embedded database in ${dataDir}`);
    const { apiKey, email, password } = await provision(dataDir, opts.databaseUrl ?? undefined);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const logFile = path.join(dataDir, "server.log");
    const logTail = () => {
      try {
        return fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      } catch {
        return "";
      }
    };
    const env = { ...process.env, ...opts.env, PORT: String(port), VERBATIM_DATA_DIR: dataDir, VERBATIM_PUBLIC_URL: url, DATABASE_URL: opts.databaseUrl ?? "" };
    /** Starts `npm start` (again: a restart keeps the data dir, port and instance id) and waits until it answers. */
    const launch = async (): Promise<{ process: ChildProcess; exited: Promise<string> }> => {
      const out = fs.openSync(logFile, "a");
      log(`Starting Verbatim on ${url} (the first run builds the app, which takes a few minutes)…`);
      child = spawn(process.execPath, [path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs"), path.join(repoRoot, "scripts", "start.ts")], {
        cwd: repoRoot,
        // Its own process group, so that stop() ends the server and everything it started, and nothing else.
        detached: true,
        stdio: ["ignore", out, out],
        env,
      });
      fs.closeSync(out);
      const started = child;
      let exitedAs: string | undefined;
      const exited = new Promise<string>((resolve) =>
        started.once("exit", (code, signal) => resolve((exitedAs = signal ? `killed by ${signal}` : `exited with code ${code}`))),
      );
      const deadline = Date.now() + (opts.readyTimeoutMs ?? 15 * 60_000);
      for (;;) {
        if (opts.signal?.aborted) throw new Error("Stopped while the server was starting.");
        if (exitedAs) throw new Error(`The Verbatim server ${exitedAs} before it was ready:\n${logTail()}`);
        if (Date.now() > deadline) throw new Error(`The Verbatim server was not ready in time:\n${logTail()}`);
        try {
          const res = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(5000) });
          if (res.status < 500) {
            await res.body?.cancel();
            break;
          }
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      log("Server ready.");
      return { process: started, exited };
    };
    let current = await launch();
    const server: LocalServer = {
      url,
      apiKey,
      adminEmail: email,
      adminPassword: password,
      dataDir,
      pid: current.process.pid!,
      nodePids: () => nodeProcessTree(current.process.pid!),
      enginePids: () => engineProcessTree(current.process.pid!),
      logTail,
      signal: (signal) => void current.process.kill(signal),
      exited: () => current.exited,
      restart: async () => {
        current = await launch();
        server.pid = current.process.pid!;
      },
      stop: () => stopProcessGroup(current.process).finally(() => fs.rmSync(dataDir, { recursive: true, force: true })),
    };
    return server;
  } catch (error) {
    if (child) await stopProcessGroup(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  // The group may outlive its leader for a moment (next's workers, engines): make sure none is left.
  signalGroup("SIGKILL");
}
