import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import type { Actor } from "@/lib/actor";
import { AppError } from "@/lib/errors";
import { resetAppEnvForTests } from "@/lib/config/env";
import { appKeyring, resetAppKeyringForTests } from "@/lib/config/keyring";
import { sealSecret } from "@/lib/crypto/seal";
import { auditEvents, summaries, transcriptionDeletions, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { hostedDirectory } from "@/lib/storage/hosted";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import { fileLinkSigningKey, hostedStorage } from "@/lib/storage-config/storage-for";
import { serveFileLink } from "@/lib/storage-config/serve-file-link";
import { createTestRoom, createTestTranscript } from "./testing";
import { encodeStoredDestination } from "./stored-destination";
import { listTranscriptions, type TranscriptionListOptions } from "./list";
import { createAccessLink, deleteTranscriptions, getTranscription } from "./transcriptions";
import { readStoredTranscript, transcriptDownload } from "./transcript-content";
import { loadSegments } from "./segments";
import { measureListQueries, seedTranscriptions } from "./bench";
import { parseTranscriptionSort, transcriptionListFiltersSchema } from "./validation";
import { dashboardTranscriptionPage } from "./dashboard-list";

const password = "correct horse battery";
const savedEnv = { ...process.env };
let dataDir: string;
let s3: LocalS3Server;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-transcripts-"));
  for (const name of Object.keys(process.env)) if (name.startsWith("VERBATIM_HOSTED_S3_")) delete process.env[name];
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_PUBLIC_URL = "https://verbatim.example.com";
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
  s3 = await startLocalS3Server({ buckets: ["customer-bucket"] });
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

const hour = 3600_000;
const base = new Date("2026-03-02T09:00:00.000Z");

describeEachDatabase("transcripts: list, search, read, download, delete", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let other: Actor;
  let member: Actor;

  beforeAll(async () => {
    const a = await createAccountWithAdmin(handle().db, { accountName: "Acme", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    admin = { accountId: a.account.id, userId: a.user.id, role: "admin", label: a.user.email, via: "session" };
    member = { ...admin, role: "member", label: "member@example.com" };
    const b = await createAccountWithAdmin(handle().db, { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    other = { accountId: b.account.id, userId: b.user.id, role: "admin", label: b.user.email, via: "session" };
  });

  const ids = async (opts: Partial<TranscriptionListOptions>, actor = admin) =>
    (await listTranscriptions(db(), actor.accountId, { limit: 100, ...opts })).items.map((i) => i.roomName);

  it("keeps the search index current as segments arrive, over text, speaker names and room names", async () => {
    const t = await createTestTranscript(db(), admin.accountId, {
      roomName: "/sales-3f2a9b",
      startedAt: base,
      state: "in_progress",
      segments: [{ speaker: "Ana", atSeconds: 3, text: "Good morning everyone." }],
    });
    expect(await ids({ search: "morning" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "budget" })).toEqual([]);
    // A segment arriving later is searchable at once.
    await db().insert(transcriptSegments).values({ accountId: admin.accountId, transcriptionId: t.id, participantId: "p9", displayName: "Zoë", startMs: 7000, endMs: 9000, text: "Let's start with the budget (Q3), see example.com" });
    expect(await ids({ search: "budget" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "BUDG" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "zoë" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "example.com" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "sales-3f2a" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "/sales" })).toEqual(["/sales-3f2a9b"]);
    // Every word must occur.
    expect(await ids({ search: "budget morning" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ search: "budget evening" })).toEqual([]);
    // tsquery syntax typed into the box is only words.
    expect(await ids({ search: "budget & !(morning | x) <-> :* '" })).toEqual([]);
    expect(await ids({ search: "!&|():*'" })).toEqual(["/sales-3f2a9b"]);
    // Another account sees nothing.
    expect(await ids({ search: "budget" }, other)).toEqual([]);
  });

  it("filters by room, date range, state and storage, and lists participants", async () => {
    const room = await createTestRoom(db(), admin.accountId, "/support-aa11");
    await createTestTranscript(db(), admin.accountId, { roomId: room.id, startedAt: new Date(base.getTime() + 1 * hour), durationSeconds: 300, participants: ["Ana", "Ben"] });
    await createTestTranscript(db(), admin.accountId, { roomId: room.id, startedAt: new Date(base.getTime() + 2 * hour), state: "failed", error: "Upload to s3://x failed: access denied", store: false });
    await createTestTranscript(db(), admin.accountId, { roomName: "/ops-bb22", startedAt: new Date(base.getTime() + 3 * hour), durationSeconds: 50 });
    expect(await ids({ roomName: "/support-aa11" })).toEqual(["/support-aa11", "/support-aa11"]);
    expect(await ids({ roomName: "support-aa11" })).toHaveLength(2);
    expect(await ids({ state: "failed" })).toEqual(["/support-aa11"]);
    expect(await ids({ state: "in_progress" })).toEqual(["/sales-3f2a9b"]);
    expect(await ids({ from: new Date(base.getTime() + 1 * hour), to: new Date(base.getTime() + 3 * hour) })).toEqual(["/support-aa11", "/support-aa11"]);
    expect(await ids({ storageType: "SELF_HOSTED" })).toEqual([]);
    const page = await listTranscriptions(db(), admin.accountId, { roomName: "/support-aa11", state: "ready", limit: 10 });
    expect(page.items[0].participants).toEqual(["Ana", "Ben"]);
    expect(page.items[0].durationSeconds).toBe(300);
    const failed = await listTranscriptions(db(), admin.accountId, { state: "failed", limit: 10 });
    expect(failed.items[0].error).toMatch(/access denied/);
  });

  it("sorts by each field both ways and pages with an opaque cursor that stays stable while rows come and go", async () => {
    const acct = await createAccountWithAdmin(db(), { accountName: "Pager", name: "Pia", email: "pia@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    const pager = acct.account.id;
    const room = await createTestRoom(db(), pager, "/pages-0");
    const made = [];
    for (let i = 0; i < 23; i++) {
      // Equal start times and durations on purpose: ties are broken by id.
      made.push(
        await createTestTranscript(db(), pager, {
          roomId: room.id,
          roomName: `/pages-${i % 5}`,
          startedAt: new Date(base.getTime() + Math.floor(i / 2) * 60_000),
          durationSeconds: 100 + (i % 4),
          store: false,
        }),
      );
    }
    for (const sortBy of ["startDate:desc", "startDate:asc", "roomName:asc", "roomName:desc", "durationInSeconds:desc", "durationInSeconds:asc"]) {
      const sort = parseTranscriptionSort(sortBy);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listTranscriptions(db(), pager, { sort, cursor, limit: 5 });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(23);
      const all = (await listTranscriptions(db(), pager, { sort, limit: 100 })).items.map((i) => i.id);
      expect(seen).toEqual(all);
      const keys = (await listTranscriptions(db(), pager, { sort, limit: 100 })).items.map((i) =>
        sort.field === "roomName" ? i.roomName : sort.field === "startDate" ? i.startedAt.toISOString() : String(i.durationSeconds).padStart(5, "0"),
      );
      const sorted = [...keys].sort();
      expect(keys).toEqual(sort.direction === "asc" ? sorted : sorted.reverse());
    }

    // Rows added and deleted between pages: no row of the original list is skipped or repeated.
    const sort = parseTranscriptionSort("startDate:desc");
    const first = await listTranscriptions(db(), pager, { sort, limit: 10 });
    const shownIds = new Set(first.items.map((i) => i.id));
    await createTestTranscript(db(), pager, { roomId: room.id, startedAt: new Date(base.getTime() + 99 * 60_000), store: false });
    const victim = (await listTranscriptions(db(), pager, { sort, limit: 100 })).items.find((i) => !shownIds.has(i.id))!;
    await deleteTranscriptions(db(), { accountId: pager, userId: acct.user.id, role: "admin", label: "pia", via: "session" }, [victim.id]);
    const rest: string[] = [];
    let cursor = first.nextCursor ?? undefined;
    while (cursor) {
      const page = await listTranscriptions(db(), pager, { sort, cursor, limit: 10 });
      rest.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    }
    const expected = made.map((m) => m.id).filter((id) => !shownIds.has(id) && id !== victim.id);
    expect(rest.sort()).toEqual(expected.sort());

    // A cursor from another sort order, or made up, is refused on `cursor`.
    expect((await refusal(listTranscriptions(db(), pager, { sort: parseTranscriptionSort("roomName:asc"), cursor: first.nextCursor!, limit: 10 }))).details[0].path).toBe("cursor");
    expect((await refusal(listTranscriptions(db(), pager, { cursor: "bm9wZQ", limit: 10 }))).details[0].path).toBe("cursor");
    expect((await refusal(listTranscriptions(db(), pager, { cursor: Buffer.from(JSON.stringify(["startDate", "desc", "x'); drop table t;--", "00000000-0000-0000-0000-000000000000"])).toString("base64url"), limit: 10 }))).code).toBe("validation");
  });

  it("reads a hosted transcript back byte for byte, and downloads every format from the same segments", async () => {
    const t = await createTestTranscript(db(), admin.accountId, {
      roomName: "/dl-room",
      startedAt: base,
      durationSeconds: 65,
      segments: [
        { speaker: "Ana", atSeconds: 3, text: "Good morning everyone." },
        { speaker: "<b>Ben</b> *bold*", atSeconds: 7, text: "Morning. Let's start with the budget." },
      ],
    });
    const stored = fs.readFileSync(path.join(hostedDirectory(dataDir), ...t.storageKey!.split("/")));
    const md = await transcriptDownload(db(), admin.accountId, t.id, "md");
    expect(md.source).toBe("stored");
    expect(md.body.equals(stored)).toBe(true);
    expect(md.filename).toBe("dl-room-2026-03-02T09:00:00.000Z.md");
    expect(md.contentType).toBe("text/markdown; charset=utf-8");
    expect(md.body.toString()).toContain("**[00:00:07] \\<b\\>Ben\\</b\\> \\*bold\\*:** Morning. Let's start with the budget.");

    const txt = await transcriptDownload(db(), member.accountId, t.id, "txt");
    expect(txt.filename).toBe("dl-room-2026-03-02T09:00:00.000Z.txt");
    expect(txt.body.toString()).toContain("[00:00:03] Ana: Good morning everyone.");
    expect(txt.body.toString()).toContain("Duration: 0:01:05");
    const vtt = (await transcriptDownload(db(), admin.accountId, t.id, "vtt")).body.toString();
    expect(vtt.startsWith("WEBVTT")).toBe(true);
    expect(vtt).toContain("00:00:07.000 --> 00:00:09.000\n<v &lt;b&gt;Ben&lt;/b&gt; *bold*>Morning. Let's start with the budget.");
    const json = JSON.parse((await transcriptDownload(db(), admin.accountId, t.id, "json")).body.toString());
    expect(json.participants).toEqual(["Ana", "<b>Ben</b> *bold*"]);
    expect(json.segments.map((s: { text: string }) => s.text)).toEqual(["Good morning everyone.", "Morning. Let's start with the budget."]);

    // Another account cannot read it.
    expect((await refusal(transcriptDownload(db(), other.accountId, t.id, "md"))).code).toBe("not_found");
    expect((await refusal(transcriptDownload(db(), admin.accountId, "not-a-uuid", "md"))).code).toBe("not_found");

    // The stored file gone: .md is rendered from the segments instead, and says so.
    fs.rmSync(path.join(hostedDirectory(dataDir), ...t.storageKey!.split("/")));
    const read = await readStoredTranscript(t);
    expect(read).toEqual({ status: "unavailable", location: "Hosted storage", reason: "the file is no longer there" });
    const fallback = await transcriptDownload(db(), admin.accountId, t.id, "md");
    expect(fallback.source).toBe("segments");
    expect(fallback.body.toString()).toContain("**[00:00:03] Ana:** Good morning everyone.");
  });

  it("reads a self-hosted transcript back from the customer's bucket, and says so when the bucket does not answer", async () => {
    const room = await createTestRoom(db(), admin.accountId);
    const destination = {
      provider: "s3" as const,
      bucket: "customer-bucket/verbatim",
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretSealed: sealSecret(s3.secretAccessKey, appKeyring(), room.id),
      endpoint: s3.endpoint,
    };
    const t = await createTestTranscript(db(), admin.accountId, {
      roomId: room.id,
      destination,
      sealedFor: room.id,
      segments: [{ speaker: "Cy", atSeconds: 1, text: "Stored in the customer's bucket." }],
    });
    expect(t.storageType).toBe("SELF_HOSTED");
    const read = await readStoredTranscript(t);
    expect(read.status).toBe("ok");
    expect(read.status === "ok" && read.body.toString()).toContain("Stored in the customer's bucket.");
    // Access links are not made for a customer's bucket.
    expect((await refusal(createAccessLink(db(), admin.accountId, t.id, 60))).code).toBe("forbidden");

    // A bucket that stopped answering: read-back reports it; the segments are still in the database.
    const gone = { ...destination, endpoint: "http://127.0.0.1:9" };
    const t2 = await createTestTranscript(db(), admin.accountId, { roomId: room.id, destination, sealedFor: room.id, segments: [{ speaker: "Cy", atSeconds: 1, text: "Kept." }] });
    await db().update(transcriptions).set({ destination: encodeStoredDestination(gone, room.id) }).where(eq(transcriptions.id, t2.id));
    const unreachable = await readStoredTranscript(await getTranscription(db(), admin.accountId, t2.id));
    expect(unreachable.status).toBe("unavailable");
    expect(unreachable.status === "unavailable" && unreachable.location).toBe("s3://customer-bucket/verbatim at http://127.0.0.1:9");
    expect((await loadSegments(db(), admin.accountId, t2.id)).map((s) => s.text)).toEqual(["Kept."]);
    // Deleting needs the bucket: the transcript is kept and the error names where.
    const err = await refusal(deleteTranscriptions(db(), admin, [t2.id]));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/s3:\/\/customer-bucket\/verbatim/);
    expect(await getTranscription(db(), admin.accountId, t2.id)).toBeTruthy();

    // Deleting with a reachable bucket removes the object there.
    const objectsBefore = fs.readdirSync(s3.directory, { recursive: true }).filter((f) => String(f).endsWith(".md._S3rver_object") || String(f).endsWith("._S3rver_object"));
    await deleteTranscriptions(db(), admin, [t.id]);
    const objectsAfter = fs.readdirSync(s3.directory, { recursive: true }).filter((f) => String(f).endsWith("._S3rver_object"));
    expect(objectsAfter.length).toBe(objectsBefore.length - 1);
  });

  it("makes hosted access links that download the .md until they expire, and not after", async () => {
    const t = await createTestTranscript(db(), admin.accountId, { roomName: "/link-room", segments: [{ speaker: "Ana", atSeconds: 1, text: "Linked." }] });
    const before = Date.now();
    const { accessLink, expires } = await createAccessLink(db(), admin.accountId, t.id, 120);
    expect(expires).toBeGreaterThanOrEqual(before + 120_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 120_000);
    const ok = await serveFileLink(accessLink, { storage: hostedStorage(), signingKey: fileLinkSigningKey() });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Linked.");
    const late = await serveFileLink(accessLink, { storage: hostedStorage(), signingKey: fileLinkSigningKey(), now: new Date(expires) });
    expect(late.status).toBe(410);
    expect((await refusal(createAccessLink(db(), other.accountId, t.id, 120))).code).toBe("not_found");
    const running = await createTestTranscript(db(), admin.accountId, { state: "in_progress" });
    expect((await refusal(createAccessLink(db(), admin.accountId, running.id, 120))).code).toBe("conflict");
  });

  it("deletes the file, every segment and the row, with an audit record; again is fine; others' ids delete nothing", async () => {
    const a = await createTestTranscript(db(), admin.accountId, { roomName: "/del-a", segments: [{ speaker: "Ana", atSeconds: 1, text: "One." }] });
    const b = await createTestTranscript(db(), admin.accountId, { roomName: "/del-b", segments: [{ speaker: "Ben", atSeconds: 1, text: "Two." }] });
    const theirs = await createTestTranscript(db(), other.accountId, { roomName: "/theirs", segments: [{ speaker: "Otto", atSeconds: 1, text: "Three." }] });
    const fileOf = (t: { storageKey: string | null }) => path.join(hostedDirectory(dataDir), ...t.storageKey!.split("/"));

    // One foreign or unknown id refuses the whole request, before anything is deleted.
    for (const bad of [[a.id, theirs.id], [a.id, "00000000-0000-4000-8000-000000000000"], [a.id, "nonsense"]]) {
      expect((await refusal(deleteTranscriptions(db(), member, bad))).code).toBe("not_found");
    }
    expect(fs.existsSync(fileOf(a))).toBe(true);
    expect(fs.existsSync(fileOf(theirs))).toBe(true);
    expect(await getTranscription(db(), other.accountId, theirs.id)).toBeTruthy();

    const result = await deleteTranscriptions(db(), member, [a.id, b.id.toUpperCase(), a.id]);
    expect(result.deleted.sort()).toEqual([a.id, b.id].sort());
    expect(fs.existsSync(fileOf(a))).toBe(false);
    expect(fs.existsSync(fileOf(b))).toBe(false);
    expect(await db().select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, a.id))).toEqual([]);
    expect(await db().select().from(transcriptions).where(eq(transcriptions.id, a.id))).toEqual([]);
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.accountId, admin.accountId), eq(auditEvents.action, "transcription.deleted")));
    const forA = audit.filter((e) => e.targetId === a.id);
    expect(forA).toHaveLength(1);
    expect(forA[0].actorLabel).toBe("member@example.com");
    expect(forA[0].details).toMatchObject({ roomName: "/del-a", filename: a.filename, reason: "user" });
    expect((await db().select().from(transcriptionDeletions).where(eq(transcriptionDeletions.transcriptionId, a.id)))[0].reason).toBe("user");

    // Idempotent: deleting again succeeds and records nothing more.
    expect((await deleteTranscriptions(db(), admin, [a.id, b.id])).deleted).toEqual([]);
    expect(await db().select().from(auditEvents).where(eq(auditEvents.targetId, a.id))).toHaveLength(1);
    // But still 404 for the other account, whose id it never was.
    expect((await refusal(deleteTranscriptions(db(), other, [a.id]))).code).toBe("not_found");
    expect((await refusal(getTranscription(db(), admin.accountId, a.id))).code).toBe("not_found");
    expect(fs.existsSync(fileOf(theirs))).toBe(true);
  });

  it("refuses to delete a transcription that is still in progress", async () => {
    const running = await createTestTranscript(db(), admin.accountId, { roomName: "/running", state: "in_progress" });
    const err = await refusal(deleteTranscriptions(db(), admin, [running.id]));
    expect(err.code).toBe("conflict");
    expect(err.message).toMatch(/\/running is still in progress/);
    expect(await getTranscription(db(), admin.accountId, running.id)).toBeTruthy();
  });

  it("shows each row's summary state, and none where there is no summary", async () => {
    const withSummary = await createTestTranscript(db(), admin.accountId, { roomName: "/summed" });
    const without = await createTestTranscript(db(), admin.accountId, { roomName: "/unsummed" });
    await db().insert(summaries).values({ accountId: admin.accountId, transcriptionId: withSummary.id, template: "General Bulleted", state: "ready" });
    const page = await dashboardTranscriptionPage(db(), admin.accountId, transcriptionListFiltersSchema.parse({ limit: "100" }));
    const byRoom = Object.fromEntries(page.items.filter((i) => i.roomName.endsWith("summed")).map((i) => [i.roomName, i.summaryState]));
    expect(byRoom).toEqual({ "/summed": "ready", "/unsummed": null });
    expect(without.id).toBeTruthy();
  });

  it("seeds and measures for the benchmark", async () => {
    const acct = await createAccountWithAdmin(db(), { accountName: "Bench", name: "Bea", email: "bea@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    await seedTranscriptions(db(), acct.account.id, 400);
    const figures = await measureListQueries(db(), acct.account.id);
    expect(figures.list_rows).toBe(400);
    expect(figures.list_page_p95_ms).toBeGreaterThan(0);
    expect(figures.search_p95_ms).toBeGreaterThan(0);
    const found = await listTranscriptions(db(), acct.account.id, { search: "budget", limit: 5 });
    expect(found.items.length).toBe(5);
    expect(found.items[0].participants.length).toBe(2);
    await expect(seedTranscriptions(db(), acct.account.id, 0)).rejects.toThrow(RangeError);
  });
});
