// Runs once when the server process starts: fail fast on a bad configuration, then start background workers.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { appEnv } = await import("./lib/config/env");
  appEnv();
  const { startBackgroundWork } = await import("./lib/server/start");
  await startBackgroundWork();
}
