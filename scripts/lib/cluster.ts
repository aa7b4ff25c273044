// A cluster on one machine: N instances of Verbatim on one PostgreSQL database, s3rver as the hosted storage, HAProxy in front (round robin).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import { ensureBuilt } from "./build";
import { freePort } from "./local-server";

const repoRoot = path.resolve(__dirname, "..", "..");
const HOSTED_BUCKET = "verbatim-transcripts";
/** The machine's PostgreSQL (as the tests use it): the cluster creates a database of its own there. */
const LOCAL_POSTGRES_URL = process.env.VERBATIM_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type ClusterInstance = {
  id: string;
  /** Its own address (the proxy's backends; the other instances forward room requests here). */
  url: string;
  dataDir: string;
  pid(): number | undefined;
  running(): boolean;
  /** Sends `signal` to the instance's process group (SIGKILL: a crash; SIGTERM: a drain). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the instance's process has exited. */
  exited(): Promise<void>;
  logTail(lines?: number): string;
};

export type Cluster = {
  /** The address to use: the proxy. */
  url: string;
  apiKey: string;
  adminEmail: string;
  adminPassword: string;
  databaseUrl: string;
  s3Endpoint: string;
  instances: ClusterInstance[];
  proxyPid: number;
  stop(): Promise<void>;
};

export type ClusterOptions = {
  instances: number;
  /** An existing PostgreSQL database; default: a fresh database on the local `test` server, dropped at stop. */
  databaseUrl?: string;
  /** Ports of the instances (basePort, basePort+1, …) and the proxy; default: free ones. */
  basePort?: number;
  proxyPort?: number;
  /** More environment for every instance (VERBATIM_SPEECH_ENGINES, VERBATIM_LEASE_SECONDS, …). */
  env?: Record<string, string>;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
};

/** HAProxy's configuration: round robin over the instances, health checks so a dead one leaves the rotation within seconds. */
export function haproxyConfig(opts: { proxyPort: number; backends: { id: string; url: string }[] }): string {
  const servers = opts.backends.map((b) => {
    const u = new URL(b.url);
    return `  server ${b.id.replace(/[^\w.-]/g, "_")} ${u.hostname}:${u.port} check inter 1s fall 2 rise 2`;
  });
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  option http-server-close",
    "  timeout connect 2s",
    // Long: live event streams and media-server audio bodies stay open for a whole session.
    "  timeout client 1h",
    "  timeout server 1h",
    "  timeout http-request 30s",
    "  retries 2",
    // A request that could not connect to an instance (it died) goes to another one.
    "  option redispatch",
    "  retry-on conn-failure empty-response",
    "frontend verbatim",
    `  bind 127.0.0.1:${opts.proxyPort}`,
    "  option forwardfor",
    "  default_backend instances",
    "backend instances",
    "  balance roundrobin",
    "  option httpchk GET /api/v1/openapi.json",
    ...servers,
    "",
  ].join("\n");
}

function haproxyBinary(): string {
  for (const candidate of ["/usr/sbin/haproxy", "/usr/bin/haproxy"]) if (fs.existsSync(candidate)) return candidate;
  const found = spawnSync("sh", ["-c", "command -v haproxy"], { encoding: "utf8" }).stdout.trim();
  if (found) return found;
  throw new Error("HAProxy is not installed: run `apt-get install -y haproxy` (or bash scripts/test-prereqs.sh as root).");
}

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: postgres } = await import("postgres");
  const admin = postgres(LOCAL_POSTGRES_URL, { max: 1, onnotice: () => {} });
  const name = `verbatim_cluster_${randomBytes(5).toString("hex")}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(`Cannot create a database on ${LOCAL_POSTGRES_URL} (${(error as Error).message}); set DATABASE_URL or start PostgreSQL.`);
  }
  const url = new URL(LOCAL_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await admin.end();
    },
  };
}

async function provision(databaseUrl: string): Promise<{ apiKey: string; email: string; password: string }> {
  const handle = await openDatabase({ url: databaseUrl });
  try {
    await runMigrations(handle);
    const email = `cluster-${randomBytes(6).toString("hex")}@example.com`;
    const password = randomBytes(18).toString("base64url");
    const { account, user } = await createAccountWithAdmin(handle.db, { accountName: "Cluster", name: "Cluster admin", email, password }, { onlyIfEmpty: false, via: "cli" });
    const created = await createApiKey(handle.db, { accountId: account.id, userId: user.id, role: "admin", label: "cluster", via: "cli" }, "cluster");
    return { apiKey: created.key, email, password };
  } finally {
    await handle.close();
  }
}

async function waitUntilAnswers(url: string, deadline: number, alive: () => string | undefined): Promise<void> {
  for (;;) {
    const dead = alive();
    if (dead) throw new Error(dead);
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time`);
    try {
      const res = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(5000) });
      await res.body?.cancel();
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function launchInstance(opts: { id: string; port: number; dataDir: string; env: Record<string, string> }): { instance: ClusterInstance; child: ChildProcess } {
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(opts.dataDir, "server.log");
  const out = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-p", String(opts.port), "-H", "127.0.0.1"], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, ...opts.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" },
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const instance: ClusterInstance = {
    id: opts.id,
    url: `http://127.0.0.1:${opts.port}`,
    dataDir: opts.dataDir,
    pid: () => child.pid,
    running: () => child.exitCode === null && child.signalCode === null,
    signal: (signal) => signalGroup(child, signal),
    exited: () => exited,
    logTail: (lines = 30) => {
      try {
        return fs.readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
      } catch {
        return "";
      }
    },
  };
  return { instance, child };
}

/**
 * Starts the cluster and resolves when the proxy answers. Builds the app first when the source changed. Every
 * instance shares AUTH_SECRET, VERBATIM_ENCRYPTION_KEYS and the S3 storage (as an operator's must).
 */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(opts.instances) || opts.instances < 1 || opts.instances > 9) throw new Error("--instances must be a whole number from 1 to 9");
  const haproxy = haproxyBinary();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-cluster-"));
  const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(root, { recursive: true, force: true })];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        signalGroup(child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
        await gone;
        clearTimeout(timer);
        signalGroup(child, "SIGKILL");
      }),
    );
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      const created = await createDatabase();
      databaseUrl = created.url;
      cleanups.push(created.drop);
      log(`Database: a fresh database on the local PostgreSQL (${new URL(databaseUrl).pathname.slice(1)})`);
    } else {
      log("Database: DATABASE_URL");
    }
    const account = await provision(databaseUrl);
    const s3: LocalS3Server = await startLocalS3Server({ buckets: [HOSTED_BUCKET], directory: path.join(root, "s3") });
    cleanups.push(() => s3.close());
    log(`S3 (s3rver): ${s3.endpoint}, bucket ${HOSTED_BUCKET}`);

    const status = await ensureBuilt();
    if (status !== 0) throw new Error(`next build failed (exit ${status})`);

    const proxyPort = opts.proxyPort ?? (await freePort());
    const url = `http://127.0.0.1:${proxyPort}`;
    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      VERBATIM_ENCRYPTION_KEYS: `c1:${randomBytes(32).toString("base64")}`,
      VERBATIM_PUBLIC_URL: url,
      VERBATIM_HOSTED_S3_BUCKET: HOSTED_BUCKET,
      VERBATIM_HOSTED_S3_REGION: s3.region,
      VERBATIM_HOSTED_S3_ACCESS_KEY_ID: s3.accessKeyId,
      VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      VERBATIM_HOSTED_S3_ENDPOINT: s3.endpoint,
      VERBATIM_S3_ALLOW_PRIVATE: "1",
      ...opts.env,
    };
    const instances: ClusterInstance[] = [];
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    const ready = async (instance: ClusterInstance) => {
      await waitUntilAnswers(instance.url, deadline, () => {
        if (!instance.running()) return `${instance.id} exited before it was ready:\n${instance.logTail()}`;
        // Next.js goes on serving (500s) when the instrumentation hook failed: that instance will never be ready.
        if (instance.logTail(200).includes("error occurred while loading instrumentation hook")) return `${instance.id} failed to start:\n${instance.logTail()}`;
        return undefined;
      });
      log(`${instance.id}: ${instance.url}`);
    };
    for (let i = 0; i < opts.instances; i++) {
      const port = opts.basePort ? opts.basePort + i : await freePort();
      const id = `instance-${i + 1}`;
      const { instance, child } = launchInstance({
        id,
        port,
        dataDir: path.join(root, id),
        env: { ...shared, PORT: String(port), VERBATIM_DATA_DIR: path.join(root, id), VERBATIM_INSTANCE_ID: id, VERBATIM_INTERNAL_URL: `http://127.0.0.1:${port}` },
      });
      children.push(child);
      instances.push(instance);
      // The first one alone: it creates the job queue's schema and queues, which several at once on a fresh
      // database can trip over (pg-boss); the others then start together.
      if (i === 0) await ready(instance);
    }
    await Promise.all(instances.slice(1).map(ready));

    const configFile = path.join(root, "haproxy.cfg");
    fs.writeFileSync(configFile, haproxyConfig({ proxyPort, backends: instances }));
    const proxyLog = fs.openSync(path.join(root, "haproxy.log"), "a");
    const proxy = spawn(haproxy, ["-f", configFile, "-db"], { detached: true, stdio: ["ignore", proxyLog, proxyLog] });
    fs.closeSync(proxyLog);
    children.push(proxy);
    await waitUntilAnswers(url, Date.now() + 30_000, () =>
      proxy.exitCode === null ? undefined : `HAProxy exited: ${fs.readFileSync(path.join(root, "haproxy.log"), "utf8").slice(-2000)}`,
    );
    log(`Proxy (HAProxy, round robin): ${url}`);
    return {
      url,
      apiKey: account.apiKey,
      adminEmail: account.email,
      adminPassword: account.password,
      databaseUrl,
      s3Endpoint: s3.endpoint,
      instances,
      proxyPid: proxy.pid!,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
