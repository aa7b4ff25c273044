// The /api/v1/meetings contract, through the real route handlers, real API keys and both databases.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { accountSettings, apiKeys, rooms } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/api-keys";
import { resetAppEnvForTests } from "@/lib/config/env";
import { appKeyring, resetAppKeyringForTests } from "@/lib/config/keyring";
import { openSecret } from "@/lib/crypto/seal";
import { getEffectiveRoomSettings, verifyRoomKey } from "@/lib/rooms/rooms";
import type { Actor } from "@/lib/actor";
import * as collection from "./route";
import * as item from "./[meetingId]/route";

const PUBLIC_URL = "https://verbatim.test";
const password = "correct horse battery";
const future = () => new Date(Date.now() + 24 * 3600_000).toISOString();

type Call = { key?: string; body?: unknown; raw?: string; contentType?: string };
type Answer = { status: number; text: string; json: any; headers: Headers };

describeEachDatabase("REST /api/v1/meetings", (handle) => {
  const db = () => handle().db;
  let keyA: string;
  let keyB: string;
  let adminA: Actor;
  let n = 0;

  async function newAccount(): Promise<{ key: string; admin: Actor }> {
    n += 1;
    const { account, user } = await createAccountWithAdmin(
      db(),
      { accountName: `Acct ${n}`, name: `Admin ${n}`, email: `admin${n}-${randomBytes(3).toString("hex")}@example.com`, password },
      { onlyIfEmpty: false, via: "cli" },
    );
    const admin: Actor = { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
    return { key: (await createApiKey(db(), admin, "tests")).key, admin };
  }

  async function api(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, call: Call = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (call.key) headers.authorization = `Bearer ${call.key}`;
    const body = call.raw ?? (call.body !== undefined ? JSON.stringify(call.body) : undefined);
    if (body !== undefined) headers["content-type"] = call.contentType ?? "application/json";
    const request = new Request(`http://localhost/api/v1${path}`, { method, headers, body });
    const id = /^\/meetings\/([^/?]+)/.exec(path)?.[1];
    const res = id
      ? await (item as Record<string, typeof item.GET>)[method](request, { params: Promise.resolve({ meetingId: decodeURIComponent(id) }) })
      : await (collection as Record<string, typeof collection.GET>)[method](request);
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  const roomCount = async (accountId: string) => (await db().select().from(rooms).where(eq(rooms.accountId, accountId))).length;

  beforeAll(async () => {
    process.env.VERBATIM_PUBLIC_URL = PUBLIC_URL;
    process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
    process.env.VERBATIM_MAX_BODY_BYTES = "20000";
    process.env.VERBATIM_RATE_LIMIT_POINTS = "100000";
    process.env.VERBATIM_SPEECH_ENGINE = "pocketsphinx";
    resetAppEnvForTests();
    resetAppKeyringForTests();
    ({ key: keyA, admin: adminA } = await newAccount());
    ({ key: keyB } = await newAccount());
  });

  it("creates a room with only an end date: 201 with exactly api.md's fields", async () => {
    const endDate = "2099-12-01T12:00:00+01:00";
    const res = await api("POST", "/meetings", { key: keyA, body: { endDate } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual(["endDate", "meetingId", "roomName", "roomUrl", "startDate"]);
    expect(res.json.roomName).toMatch(/^\/[0-9a-f]{32}$/);
    expect(res.json.roomUrl).toBe(`${PUBLIC_URL}/r/${res.json.roomName.slice(1)}`);
    expect(res.json.endDate).toBe("2099-12-01T11:00:00.000Z");
    expect(Math.abs(Date.parse(res.json.startDate) - Date.now())).toBeLessThan(3_600_000);
    expect(res.headers.get("x-ratelimit-limit")).toBe("100000");
    const [row] = await db().select().from(rooms).where(eq(rooms.id, res.json.meetingId));
    expect(row).toMatchObject({ accountId: adminA.accountId, roomMode: "normal", isLocked: false, hasTranscriptionBlock: false, overrideStartTrigger: null, overrideStorage: null });
  });

  it("uses the prefix, room mode and lock, and returns a working host link when asked", async () => {
    const res = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), roomNamePrefix: "sales", roomMode: "group", isLocked: true, fields: ["hostRoomUrl"] } });
    expect(res.status).toBe(201);
    expect(res.json.roomName).toMatch(/^\/sales-[0-9a-f]{32}$/);
    const host = new URL(res.json.hostRoomUrl);
    expect(`${host.origin}${host.pathname}`).toBe(res.json.roomUrl);
    const roomKey = host.searchParams.get("roomKey")!;
    expect(roomKey.length).toBeGreaterThanOrEqual(32);
    const [row] = await db().select().from(rooms).where(eq(rooms.id, res.json.meetingId));
    expect(row.roomMode).toBe("group");
    expect(row.isLocked).toBe(true);
    expect(row.roomKeySealed).not.toContain(roomKey);
    expect(verifyRoomKey(row, roomKey)).toBe(true);
    expect(verifyRoomKey(row, roomKey.slice(0, -1) + (roomKey.endsWith("A") ? "B" : "A"))).toBe(false);
    expect(verifyRoomKey(row, "")).toBe(false);

    const again = await api("GET", `/meetings/${res.json.meetingId}?fields=hostRoomUrl`, { key: keyA });
    expect(again.json.hostRoomUrl).toBe(res.json.hostRoomUrl);
    const plain = await api("GET", `/meetings/${res.json.meetingId}`, { key: keyA });
    expect(plain.json.hostRoomUrl).toBeUndefined();
    expect(plain.json).toMatchObject({ roomName: res.json.roomName, roomMode: "group", isLocked: true });
  });

  it("gives every room a different, unguessable name, even with the same prefix", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 12; i++) names.add((await api("POST", "/meetings", { key: keyA, body: { endDate: future(), roomNamePrefix: "x" } })).json.roomName);
    expect(names.size).toBe(12);
  });

  it("stores an S3 override with the secret sealed, and never returns the secret", async () => {
    const secret = `SeCrEt/${randomBytes(18).toString("base64url")}`;
    const seen: Answer[] = [];
    const destination = { provider: "s3", authenticationType: "accessKey", bucket: "room-bucket/in/prefix", region: "eu-west-1", accessKeyId: "AKIAROOMKEY", accessKeySecret: secret, endpoint: "http://127.0.0.1:9000" };
    const created = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), fields: ["hostRoomUrl"], liveTranscription: { language: "en", startTrigger: "automatic", destination } } });
    seen.push(created);
    expect(created.status).toBe(201);
    const id = created.json.meetingId;
    seen.push(await api("GET", `/meetings/${id}`, { key: keyA }));
    seen.push(await api("GET", `/meetings/${id}?fields=hostRoomUrl`, { key: keyA }));
    seen.push(await api("GET", "/meetings?limit=100", { key: keyA }));
    expect(seen[1].json.liveTranscription).toEqual({
      language: "en",
      startTrigger: "automatic",
      vocabulary: null,
      destination: { provider: "s3", authenticationType: "accessKey", bucket: "room-bucket/in/prefix", region: "eu-west-1", accessKeyId: "AKIAROOMKEY", endpoint: "http://127.0.0.1:9000" },
      participantDownloads: null,
    });

    const [row] = await db().select().from(rooms).where(eq(rooms.id, id));
    expect(row.overrideS3SecretSealed).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(openSecret(row.overrideS3SecretSealed!, appKeyring(), id)).toBe(secret);
    expect(() => openSecret(row.overrideS3SecretSealed!, appKeyring(), adminA.accountId)).toThrow();

    const effective = await getEffectiveRoomSettings(db(), row);
    expect(effective.source.destination).toBe("room");
    expect(effective.destinationSealedFor).toBe(id);
    expect(effective.effective.destination).toMatchObject({ provider: "s3", bucket: "room-bucket/in/prefix", accessKeyId: "AKIAROOMKEY" });

    seen.push(await api("DELETE", `/meetings/${id}`, { key: keyA }));
    for (const answer of seen) expect(answer.text).not.toContain(secret);
    expect(seen.map((a) => a.status)).toEqual([201, 200, 200, 200, 204]);
  });

  it('keeps a room bucket\'s checksumMode ("whenSupported" for Object Lock) and hands it to the storage', async () => {
    const destination = { provider: "s3", bucket: "locked-bucket", region: "eu-west-1", accessKeyId: "AKIALOCKED", accessKeySecret: "secret-value", checksumMode: "whenSupported" };
    const created = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { destination } } });
    expect(created.status).toBe(201);
    const shown = await api("GET", `/meetings/${created.json.meetingId}`, { key: keyA });
    expect(shown.json.liveTranscription.destination).toMatchObject({ provider: "s3", bucket: "locked-bucket", checksumMode: "whenSupported" });
    const [row] = await db().select().from(rooms).where(eq(rooms.id, created.json.meetingId));
    expect((await getEffectiveRoomSettings(db(), row)).effective.destination).toMatchObject({ provider: "s3", checksumMode: "whenSupported" });

    const plain = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { destination: { ...destination, checksumMode: undefined } } } });
    const plainShown = await api("GET", `/meetings/${plain.json.meetingId}`, { key: keyA });
    expect(plainShown.json.liveTranscription.destination).not.toHaveProperty("checksumMode");
  });

  it('accepts "whereby" as an alias of "hosted" and null fields as account defaults', async () => {
    const res = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { language: null, startTrigger: null, destination: { provider: "whereby" } } } });
    expect(res.status).toBe(201);
    const got = await api("GET", `/meetings/${res.json.meetingId}`, { key: keyA });
    expect(got.json.liveTranscription).toEqual({ language: "en", startTrigger: null, vocabulary: null, destination: { provider: "hosted" }, participantDownloads: null });
    const [row] = await db().select().from(rooms).where(eq(rooms.id, res.json.meetingId));
    expect(row).toMatchObject({ hasTranscriptionBlock: true, languageFromRoom: false, overrideStorage: "hosted" });

    const nullBlock = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: null, templateType: "viewerMode" } });
    expect(nullBlock.status).toBe(201);
  });

  it("fixes the language at creation, while other fields follow later account changes", async () => {
    const { key, admin } = await newAccount();
    await db().insert(accountSettings).values({ accountId: admin.accountId, language: "de", startTrigger: "manual" });
    const res = await api("POST", "/meetings", { key, body: { endDate: future() } });
    const [row] = await db().select().from(rooms).where(eq(rooms.id, res.json.meetingId));
    expect(row).toMatchObject({ language: "de", languageFromRoom: false });

    await db().update(accountSettings).set({ language: "fr", startTrigger: "automatic", transcriptionEnabled: true }).where(eq(accountSettings.accountId, admin.accountId));
    const effective = await getEffectiveRoomSettings(db(), row);
    expect(effective.effective).toMatchObject({ language: "de", startTrigger: "automatic", enabled: true, destination: { provider: "hosted" } });
    expect(effective.source).toEqual({ enabled: "account", startTrigger: "account", language: "account", vocabulary: "account", destination: "account" });
    expect((await api("GET", `/meetings/${row.id}`, { key })).json.liveTranscription.language).toBe("de");

    const none = await api("POST", "/meetings", { key, body: { endDate: future(), liveTranscription: { startTrigger: "none" } } });
    const [noneRow] = await db().select().from(rooms).where(eq(rooms.id, none.json.meetingId));
    expect((await getEffectiveRoomSettings(db(), noneRow)).effective).toMatchObject({ enabled: false, startTrigger: "none", language: "fr" });
  });

  it("refuses a language the speech engine cannot transcribe, naming the engine", async () => {
    const before = await roomCount(adminA.accountId);
    const res = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { language: "fr" } } });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("Validation failed");
    expect(res.json.details).toHaveLength(1);
    expect(res.json.details[0].path).toBe("liveTranscription.language");
    expect(res.json.details[0].message).toMatch(/PocketSphinx.*French/);
    expect(await roomCount(adminA.accountId)).toBe(before);
  });

  it("refuses a language no engine of VERBATIM_SPEECH_ENGINES supports, naming the engines; an unknown id serves nothing", async () => {
    const before = await roomCount(adminA.accountId);
    const saved = process.env.VERBATIM_SPEECH_ENGINES;
    try {
      process.env.VERBATIM_SPEECH_ENGINES = "pocketsphinx";
      resetAppEnvForTests();
      expect((await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { language: "en" } } })).status).toBe(201);
      const german = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { language: "de" } } });
      expect(german.status).toBe(400);
      expect(german.json).toEqual({
        error: "Validation failed",
        code: "validation_failed",
        details: [{ path: "liveTranscription.language", message: "PocketSphinx (embedded, offline, US English) supports only English (en), not German (de)" }],
      });
      process.env.VERBATIM_SPEECH_ENGINES = "nosuchengine";
      resetAppEnvForTests();
      const none = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { language: "en" } } });
      expect(none.status).toBe(400);
      expect(none.json.details[0]).toEqual({
        path: "liveTranscription.language",
        message: "No speech engine of this build is configured (VERBATIM_SPEECH_ENGINES=nosuchengine), so English (en) cannot be transcribed",
      });
    } finally {
      if (saved === undefined) delete process.env.VERBATIM_SPEECH_ENGINES;
      else process.env.VERBATIM_SPEECH_ENGINES = saved;
      resetAppEnvForTests();
    }
    expect(await roomCount(adminA.accountId)).toBe(before + 1);
  });

  it("keeps a room's participantDownloads (extension): stored and returned; null follows the account; a bad value is refused", async () => {
    const yes = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { participantDownloads: true } } });
    expect(yes.status).toBe(201);
    expect((await api("GET", `/meetings/${yes.json.meetingId}`, { key: keyA })).json.liveTranscription.participantDownloads).toBe(true);
    const no = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { participantDownloads: false } } });
    expect((await api("GET", `/meetings/${no.json.meetingId}`, { key: keyA })).json.liveTranscription.participantDownloads).toBe(false);
    const bad = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { participantDownloads: "yes" } } });
    expect(bad.status).toBe(400);
    expect(bad.json.details).toEqual([{ path: "liveTranscription.participantDownloads", message: "Use true, false, or null for the account default" }]);
  });

  it("keeps a room's vocabulary: stored, returned, and resolved over the account's", async () => {
    const { key, admin } = await newAccount();
    await db().insert(accountSettings).values({ accountId: admin.accountId, vocabulary: ["Acme", "Verbatim"] });
    const vocabulary = ["Ana Lima", "  Kubernetes ", "kubernetes", "Zoë van Dijk", "x".repeat(100)];
    const created = await api("POST", "/meetings", { key, body: { endDate: future(), liveTranscription: { vocabulary } } });
    expect(created.status).toBe(201);
    const got = await api("GET", `/meetings/${created.json.meetingId}`, { key });
    expect(got.json.liveTranscription.vocabulary).toEqual(["Ana Lima", "Kubernetes", "Zoë van Dijk", "x".repeat(100)]);
    const [row] = await db().select().from(rooms).where(eq(rooms.id, created.json.meetingId));
    const effective = await getEffectiveRoomSettings(db(), row);
    expect(effective.effective.vocabulary).toEqual(["Ana Lima", "Kubernetes", "Zoë van Dijk", "x".repeat(100)]);
    expect(effective.source.vocabulary).toBe("room");

    // Without its own list a room follows the account's, including later changes; an empty list is the room's own.
    const follows = await api("POST", "/meetings", { key, body: { endDate: future() } });
    const empty = await api("POST", "/meetings", { key, body: { endDate: future(), liveTranscription: { vocabulary: [] } } });
    expect((await api("GET", `/meetings/${follows.json.meetingId}`, { key })).json.liveTranscription.vocabulary).toBeNull();
    await db().update(accountSettings).set({ vocabulary: ["Globex"] }).where(eq(accountSettings.accountId, admin.accountId));
    const [followsRow] = await db().select().from(rooms).where(eq(rooms.id, follows.json.meetingId));
    const [emptyRow] = await db().select().from(rooms).where(eq(rooms.id, empty.json.meetingId));
    expect((await getEffectiveRoomSettings(db(), followsRow)).effective.vocabulary).toEqual(["Globex"]);
    expect((await getEffectiveRoomSettings(db(), emptyRow)).effective).toMatchObject({ vocabulary: [] });
  });

  it("refuses a bad vocabulary with a 400 naming the entry, and creates nothing", async () => {
    const before = await roomCount(adminA.accountId);
    const cases: [unknown, string, RegExp][] = [
      [Array.from({ length: 101 }, (_, i) => `term ${i}`), "liveTranscription.vocabulary", /at most 100 words or phrases/],
      [["fine", "x".repeat(101)], "liveTranscription.vocabulary.1", /at most 100 characters/],
      [["Ana\u0000Lima"], "liveTranscription.vocabulary.0", /NUL/],
      [["   "], "liveTranscription.vocabulary.0", /must not be empty/],
      ["Ana, Ben", "liveTranscription.vocabulary", /list of words or phrases/],
    ];
    for (const [vocabulary, path, message] of cases) {
      const res = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), liveTranscription: { vocabulary } } });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe("Validation failed");
      expect(res.json.details).toHaveLength(1);
      expect(res.json.details[0].path).toBe(path);
      expect(res.json.details[0].message).toMatch(message);
    }
    expect(await roomCount(adminA.accountId)).toBe(before);
  });

  const s3 = { provider: "s3", bucket: "good-bucket", region: "eu-west-1", accessKeyId: "AKIAGOOD", accessKeySecret: "secret-value" };
  const lt = (liveTranscription: unknown) => ({ endDate: future(), liveTranscription });
  // Each invalid value, and the field paths its 400 must name.
  const refusals: [string, () => unknown, string[]][] = [
    ["no end date", () => ({}), ["endDate"]],
    ["an end date that is not a date", () => ({ endDate: "tomorrow" }), ["endDate"]],
    ["an end date without a time zone", () => ({ endDate: "2099-01-01T10:00:00" }), ["endDate"]],
    ["an end date as a number", () => ({ endDate: Date.now() + 3600_000 }), ["endDate"]],
    ["an end date in the past", () => ({ endDate: new Date(Date.now() - 60_000).toISOString() }), ["endDate"]],
    ["an uppercase prefix", () => ({ endDate: future(), roomNamePrefix: "Sales" }), ["roomNamePrefix"]],
    ["a prefix of 40 characters", () => ({ endDate: future(), roomNamePrefix: "a".repeat(40) }), ["roomNamePrefix"]],
    ["a prefix with a hyphen", () => ({ endDate: future(), roomNamePrefix: "sa-les" }), ["roomNamePrefix"]],
    ["a prefix that is a number", () => ({ endDate: future(), roomNamePrefix: 12 }), ["roomNamePrefix"]],
    ["an unknown room mode", () => ({ endDate: future(), roomMode: "huge" }), ["roomMode"]],
    ["isLocked as a string", () => ({ endDate: future(), isLocked: "yes" }), ["isLocked"]],
    ["an unknown extra field", () => ({ endDate: future(), fields: ["hostRoomUrl", "viewerRoomUrl"] }), ["fields.1"]],
    ["fields as a string", () => ({ endDate: future(), fields: "hostRoomUrl" }), ["fields"]],
    ["liveTranscription as a string", () => lt("on"), ["liveTranscription"]],
    ["an unknown language", () => lt({ language: "xx" }), ["liveTranscription.language"]],
    ["an unknown start trigger", () => lt({ startTrigger: "sometimes" }), ["liveTranscription.startTrigger"]],
    ["an unknown provider", () => lt({ destination: { provider: "gcs" } }), ["liveTranscription.destination.provider"]],
    ["a destination without provider", () => lt({ destination: {} }), ["liveTranscription.destination.provider"]],
    [
      "s3 without its four fields",
      () => lt({ destination: { provider: "s3" } }),
      ["liveTranscription.destination.bucket", "liveTranscription.destination.region", "liveTranscription.destination.accessKeyId", "liveTranscription.destination.accessKeySecret"],
    ],
    ["s3 with blank fields", () => lt({ destination: { ...s3, bucket: " ", accessKeySecret: "" } }), ["liveTranscription.destination.bucket", "liveTranscription.destination.accessKeySecret"]],
    ["s3 with an invalid bucket name", () => lt({ destination: { ...s3, bucket: "Bad_Bucket" } }), ["liveTranscription.destination.bucket"]],
    ["s3 with an invalid region", () => lt({ destination: { ...s3, region: "EU WEST" } }), ["liveTranscription.destination.region"]],
    ["s3 with an access key id with spaces", () => lt({ destination: { ...s3, accessKeyId: "AKIA WITH SPACE" } }), ["liveTranscription.destination.accessKeyId"]],
    ["s3 with a secret holding a line break", () => lt({ destination: { ...s3, accessKeySecret: "abc\ndef" } }), ["liveTranscription.destination.accessKeySecret"]],
    ["s3 with an ftp endpoint", () => lt({ destination: { ...s3, endpoint: "ftp://s3.example.com" } }), ["liveTranscription.destination.endpoint"]],
    ["s3 with credentials in the endpoint", () => lt({ destination: { ...s3, endpoint: "https://u:p@s3.example.com" } }), ["liveTranscription.destination.endpoint"]],
    ["s3 with another authentication type", () => lt({ destination: { ...s3, authenticationType: "iam" } }), ["liveTranscription.destination.authenticationType"]],
    ["s3 with an unknown checksum mode", () => lt({ destination: { ...s3, checksumMode: "always" } }), ["liveTranscription.destination.checksumMode"]],
    ["a body that is an array", () => [], [""]],
    ["a body that is a string", () => "room", [""]],
  ];

  it.each(refusals)("refuses %s with 400 naming the field", async (_name, body, paths) => {
    const before = await roomCount(adminA.accountId);
    const res = await api("POST", "/meetings", { key: keyA, body: body() });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe("Validation failed");
    expect(res.json.details.map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
    for (const d of res.json.details) expect(d.message.length).toBeGreaterThan(3);
    expect(await roomCount(adminA.accountId)).toBe(before);
  });

  it("refuses malformed JSON, an empty body, a wrong content type and a huge body", async () => {
    const malformed = await api("POST", "/meetings", { key: keyA, raw: '{"endDate": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.details[0]).toMatchObject({ path: "" });
    expect(malformed.json.details[0].message).toMatch(/not valid JSON/);
    expect((await api("POST", "/meetings", { key: keyA, raw: "" })).status).toBe(400);
    const wrongType = await api("POST", "/meetings", { key: keyA, raw: JSON.stringify({ endDate: future() }), contentType: "text/plain" });
    expect(wrongType.status).toBe(415);
    const huge = await api("POST", "/meetings", { key: keyA, raw: JSON.stringify({ endDate: future(), pad: "x".repeat(30_000) }) });
    expect(huge.status).toBe(413);
  });

  it("refuses a missing, unknown or revoked key with 401 on every method", async () => {
    const { key, admin } = await newAccount();
    const created = await api("POST", "/meetings", { key, body: { endDate: future() } });
    const list = await api("GET", "/meetings", { key: "vbt_nonsense" });
    expect(list.status).toBe(401);
    expect(list.json).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
    expect((await api("POST", "/meetings", { body: { endDate: future() } })).status).toBe(401);

    const [{ id: keyId }] = await db().select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.accountId, admin.accountId));
    await revokeApiKey(db(), admin, keyId);
    for (const [method, path] of [["GET", "/meetings"], ["POST", "/meetings"], ["GET", `/meetings/${created.json.meetingId}`], ["DELETE", `/meetings/${created.json.meetingId}`]] as const) {
      const res = await api(method, path, { key, body: method === "POST" ? { endDate: future() } : undefined });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
    }
    const [row] = await db().select().from(rooms).where(eq(rooms.id, created.json.meetingId));
    expect(row.deletedAt).toBeNull();
  });

  it("answers 404 for another account's meeting, on GET and DELETE, and never lists it", async () => {
    const mine = await api("POST", "/meetings", { key: keyA, body: { endDate: future() } });
    const id = mine.json.meetingId;
    const get = await api("GET", `/meetings/${id}`, { key: keyB });
    expect(get.status).toBe(404);
    expect(get.json).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
    const del = await api("DELETE", `/meetings/${id}`, { key: keyB });
    expect(del.status).toBe(404);
    expect(del.json).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
    const [row] = await db().select().from(rooms).where(eq(rooms.id, id));
    expect(row.deletedAt).toBeNull();
    const listB = await api("GET", "/meetings?limit=100", { key: keyB });
    expect(listB.json.results.map((r: { meetingId: string }) => r.meetingId)).not.toContain(id);
    expect(listB.text).not.toContain(mine.json.roomName);
  });

  it("takes a human title at creation, returns it on the meeting, renames with PATCH and refuses a bad one", async () => {
    const created = await api("POST", "/meetings", { key: keyA, body: { endDate: future(), title: "  Weekly sync  " } });
    expect(created.status).toBe(201);
    const id = created.json.meetingId;
    expect((await api("GET", `/meetings/${id}`, { key: keyA })).json.title).toBe("Weekly sync");
    const renamed = await api("PATCH", `/meetings/${id}`, { key: keyA, body: { title: "Board review" } });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ meetingId: id, title: "Board review", roomName: created.json.roomName });
    const list = await api("GET", "/meetings?limit=100", { key: keyA });
    expect(list.json.results.find((r: { meetingId: string }) => r.meetingId === id).title).toBe("Board review");
    const bad = await api("PATCH", `/meetings/${id}`, { key: keyA, body: { title: "two\nlines" } });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].path).toBe("title");
    expect((await api("POST", "/meetings", { key: keyA, body: { endDate: future(), title: "x".repeat(121) } })).json.details[0].path).toBe("title");
    expect((await api("GET", `/meetings/${id}`, { key: keyA })).json.title).toBe("Board review");
    const cleared = await api("PATCH", `/meetings/${id}`, { key: keyA, body: { title: "" } });
    expect(cleared.json.title).toBeNull();
    expect((await api("PATCH", `/meetings/${id}`, { key: keyB, body: { title: "Theirs" } })).status).toBe(404);
  });

  it("answers 404 for a malformed or unknown id", async () => {
    for (const id of ["nope", "123", "00000000-0000-0000-0000-000000000000", "%27%20or%201%3D1"]) {
      expect((await api("GET", `/meetings/${id}`, { key: keyA })).status).toBe(404);
      expect((await api("DELETE", `/meetings/${id}`, { key: keyA })).status).toBe(404);
    }
  });

  it("deletes with 204, idempotently; a deleted room is gone from GET and the list", async () => {
    const created = await api("POST", "/meetings", { key: keyA, body: { endDate: future() } });
    const id = created.json.meetingId;
    const first = await api("DELETE", `/meetings/${id}`, { key: keyA });
    expect(first.status).toBe(204);
    expect(first.text).toBe("");
    expect((await api("DELETE", `/meetings/${id}`, { key: keyA })).status).toBe(204);
    expect((await api("GET", `/meetings/${id}`, { key: keyA })).status).toBe(404);
    const list = await api("GET", "/meetings?limit=100", { key: keyA });
    expect(list.json.results.map((r: { meetingId: string }) => r.meetingId)).not.toContain(id);
    const [row] = await db().select().from(rooms).where(and(eq(rooms.id, id), eq(rooms.accountId, adminA.accountId)));
    expect(row.deletedAt).not.toBeNull();
    expect(row.roomName).toBe(created.json.roomName);
  });

  it("refuses an unknown extra field on GET and invalid paging parameters", async () => {
    const created = await api("POST", "/meetings", { key: keyA, body: { endDate: future() } });
    const bad = await api("GET", `/meetings/${created.json.meetingId}?fields=viewerRoomUrl`, { key: keyA });
    expect(bad.status).toBe(400);
    expect(bad.json.details[0].path).toBe("fields");
    for (const [query, path] of [["limit=0", "limit"], ["limit=101", "limit"], ["limit=abc", "limit"], ["limit=2.5", "limit"], ["cursor=garbage", "cursor"], [`cursor=${Buffer.from('[1,"x"]').toString("base64url")}`, "cursor"]]) {
      const res = await api("GET", `/meetings?${query}`, { key: keyA });
      expect(res.status, query).toBe(400);
      expect(res.json.details[0].path).toBe(path);
    }
  });

  it("pages with an opaque cursor, stable while rooms are added and deleted, null on the last page", async () => {
    const { key } = await newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await api("POST", "/meetings", { key, body: { endDate: future() } })).json.meetingId);

    const all = await api("GET", "/meetings", { key });
    expect(all.json.cursor).toBeNull();
    // Newest first; rooms created within the same millisecond are ordered by id, so the order is read from this answer.
    expect(new Set(all.json.results.map((r: { meetingId: string }) => r.meetingId))).toEqual(new Set(ids));
    const order: string[] = all.json.results.map((r: { meetingId: string }) => r.meetingId);

    const page1 = await api("GET", "/meetings?limit=3", { key });
    expect(page1.json.results.map((r: { meetingId: string }) => r.meetingId)).toEqual(order.slice(0, 3));
    expect(typeof page1.json.cursor).toBe("string");

    // Meanwhile: two rooms are added, one already seen and one not yet seen are deleted.
    await api("POST", "/meetings", { key, body: { endDate: future() } });
    await api("POST", "/meetings", { key, body: { endDate: future() } });
    expect((await api("DELETE", `/meetings/${order[0]}`, { key })).status).toBe(204);
    expect((await api("DELETE", `/meetings/${order[4]}`, { key })).status).toBe(204);

    const seen: string[] = page1.json.results.map((r: { meetingId: string }) => r.meetingId);
    let cursor: string | null = page1.json.cursor;
    let pages = 1;
    while (cursor) {
      const page = await api("GET", `/meetings?limit=3&cursor=${encodeURIComponent(cursor)}`, { key });
      expect(page.status).toBe(200);
      seen.push(...page.json.results.map((r: { meetingId: string }) => r.meetingId));
      cursor = page.json.cursor;
      pages += 1;
    }
    expect(seen).toEqual([...order.slice(0, 4), ...order.slice(5)]);
    expect(pages).toBe(3);
  });
});
