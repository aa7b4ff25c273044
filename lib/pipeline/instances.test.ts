// Several instances on one database: an instance refuses to start beside a live one when it would keep per-host state (generated secrets, directory storage), with the reason.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { appInstances } from "@/lib/db/schema";
import { createTestDatabase, describeEachDatabase } from "@/lib/db/testing";
import type { DbHandle } from "@/lib/db/client";
import { setInstanceIdForTests } from "@/lib/pipeline/lease";
import { clusterStartRefusal, forgetInstance, heartbeatInstance, otherInstancesOverCapacity, otherLiveInstances, perHostState } from "@/lib/pipeline/instances";

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-instances-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => setInstanceIdForTests(undefined));

const shared = {
  dataDir,
  AUTH_SECRET: "a-shared-auth-secret-of-at-least-32-chars",
  VERBATIM_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}`,
  VERBATIM_HOSTED_S3_BUCKET: "transcripts",
  VERBATIM_HOSTED_S3_REGION: "us-east-1",
  VERBATIM_HOSTED_S3_ACCESS_KEY_ID: "id",
  VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: "secret",
  DATABASE_URL: "postgres://db.example/verbatim",
};

describe("per-host state", () => {
  it("names each setting that must be shared, and nothing when all are set", () => {
    expect(perHostState(shared)).toEqual([]);
    const problems = perHostState({ dataDir });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^AUTH_SECRET is not set/);
    expect(problems[1]).toMatch(/^VERBATIM_ENCRYPTION_KEYS is not set/);
    expect(problems[2]).toMatch(/^VERBATIM_HOSTED_S3_\* is not set/);
  });

  it("an AUTH_SECRET that is the one npm start generated into the data directory is still per host", () => {
    fs.mkdirSync(path.join(dataDir, "secrets"), { recursive: true });
    fs.writeFileSync(path.join(dataDir, "secrets", "auth-secret"), "generated-secret-generated-secret-123\n");
    expect(perHostState({ ...shared, AUTH_SECRET: "generated-secret-generated-secret-123" })).toEqual([expect.stringMatching(/^AUTH_SECRET is not set/)]);
    fs.rmSync(path.join(dataDir, "secrets"), { recursive: true });
  });
});

describeEachDatabase("the start-up check on a shared database", (handle) => {
  const db = () => handle().db;

  it("alone, or without DATABASE_URL, an instance starts (and is recorded); beside a live one on generated secrets it is refused, with the reason", async () => {
    setInstanceIdForTests(`first-${randomBytes(3).toString("hex")}:3000`);
    expect(await clusterStartRefusal(db(), { dataDir })).toBeUndefined();
    expect(await clusterStartRefusal(db(), { ...shared, AUTH_SECRET: undefined, VERBATIM_ENCRYPTION_KEYS: undefined })).toBeUndefined();
    const first = (await db().select().from(appInstances)).map((r) => r.id);

    setInstanceIdForTests(`second-${randomBytes(3).toString("hex")}:3000`);
    expect(await otherLiveInstances(db())).toEqual(first);
    const refusal = await clusterStartRefusal(db(), { ...shared, VERBATIM_ENCRYPTION_KEYS: undefined, VERBATIM_HOSTED_S3_BUCKET: undefined });
    expect(refusal).toMatch(/^Refusing to start: another Verbatim instance \(first-.*\) is live on this database/);
    expect(refusal).toContain("VERBATIM_ENCRYPTION_KEYS is not set");
    expect(refusal).toContain("VERBATIM_HOSTED_S3_* is not set");
    expect(refusal).not.toContain("AUTH_SECRET is not set");
    // With every secret shared and S3 storage it starts.
    expect(await clusterStartRefusal(db(), shared)).toBeUndefined();
    await forgetInstance(db());

    // An instance whose row was not renewed for long (it stopped without saying so) does not count.
    await db().update(appInstances).set({ lastSeenAt: new Date(Date.now() - 3600_000) });
    expect(await otherLiveInstances(db())).toEqual([]);
    expect(await clusterStartRefusal(db(), { ...shared, VERBATIM_ENCRYPTION_KEYS: undefined })).toBeUndefined();
  });
});

describeEachDatabase("the cluster's capacity, as each instance renews its row", (handle) => {
  const db = () => handle().db;

  it("an instance over capacity is seen by the others until it renews as keeping up, or stops renewing; never by itself", async () => {
    const full = `full-${randomBytes(3).toString("hex")}:3000`;
    const fine = `fine-${randomBytes(3).toString("hex")}:3000`;
    setInstanceIdForTests(full);
    await heartbeatInstance(db(), new Date(), true);
    expect(await otherInstancesOverCapacity(db())).toEqual([]); // its own state it knows first-hand
    setInstanceIdForTests(fine);
    await heartbeatInstance(db(), new Date(), false);
    expect(await otherInstancesOverCapacity(db())).toEqual([full]);

    setInstanceIdForTests(full);
    expect(await otherInstancesOverCapacity(db())).toEqual([]); // the other one keeps up
    await heartbeatInstance(db(), new Date(), false);
    setInstanceIdForTests(fine);
    expect(await otherInstancesOverCapacity(db())).toEqual([]);

    // Over capacity at its last renewal, long ago: it stopped (or lost the database), and is not counted.
    setInstanceIdForTests(full);
    await heartbeatInstance(db(), new Date(Date.now() - 3600_000), true);
    setInstanceIdForTests(fine);
    expect(await otherInstancesOverCapacity(db())).toEqual([]);
  });
});

describe("npm start beside a live instance (real process, real PostgreSQL)", () => {
  let pg: DbHandle;
  beforeAll(async () => {
    pg = await createTestDatabase("postgres");
    await pg.db.insert(appInstances).values({ id: "elsewhere:3000", address: "http://10.0.0.9:3000", startedAt: new Date(), lastSeenAt: new Date() });
  });
  afterAll(async () => pg?.close());

  it("exits non-zero before building, saying which settings every instance must share", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pg.url!,
      VERBATIM_DATA_DIR: dataDir,
      VERBATIM_INSTANCE_ID: "here:3000",
      VERBATIM_TEST_TONE_ENGINE: "1",
      VERBATIM_SPEECH_ENGINES: "fake",
      AUTH_SECRET: "",
      VERBATIM_ENCRYPTION_KEYS: "",
      PORT: "3129",
    };
    delete env.AUTH_SECRET;
    const outcome = await run(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/start.ts"], { env, timeout: 120_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain("Refusing to start: another Verbatim instance (elsewhere:3000) is live on this database");
    expect(outcome.stderr).toContain("AUTH_SECRET is not set");
    expect(outcome.stderr).toContain("VERBATIM_ENCRYPTION_KEYS is not set");
    expect(outcome.stdout).not.toContain("Building");
  });
});
