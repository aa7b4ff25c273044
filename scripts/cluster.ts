// `npm run cluster -- --instances 3`: several Verbatim instances on one PostgreSQL database, s3rver as the hosted storage and HAProxy in front, for development and the benchmark.
import { parseArgs } from "node:util";
import { startCluster } from "./lib/cluster";

const USAGE = `Usage: npm run cluster -- [--instances N] [--port P] [--proxy-port P] [--tone-engine]

Starts N instances (default 3) of Verbatim on one PostgreSQL database (DATABASE_URL, else a fresh database on the
local PostgreSQL, dropped at exit), s3rver on loopback as the hosted storage, and HAProxy in front (round robin).
Prints the address to use; Ctrl-C stops everything.
  --instances N     instances to start (1 to 9, default 3)
  --port P          the first instance's port (the others follow); default: free ports
  --proxy-port P    the proxy's port; default: a free port
  --tone-engine     the tone-word test engine instead of the configured speech engines (light on CPU)`;

function wholeNumber(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} "${raw}" must be a whole number from ${min} to ${max}`);
  return n;
}

async function main() {
  let values;
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        instances: { type: "string" },
        port: { type: "string" },
        "proxy-port": { type: "string" },
        "tone-engine": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  let instances: number, basePort: number | undefined, proxyPort: number | undefined;
  try {
    instances = wholeNumber("instances", values.instances, 1, 9) ?? 3;
    basePort = wholeNumber("port", values.port, 1024, 65_000);
    proxyPort = wholeNumber("proxy-port", values["proxy-port"], 1024, 65_535);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const cluster = await startCluster({
    instances,
    basePort,
    proxyPort,
    databaseUrl: process.env.DATABASE_URL || undefined,
    env: values["tone-engine"] ? { VERBATIM_TEST_TONE_ENGINE: "1", VERBATIM_SPEECH_ENGINES: "fake" } : {},
    log: (line) => console.log(line),
  });
  console.log(`\nVerbatim cluster of ${instances} instance(s) ready. Use: ${cluster.url}`);
  console.log(`Sign in as ${cluster.adminEmail} / ${cluster.adminPassword}; API key: ${cluster.apiKey}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("Stopping the cluster…");
    await cluster.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  for (const instance of cluster.instances) {
    void instance.exited().then(() => {
      if (!stopping) console.error(`${instance.id} exited; the others go on (its rooms move to them when its leases run out).`);
    });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
