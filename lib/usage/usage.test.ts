// Usage figures on both databases: minutes per day and per room from saved transcripts, sessions, languages, failures, CSV.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { FIXTURE_PHASE } from "@/lib/transcripts/testing";
import { describeEachDatabase } from "@/lib/db/testing";
import { roomSessions, transcriptions } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { createRoom } from "@/lib/rooms/rooms";
import { createMeetingSchema } from "@/lib/rooms/validation";
import type { Actor } from "@/lib/actor";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { GET as usageRoute } from "@/app/api/v1/usage/route";
import { accountUsage, formatBytes, usageCsv, usageQuerySchema } from "./usage";

describeEachDatabase("usage at a glance", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let other: Actor;

  async function newAdmin(n: string): Promise<Actor> {
    const { account, user } = await createAccountWithAdmin(db(), { accountName: n, name: n, email: `${n}-${randomBytes(3).toString("hex")}@example.com`, password: "correct horse battery" }, { onlyIfEmpty: false, via: "cli" });
    return { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" };
  }

  async function session(actor: Actor, title: string | undefined, startedAt: string, seconds: number | null, state: "ready" | "failed" | "in_progress", language = "en", sizeBytes: number | null = null) {
    const { room } = await createRoom(db(), actor, createMeetingSchema.parse({ endDate: new Date(Date.now() + 86_400_000).toISOString(), title }));
    const [s] = await db().insert(roomSessions).values({ accountId: actor.accountId, roomId: room.id, startedAt: new Date(startedAt) }).returning();
    await db()
      .insert(transcriptions)
      .values({
        accountId: actor.accountId,
        roomId: room.id,
        roomSessionId: s.id,
        roomName: room.roomName,
        language,
        phase: FIXTURE_PHASE[state],
        startedAt: new Date(startedAt),
        durationSeconds: seconds,
        sizeBytes,
        filename: `${room.roomName.slice(1)}-${startedAt}.md`,
        storageType: "HOSTED",
        destination: "{}",
        error: state === "failed" ? "Your bucket refused the upload" : null,
      });
    return room;
  }

  beforeAll(async () => {
    process.env.VERBATIM_ENCRYPTION_KEYS = `u1:${randomBytes(32).toString("base64")}`;
    resetAppEnvForTests();
    resetAppKeyringForTests();
    admin = await newAdmin("usage");
    other = await newAdmin("other");
  });

  it("adds up saved minutes per day and per room, counts sessions and languages, and lists failures with why", async () => {
    const weekly = await session(admin, "Weekly sync", "2026-11-02T09:00:00.000Z", 1800, "ready", "en", 12_000);
    await session(admin, undefined, "2026-11-02T15:00:00.000Z", 600, "ready", "de", 3_000);
    const failing = await session(admin, "Board", "2026-11-03T10:00:00.000Z", null, "failed");
    await session(admin, "Outside", "2026-10-01T10:00:00.000Z", 9999, "ready", "en", 50_000);
    await session(admin, "Old", "2026-09-01T10:00:00.000Z", 60, "ready");
    await session(other, "Theirs", "2026-11-02T10:00:00.000Z", 3000, "ready", "en", 7_000);

    const usage = await accountUsage(db(), admin.accountId, usageQuerySchema.parse({ from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }));
    expect(usage.totals).toEqual({ transcribedMinutes: 40, transcriptions: 3, sessions: 3, failed: 1 });
    expect(usage.days).toEqual([
      { date: "2026-11-02", transcribedMinutes: 40, transcriptions: 2 },
      { date: "2026-11-03", transcribedMinutes: 0, transcriptions: 1 },
    ]);
    expect(usage.rooms[0]).toEqual({ roomName: weekly.roomName, title: "Weekly sync", transcribedMinutes: 30, transcriptions: 1 });
    expect(usage.rooms).toHaveLength(3);
    expect(usage.languages).toEqual([
      { language: "en", transcriptions: 2 },
      { language: "de", transcriptions: 1 },
    ]);
    expect(usage.failures).toEqual([{ transcriptionId: expect.any(String), roomName: failing.roomName, startDate: "2026-11-03T10:00:00.000Z", error: "Your bucket refused the upload" }]);
    // Storage: saved in the range, and all the account holds now (outside the range too, never another account's);
    // the transcript saved before sizes were kept is counted apart, not guessed.
    expect(usage.storage).toEqual({ savedBytes: 15_000, storedBytes: 65_000, storedTranscripts: 4, unknownSize: 1 });

    const csv = usageCsv(usage).split("\r\n");
    expect(csv[0]).toBe("section,date_or_room,title,transcribed_minutes,transcriptions,bytes");
    expect(csv).toContain("day,2026-11-02,,40,2,");
    expect(csv).toContain(`room,${weekly.roomName},Weekly sync,30,1,`);
    expect(csv).toContain("storage,saved_in_range,,,,15000");
    expect(csv).toContain("storage,stored_now,,,4,65000");
  });

  it("answers GET /api/v1/usage with the same figures for the key's account, 400 naming a bad field, 401 without a key", async () => {
    const { key } = await createApiKey(db(), admin, "usage");
    const call = (query: string, auth = true) =>
      usageRoute(new Request(`http://localhost/api/v1/usage${query}`, { headers: auth ? { authorization: `Bearer ${key}` } : {} }));
    const ok = await call("?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z");
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toEqual(await accountUsage(db(), admin.accountId, usageQuerySchema.parse({ from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" })));
    const bad = await call("?from=soon");
    expect(bad.status).toBe(400);
    expect((await bad.json()).details[0].path).toBe("from");
    expect((await call("", false)).status).toBe(401);
  });

  it("refuses a range that is backwards or longer than a year, naming the field", () => {
    expect(usageQuerySchema.safeParse({ from: "2026-11-08T00:00:00Z", to: "2026-11-01T00:00:00Z" }).error?.issues[0].path).toEqual(["from"]);
    expect(usageQuerySchema.safeParse({ from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }).error?.issues[0].message).toMatch(/at most 366 days/);
    expect(usageQuerySchema.safeParse({ from: "yesterday" }).error?.issues[0].path).toEqual(["from"]);
  });
});

it("says storage in words a person reads", () => {
  expect([0, 1, 999, 1000, 14_234, 999_999, 3_100_000, 250_000_000_000].map(formatBytes)).toEqual(["0 bytes", "1 byte", "999 bytes", "1.0 kB", "14.2 kB", "1000 kB", "3.1 MB", "250 GB"]);
});
