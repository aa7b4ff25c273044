// Secrets the app must keep across restarts: taken from the environment, else generated once into <data dir>/secrets.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

/** Reads `<dataDir>/secrets/<name>`, creating it with `bytes` random bytes (base64url) on first use. Never logged. */
export function loadOrCreateSecret(dataDir: string, name: string, bytes = 32): string {
  const dir = path.join(dataDir, "secrets");
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = randomBytes(bytes).toString("base64url");
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, value, { mode: 0o600 });
  try {
    // link() fails if another process created the file first; then its value wins, so all processes agree.
    fs.linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.unlinkSync(temp);
  }
  return fs.readFileSync(file, "utf8").trim();
}

export function authSecret(env: { AUTH_SECRET?: string; dataDir: string }): string {
  return env.AUTH_SECRET ?? loadOrCreateSecret(env.dataDir, "auth-secret");
}
