import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { resetAppEnvForTests } from "@/lib/config/env";
import { appKeyring, resetAppKeyringForTests } from "@/lib/config/keyring";
import { sealSecret } from "@/lib/crypto/seal";
import { accountSettings, auditEvents, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { hostedDirectory } from "@/lib/storage/hosted";
import { createTestRoom, createTestTranscript } from "@/lib/transcripts/testing";
import { deleteExpiredTranscriptions } from "./retention";

const password = "correct horse battery";
const savedEnv = { ...process.env };
let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-retention-"));
  for (const name of Object.keys(process.env)) if (name.startsWith("VERBATIM_HOSTED_S3_")) delete process.env[name];
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

const DAY = 86_400_000;

describeEachDatabase("retention sweep", (handle) => {
  const db = () => handle().db;

  it("deletes only finished transcripts older than the account's period, through the audited delete path", async () => {
    const now = new Date("2026-06-30T12:00:00.000Z");
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const a = await createAccountWithAdmin(db(), { accountName: "Keeps 30", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    const b = await createAccountWithAdmin(db(), { accountName: "Keeps all", name: "Ben", email: "ben@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    await db().insert(accountSettings).values({ accountId: a.account.id, retentionDays: 30 });
    await db().insert(accountSettings).values({ accountId: b.account.id, retentionDays: null });

    const old = await createTestTranscript(db(), a.account.id, { roomName: "/old", startedAt: ago(31), segments: [{ speaker: "Ana", atSeconds: 1, text: "Old news." }] });
    const oldFailed = await createTestTranscript(db(), a.account.id, { roomName: "/old-failed", startedAt: ago(45), state: "failed", error: "x", store: false });
    const young = await createTestTranscript(db(), a.account.id, { roomName: "/young", startedAt: ago(29) });
    const oldRunning = await createTestTranscript(db(), a.account.id, { roomName: "/still-running", startedAt: ago(40), state: "in_progress" });
    const othersOld = await createTestTranscript(db(), b.account.id, { roomName: "/b-old", startedAt: ago(400) });
    const file = path.join(hostedDirectory(dataDir), ...old.storageKey!.split("/"));
    expect(fs.existsSync(file)).toBe(true);

    const result = await deleteExpiredTranscriptions(db(), now);
    expect(result).toEqual({ accounts: 1, deleted: 2, kept: 0 });
    const left = (await db().select({ id: transcriptions.id }).from(transcriptions)).map((r) => r.id).sort();
    expect(left).toEqual([young.id, oldRunning.id, othersOld.id].sort());
    expect(fs.existsSync(file)).toBe(false);
    expect(await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, old.id))).toEqual([]);
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.accountId, a.account.id), eq(auditEvents.action, "transcription.deleted")));
    expect(audit.map((e) => e.targetId).sort()).toEqual([old.id, oldFailed.id].sort());
    expect(audit[0].actorLabel).toBe("Retention policy (30 days)");
    expect(audit[0].details).toMatchObject({ reason: "retention" });

    // A second sweep finds nothing more.
    expect(await deleteExpiredTranscriptions(db(), now)).toEqual({ accounts: 0, deleted: 0, kept: 0 });
  });

  it("keeps a transcript whose bucket does not answer, deletes the rest, and tries again next time", async () => {
    const now = new Date("2026-06-30T12:00:00.000Z");
    const c = await createAccountWithAdmin(db(), { accountName: "Own bucket", name: "Cy", email: "cy@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    await db().insert(accountSettings).values({ accountId: c.account.id, retentionDays: 7 });
    const room = await createTestRoom(db(), c.account.id);
    const unreachable = await createTestTranscript(db(), c.account.id, {
      roomId: room.id,
      startedAt: new Date(now.getTime() - 10 * DAY),
      store: false,
      destination: { provider: "s3", bucket: "gone-bucket", region: "us-east-1", accessKeyId: "AKIAEXAMPLE", secretSealed: sealSecret("s", appKeyring(), room.id), endpoint: "http://127.0.0.1:9" },
      sealedFor: room.id,
    });
    await db().update(transcriptions).set({ storageKey: "some/key.md" }).where(eq(transcriptions.id, unreachable.id));
    const hosted = await createTestTranscript(db(), c.account.id, { roomName: "/c-hosted", startedAt: new Date(now.getTime() - 9 * DAY) });
    const result = await deleteExpiredTranscriptions(db(), now);
    expect(result.deleted).toBe(1);
    expect(result.kept).toBe(1);
    const left = (await db().select({ id: transcriptions.id }).from(transcriptions).where(eq(transcriptions.accountId, c.account.id))).map((r) => r.id);
    expect(left).toEqual([unreachable.id]);
    expect(left).not.toContain(hosted.id);
  });
});
