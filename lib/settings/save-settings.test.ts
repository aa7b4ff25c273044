import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { inviteMember, acceptInvite } from "@/lib/accounts/members";
import type { Actor } from "@/lib/actor";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { resetAppEnvForTests } from "@/lib/config/env";
import { appKeyring, resetAppKeyringForTests } from "@/lib/config/keyring";
import { openSecret } from "@/lib/crypto/seal";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import { getAccountRoomPageSettings, getAccountTranscriptionSettings } from "./account-settings";
import { getTranscriptionSettingsView, listSettingsAudit, saveAccountSettings } from "./save-settings";
import { testConnectionForForm } from "./test-connection-form";

const password = "correct horse battery";
const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
let dataDir: string;
let s3: LocalS3Server;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-settings-"));
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  process.env.VERBATIM_SPEECH_ENGINE = "pocketsphinx";
  resetAppEnvForTests();
  resetAppKeyringForTests();
  s3 = await startLocalS3Server({ buckets: ["acme-transcripts"] });
});

afterAll(async () => {
  await s3?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
const fieldsOf = (err: AppError) => Object.fromEntries(err.details.map((d) => [d.path, d.message]));

describeEachDatabase("account transcription settings", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let member: Actor;
  let otherAdmin: Actor;
  const s3Form = () => ({
    enabled: "on",
    startTrigger: "automatic",
    language: "en",
    storage: "s3",
    bucket: "acme-transcripts/meetings",
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: secret,
    endpoint: s3.endpoint,
    retentionDays: "",
  });

  beforeAll(async () => {
    const a = await createAccountWithAdmin(db(), { accountName: "Acme", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    admin = { accountId: a.account.id, userId: a.user.id, role: "admin", label: a.user.email, via: "session" };
    const { token } = await inviteMember(db(), admin, { email: "ben@example.com", role: "member" });
    const ben = await acceptInvite(db(), { token, name: "Ben", password });
    member = { accountId: ben.accountId, userId: ben.id, role: "member", label: ben.email, via: "session" };
    const o = await createAccountWithAdmin(db(), { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    otherAdmin = { accountId: o.account.id, userId: o.user.id, role: "admin", label: o.user.email, via: "session" };
  });

  it("shows the product defaults before the first save", async () => {
    const view = await getTranscriptionSettingsView(db(), admin.accountId);
    expect(view).toMatchObject({ enabled: true, startTrigger: "manual", language: "en", storage: "hosted", secretSet: false, updatedAt: null });
  });

  it("saves and reads back hosted settings, and records the first save in the audit log", async () => {
    const { settings, changes } = await saveAccountSettings(db(), admin, {
      startTrigger: "automatic-2nd-participant",
      language: "en",
      storage: "hosted",
      retentionDays: "30",
    });
    expect(settings).toMatchObject({ enabled: false, startTrigger: "automatic-2nd-participant", storage: "hosted", retentionDays: 30 });
    // Only what differs from the defaults is recorded: the language was left on its default.
    expect(changes.map((c) => c.field).sort()).toEqual(["enabled", "retentionDays", "startTrigger"]);
    expect(await getTranscriptionSettingsView(db(), admin.accountId)).toEqual(settings);
    expect(await getAccountTranscriptionSettings(db(), admin.accountId)).toEqual({
      enabled: false,
      startTrigger: "automatic-2nd-participant",
      language: "en",
      vocabulary: [],
      destination: { provider: "hosted" },
    });
    const [entry] = await listSettingsAudit(db(), admin.accountId);
    expect(entry.actor).toBe("ana@example.com");
    expect(entry.changes).toContain("Transcription: On → Off");
    expect(entry.changes).toContain("Start trigger: Manual → Auto-start (2 people)");
    expect(entry.changes).toContain("Delete transcripts after set to 30 days");
  });

  it("refuses a member, and leaves the settings as they were", async () => {
    const err = await refusal(saveAccountSettings(db(), member, { ...s3Form() }));
    expect(err.code).toBe("forbidden");
    expect(err.message).toMatch(/Only account admins/);
    await expect(testConnectionForForm(db(), member, s3Form())).rejects.toThrow(/Only account admins/);
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).storage).toBe("hosted");
  });

  it("refuses a language the speech engine cannot do, naming the engine", async () => {
    const err = await refusal(saveAccountSettings(db(), admin, { ...s3Form(), language: "fr" }));
    expect(fieldsOf(err).language).toMatch(/^PocketSphinx .* supports only English \(en\), not French \(fr\)$/);
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), language: "xx" })).rejects.toThrow(/Choose a language from the list/);
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).language).toBe("en");
  });

  it("refuses bad input field by field", async () => {
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), language: "xx" })).rejects.toThrow();
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), startTrigger: "sometimes" })).rejects.toThrow();
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), retentionDays: "0" })).rejects.toThrow(/at least 1 day/);
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), retentionDays: "2.5" })).rejects.toThrow(/whole number/);
    const missing = await refusal(saveAccountSettings(db(), admin, { ...s3Form(), bucket: " ", region: "", accessKeyId: "", secretAccessKey: "" }));
    expect(Object.keys(fieldsOf(missing)).sort()).toEqual(["accessKeyId", "bucket", "region"]);
    const malformed = await refusal(
      saveAccountSettings(db(), admin, { ...s3Form(), bucket: "My_Bucket", region: "EU West", accessKeyId: "AK IA", endpoint: "ftp://files.example.com" }),
    );
    expect(fieldsOf(malformed)).toEqual({
      bucket: expect.stringMatching(/lowercase letters/),
      region: expect.stringMatching(/region code/),
      accessKeyId: expect.stringMatching(/spaces/),
      endpoint: expect.stringMatching(/https:\/\/ or http:\/\//),
    });
    const escape = await refusal(saveAccountSettings(db(), admin, { ...s3Form(), bucket: "acme-transcripts/../other" }));
    expect(fieldsOf(escape).bucket).toMatch(/"\.\." path segment/);
    const noSecret = await refusal(saveAccountSettings(db(), admin, { ...s3Form(), secretAccessKey: "" }));
    expect(fieldsOf(noSecret)).toEqual({ secretAccessKey: expect.stringMatching(/Enter the secret access key/) });
    await expect(saveAccountSettings(db(), admin, { ...s3Form(), secretAccessKey: "abc\ndef" })).rejects.toThrow(/control characters/);
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).storage).toBe("hosted");
  });

  it("seals the secret at rest and never returns it", async () => {
    const result = await saveAccountSettings(db(), admin, s3Form());
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.settings).toMatchObject({ storage: "s3", bucket: "acme-transcripts/meetings", secretSet: true, endpoint: s3.endpoint });
    expect(result.changes).toContainEqual({ field: "secretAccessKey", change: "replaced" });

    const [raw] = await handle().execute("select * from account_settings where account_id = $1", [admin.accountId]);
    expect(JSON.stringify(raw)).not.toContain(secret);
    expect(String(raw.s3_secret_sealed)).toMatch(/^v1\.t1\./);
    expect(openSecret(String(raw.s3_secret_sealed), appKeyring(), admin.accountId)).toBe(secret);
    // Bound to this account: the sealed value does not open as another account's.
    expect(() => openSecret(String(raw.s3_secret_sealed), appKeyring(), otherAdmin.accountId)).toThrow(/altered, belongs to another record/);

    const view = await getTranscriptionSettingsView(db(), admin.accountId);
    expect(JSON.stringify(view)).not.toContain(secret);
    expect(JSON.stringify(view)).not.toContain("v1.t1.");
    const audit = await handle().execute("select details from audit_events where account_id = $1", [admin.accountId]);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain("v1.t1.");
    const [entry] = await listSettingsAudit(db(), admin.accountId);
    expect(entry.changes).toEqual([
      "Transcription: Off → On",
      "Start trigger: Auto-start (2 people) → Auto-start (1 person)",
      "Storage: Hosted → Your S3 bucket",
      "Bucket set to acme-transcripts/meetings",
      `Region set to ${s3.region}`,
      `Access key id set to ${s3.accessKeyId}`,
      `Endpoint set to ${s3.endpoint}`,
      "Delete transcripts after cleared (was 30 days)",
      "Secret access key replaced",
    ]);
    const settings = await getAccountTranscriptionSettings(db(), admin.accountId);
    expect(settings.destination).toMatchObject({ provider: "s3", bucket: "acme-transcripts/meetings", secretSealed: raw.s3_secret_sealed });
  });

  it("keeps the stored secret when the field is blank, and records only what changed", async () => {
    const [before] = await handle().execute("select s3_secret_sealed from account_settings where account_id = $1", [admin.accountId]);
    const { changes } = await saveAccountSettings(db(), admin, { ...s3Form(), secretAccessKey: "", bucket: "acme-transcripts" });
    expect(changes).toEqual([{ field: "bucket", from: "acme-transcripts/meetings", to: "acme-transcripts" }]);
    const [after] = await handle().execute("select s3_secret_sealed from account_settings where account_id = $1", [admin.accountId]);
    expect(after.s3_secret_sealed).toBe(before.s3_secret_sealed);
    // The same secret typed again is no change either.
    expect((await saveAccountSettings(db(), admin, { ...s3Form(), bucket: "acme-transcripts" })).changes).toEqual([]);
    expect((await listSettingsAudit(db(), admin.accountId))[0].changes).toEqual(["Bucket: acme-transcripts/meetings → acme-transcripts"]);
  });

  it("keeps other accounts apart", async () => {
    expect(await getTranscriptionSettingsView(db(), otherAdmin.accountId)).toMatchObject({ storage: "hosted", secretSet: false, updatedAt: null });
    expect(await listSettingsAudit(db(), otherAdmin.accountId)).toEqual([]);
    // The other account has no stored secret to borrow.
    const err = await refusal(testConnectionForForm(db(), otherAdmin, { ...s3Form(), secretAccessKey: "" }));
    expect(fieldsOf(err)).toEqual({ secretAccessKey: "Enter the secret access key to test the connection" });
    await saveAccountSettings(db(), otherAdmin, { enabled: "on", startTrigger: "manual", language: "en", storage: "hosted" });
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).storage).toBe("s3");
  });

  it("tests the connection with the entered or the stored secret", async () => {
    expect(await testConnectionForForm(db(), admin, s3Form())).toEqual({
      ok: true,
      message: 'Connected: a test object was written to "acme-transcripts/meetings", read back and deleted.',
    });
    expect((await testConnectionForForm(db(), admin, { ...s3Form(), secretAccessKey: "" })).ok).toBe(true);
    // The probe was deleted again: nothing is left in the bucket.
    expect(fs.readdirSync(path.join(s3.directory, "acme-transcripts")).filter((f) => !f.startsWith("."))).toEqual([]);
  });

  it("explains a wrong access key id, a missing bucket and a closed port", async () => {
    const wrongKey = await testConnectionForForm(db(), admin, { ...s3Form(), accessKeyId: "AKIAWRONG" });
    expect(wrongKey).toEqual({
      ok: false,
      step: "write",
      message: `Writing a test object failed. Access denied: the access key id "AKIAWRONG" is not known at ${s3.endpoint}; check the access key id.`,
    });
    const noBucket = await testConnectionForForm(db(), admin, { ...s3Form(), bucket: "no-such-bucket/x" });
    expect(noBucket).toEqual({ ok: false, step: "write", message: `Writing a test object failed. The bucket "no-such-bucket" does not exist at ${s3.endpoint}.` });

    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const closed = await testConnectionForForm(db(), admin, { ...s3Form(), endpoint: `http://127.0.0.1:${closedPort}` });
    expect(closed).toEqual({
      ok: false,
      step: "write",
      message: `Writing a test object failed. Could not reach http://127.0.0.1:${closedPort}: connection refused.`,
    });
    for (const answer of [wrongKey, noBucket, closed]) expect(JSON.stringify(answer)).not.toContain(secret);
  });

  it("switching to hosted storage keeps the bucket settings unused for a switch back, and removes them only when asked", async () => {
    const before = await handle().execute("select s3_bucket, s3_secret_sealed from account_settings where account_id = $1", [admin.accountId]);
    expect(before[0].s3_bucket).not.toBeNull();
    const kept = await saveAccountSettings(db(), admin, { enabled: "on", startTrigger: "manual", language: "en", storage: "hosted", bucket: "ignored" });
    const fields = kept.changes.map((c) => c.field);
    expect(fields).toContain("storage");
    for (const bucketField of ["bucket", "region", "accessKeyId", "endpoint", "secretAccessKey"]) expect(fields).not.toContain(bucketField);
    expect(kept.settings.bucket).toBe(before[0].s3_bucket);
    expect(kept.settings.secretSet).toBe(true);
    expect((await getAccountTranscriptionSettings(db(), admin.accountId)).destination).toEqual({ provider: "hosted" });
    const [still] = await handle().execute("select s3_bucket, s3_secret_sealed from account_settings where account_id = $1", [admin.accountId]);
    expect(still).toEqual(before[0]);

    const removed = await saveAccountSettings(db(), admin, { enabled: "on", startTrigger: "manual", language: "en", storage: "hosted", removeBucket: "on" });
    expect(removed.changes).toContainEqual({ field: "secretAccessKey", change: "removed" });
    const [raw] = await handle().execute("select s3_bucket, s3_secret_sealed from account_settings where account_id = $1", [admin.accountId]);
    expect(raw).toEqual({ s3_bucket: null, s3_secret_sealed: null });
    expect((await listSettingsAudit(db(), admin.accountId))[0].changes).toContain("Secret access key removed");
  });

  it("saves the account vocabulary from the form's text box, reads it back, audits it, and refuses bad entries by line", async () => {
    const { settings, changes } = await saveAccountSettings(db(), admin, {
      enabled: "on", startTrigger: "manual", language: "en", storage: "hosted", vocabulary: "Ana Lima\n\nKubernetes, Verbatim\nkubernetes",
    });
    expect(settings.vocabulary).toEqual(["Ana Lima", "Kubernetes", "Verbatim"]);
    expect(changes).toContainEqual({ field: "vocabulary", from: null, to: "Ana Lima, Kubernetes, Verbatim" });
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).vocabulary).toEqual(["Ana Lima", "Kubernetes", "Verbatim"]);
    expect((await getAccountTranscriptionSettings(db(), admin.accountId)).vocabulary).toEqual(["Ana Lima", "Kubernetes", "Verbatim"]);
    const [entry] = await listSettingsAudit(db(), admin.accountId);
    expect(entry.changes).toContain("Vocabulary set to Ana Lima, Kubernetes, Verbatim");

    const tooMany = Array.from({ length: 101 }, (_, i) => `term ${i}`).join("\n");
    await expect(saveAccountSettings(db(), admin, { startTrigger: "manual", language: "en", storage: "hosted", vocabulary: tooMany })).rejects.toThrow(/at most 100 words or phrases/);
    await expect(saveAccountSettings(db(), admin, { startTrigger: "manual", language: "en", storage: "hosted", vocabulary: `ok\n${"x".repeat(101)}` })).rejects.toThrow(/at most 100 characters/);
    await expect(saveAccountSettings(db(), admin, { startTrigger: "manual", language: "en", storage: "hosted", vocabulary: "Ana\u0000Lima" })).rejects.toThrow(/NUL bytes/);
    expect((await getTranscriptionSettingsView(db(), admin.accountId)).vocabulary).toEqual(["Ana Lima", "Kubernetes", "Verbatim"]);

    // Emptying the box removes the list.
    const cleared = await saveAccountSettings(db(), admin, { enabled: "on", startTrigger: "manual", language: "en", storage: "hosted", vocabulary: "" });
    expect(cleared.settings.vocabulary).toEqual([]);
    expect(cleared.changes).toContainEqual({ field: "vocabulary", from: "Ana Lima, Kubernetes, Verbatim", to: null });
  });

  it("keeps the bucket's checksum mode (Object Lock needs a checksum on every upload), records it, and refuses an unknown one", async () => {
    const locked = await saveAccountSettings(db(), admin, { ...s3Form(), checksumMode: "whenSupported" });
    expect(locked.settings.checksumMode).toBe("whenSupported");
    expect(locked.changes).toContainEqual(expect.objectContaining({ field: "checksumMode", to: "On every upload (buckets with Object Lock)" }));
    expect((await getAccountTranscriptionSettings(db(), admin.accountId)).destination).toMatchObject({ provider: "s3", checksumMode: "whenSupported" });

    // A form that does not send the field (or sends it empty) means the default, for stores that refuse checksums.
    const plain = await saveAccountSettings(db(), admin, { ...s3Form(), checksumMode: "" });
    expect(plain.settings.checksumMode).toBe("whenRequired");
    expect((await getAccountTranscriptionSettings(db(), admin.accountId)).destination).not.toHaveProperty("checksumMode");

    const bad = await saveAccountSettings(db(), admin, { ...s3Form(), checksumMode: "always" }).then(() => undefined, (e: unknown) => e);
    expect(bad).toBeInstanceOf(ZodError);
    expect((bad as ZodError).issues.map((i) => [i.path.join("."), i.message])).toEqual([["checksumMode", "Choose when checksums are sent"]]);
  });

  it("saves the origins allowed to embed rooms (normalized) and participant downloads, audits them, and names a bad origin", async () => {
    const saved = await saveAccountSettings(db(), admin, {
      startTrigger: "manual",
      language: "en",
      storage: "hosted",
      embedOrigins: "https://App.Example.com/\nhttp://127.0.0.1:3131\nhttps://app.example.com",
      participantDownloads: "on",
    });
    expect(saved.settings).toMatchObject({ embedOrigins: ["https://app.example.com", "http://127.0.0.1:3131"], participantDownloads: true });
    expect(await getAccountRoomPageSettings(db(), admin.accountId)).toEqual({ embedOrigins: ["https://app.example.com", "http://127.0.0.1:3131"], participantDownloads: true });
    expect(saved.changes).toContainEqual({ field: "embedOrigins", from: null, to: "https://app.example.com, http://127.0.0.1:3131" });
    expect(saved.changes).toContainEqual({ field: "participantDownloads", from: "Host only", to: "Allowed" });
    // Another account is untouched: the defaults, no page may frame its rooms.
    expect(await getAccountRoomPageSettings(db(), otherAdmin.accountId)).toEqual({ embedOrigins: [], participantDownloads: false });

    const bad = await saveAccountSettings(db(), admin, { startTrigger: "manual", language: "en", storage: "hosted", embedOrigins: "http://shop.example.com" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(bad).toBeInstanceOf(ZodError);
    expect((bad as ZodError).issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["embedOrigins", "http://shop.example.com: use https:// (http:// is only accepted for localhost and 127.0.0.1)"],
    ]);
    // Unchanged by the refused save.
    expect((await getAccountRoomPageSettings(db(), admin.accountId)).embedOrigins).toHaveLength(2);
  });
});
