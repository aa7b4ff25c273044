import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-cli-"));

async function admin(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/admin.ts", ...args], {
      env: { ...process.env, VERBATIM_DATA_DIR: dataDir, DATABASE_URL: "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("operator CLI on the embedded database", () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("creates an account with its first admin, and refuses a duplicate email and a weak password", async () => {
    const created = await admin("create-admin", "--email", "Ops@Example.com", "--password", "ops long passphrase", "--account", "Ops Inc");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created account "Ops Inc" .* with admin ops@example.com/);

    const dup = await admin("create-admin", "--email", "ops@example.com", "--password", "ops long passphrase", "--account", "Again");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("A user with the email ops@example.com already exists");

    const weak = await admin("create-admin", "--email", "weak@example.com", "--password", "short", "--account", "W");
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("Password must be at least 10 characters");
  });

  it("prints a new API key alone on its last line", async () => {
    const res = await admin("create-api-key", "--email", "ops@example.com", "--name", "CI");
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^vbt_[A-Za-z0-9_-]{32}$/);
  });

  it("resets a password, and names an unknown user or a missing option", async () => {
    const reset = await admin("reset-password", "--email", "ops@example.com");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/New password: \S{16,}/);

    const unknown = await admin("reset-password", "--email", "nobody@example.com");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No user with the email nobody@example.com");

    const missing = await admin("create-api-key", "--email", "ops@example.com");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Missing --name");
  });

  it("refuses to open the embedded database while another process holds it", async () => {
    fs.writeFileSync(path.join(dataDir, "pglite", "verbatim.pid"), String(process.pid));
    const res = await admin("create-api-key", "--email", "ops@example.com", "--name", "x");
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("is open in another process");
    fs.unlinkSync(path.join(dataDir, "pglite", "verbatim.pid"));
  });
});
