import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { auditEvents, rooms } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/actor";
import { assertRoomOpen, createRoom, deleteRoom, getRoom, getRoomByName, hostRoomUrl, isRoomOpen, listRooms, renameRoom, ROOM_GRACE_MS, roomLinksFor, roomUrl, verifyRoomKey } from "./rooms";
import { countSessionsByRoom } from "./session-counts";
import { createMeetingSchema, createRoomFormSchema } from "./validation";

const password = "correct horse battery";
const future = () => new Date(Date.now() + 48 * 3600_000).toISOString();

describe("assertRoomOpen", () => {
  const endDate = new Date("2030-05-01T10:00:00.000Z");
  const at = (ms: number) => new Date(endDate.getTime() + ms);

  it("accepts sessions until one hour after the end date, and none after", () => {
    expect(isRoomOpen({ endDate, deletedAt: null }, at(-1))).toBe(true);
    expect(isRoomOpen({ endDate, deletedAt: null }, at(ROOM_GRACE_MS))).toBe(true);
    expect(isRoomOpen({ endDate, deletedAt: null }, at(ROOM_GRACE_MS + 1))).toBe(false);
    expect(() => assertRoomOpen({ endDate, deletedAt: null }, at(30 * 60_000))).not.toThrow();
    expect(() => assertRoomOpen({ endDate, deletedAt: null }, at(ROOM_GRACE_MS + 1))).toThrow(/ended at 2030-05-01T10:00:00.000Z and accepts no new sessions/);
  });

  it("refuses a deleted room whatever its end date", () => {
    expect(isRoomOpen({ endDate, deletedAt: new Date() }, at(-3600_000))).toBe(false);
    expect(() => assertRoomOpen({ endDate, deletedAt: new Date() }, at(-3600_000))).toThrow(AppError);
  });
});

describe("createRoomFormSchema (the Rooms page form)", () => {
  it("turns the flat form into the API body, with blank overrides meaning the account default", () => {
    const endDate = future();
    const plain = createRoomFormSchema.parse({ endDate, roomNamePrefix: "", roomMode: "normal", language: "", startTrigger: "", destination: "" });
    expect(plain).toEqual(createMeetingSchema.parse({ endDate }));
    expect(plain.liveTranscription).toBeUndefined();

    const full = createRoomFormSchema.parse({
      endDate, roomNamePrefix: "ward", roomMode: "group", isLocked: "on", language: "en", startTrigger: "none",
      destination: "s3", bucket: "b-bucket", region: "eu-west-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: "",
    });
    expect(full).toMatchObject({
      roomNamePrefix: "ward", roomMode: "group", isLocked: true,
      liveTranscription: { language: "en", startTrigger: "none", destination: { provider: "s3", bucket: "b-bucket", region: "eu-west-1", accessKeyId: "AKIA1", accessKeySecret: "s", endpoint: null } },
    });
  });

  it("reads the vocabulary text box one entry per line into the API's list; a blank box follows the account", () => {
    const endDate = future();
    const withWords = createRoomFormSchema.parse({ endDate, language: "", startTrigger: "", destination: "", vocabulary: "Ana Lima\n\n Kubernetes \n" });
    expect(withWords.liveTranscription).toEqual(createMeetingSchema.parse({ endDate, liveTranscription: { vocabulary: ["Ana Lima", "Kubernetes"] } }).liveTranscription);
    expect(createRoomFormSchema.parse({ endDate, vocabulary: "  \n " }).liveTranscription).toBeUndefined();
    const tooLong = createRoomFormSchema.safeParse({ endDate, vocabulary: `ok\n${"x".repeat(101)}` });
    expect(tooLong.error?.issues.map((i) => i.path.join("."))).toEqual(["liveTranscription.vocabulary.1"]);
  });

  it("reports problems with the API's field paths", () => {
    const result = createRoomFormSchema.safeParse({ endDate: "", destination: "s3", bucket: "", roomNamePrefix: "Bad Prefix" });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual([
      "endDate",
      "liveTranscription.destination.accessKeyId",
      "liveTranscription.destination.accessKeySecret",
      "liveTranscription.destination.bucket",
      "liveTranscription.destination.region",
      "roomNamePrefix",
    ]);
  });
});

describeEachDatabase("rooms", (handle) => {
  const db = () => handle().db;
  let admin: Actor;
  let member: Actor;
  let other: Actor;

  beforeAll(async () => {
    process.env.VERBATIM_PUBLIC_URL = "https://rooms.test";
    process.env.VERBATIM_ENCRYPTION_KEYS = `r1:${randomBytes(32).toString("base64")}`;
    resetAppEnvForTests();
    resetAppKeyringForTests();
    const a = await createAccountWithAdmin(db(), { accountName: "Acme", name: "Ana", email: "ana@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    admin = { accountId: a.account.id, userId: a.user.id, role: "admin", label: a.user.email, via: "session" };
    member = { ...admin, role: "member", label: "ben@example.com" };
    const o = await createAccountWithAdmin(db(), { accountName: "Other", name: "Otto", email: "otto@example.com", password }, { onlyIfEmpty: false, via: "cli" });
    other = { accountId: o.account.id, userId: o.user.id, role: "admin", label: o.user.email, via: "session" };
  });

  it("refuses room creation and deletion to members, and writes nothing", async () => {
    const input = createMeetingSchema.parse({ endDate: future() });
    await expect(createRoom(db(), member, input)).rejects.toThrow(/Only account admins/);
    const { room } = await createRoom(db(), admin, input);
    await expect(deleteRoom(db(), member, room.id)).rejects.toThrow(/Only account admins/);
    expect((await getRoom(db(), admin.accountId, room.id)).deletedAt).toBeNull();
    expect((await db().select().from(rooms).where(eq(rooms.createdByUserId, admin.userId!))).every((r) => r.accountId === admin.accountId)).toBe(true);
  });

  it("finds a live room by name for the pipeline, with its host key and settings", async () => {
    const { room, roomKey } = await createRoom(db(), admin, createMeetingSchema.parse({ endDate: future(), roomNamePrefix: "desk" }));
    const found = await getRoomByName(db(), room.roomName);
    expect(found?.id).toBe(room.id);
    expect(verifyRoomKey(found!, roomKey)).toBe(true);
    expect(verifyRoomKey(found!, null)).toBe(false);
    expect(verifyRoomKey(found!, "x".repeat(500))).toBe(false);
    expect(roomUrl(room)).toBe(`https://rooms.test/r/${room.roomName.slice(1)}`);
    expect(hostRoomUrl(room)).toBe(`https://rooms.test/r/${room.roomName.slice(1)}?roomKey=${encodeURIComponent(roomKey)}`);
    // The Rooms page: only admins get the host link; members get the room link alone.
    expect(roomLinksFor(room, "admin")).toEqual({ roomUrl: roomUrl(room), hostRoomUrl: hostRoomUrl(room) });
    expect(roomLinksFor(room, "member")).toEqual({ roomUrl: roomUrl(room), hostRoomUrl: null });
    expect(JSON.stringify(roomLinksFor(room, "member"))).not.toContain(encodeURIComponent(roomKey));
    expect(await getRoomByName(db(), "/desk-nothere")).toBeNull();
    expect(await getRoomByName(db(), room.roomName.slice(1))).toBeNull();

    await deleteRoom(db(), admin, room.id);
    expect(await getRoomByName(db(), room.roomName)).toBeNull();
  });

  it("audits creation and deletion", async () => {
    const { room } = await createRoom(db(), admin, createMeetingSchema.parse({ endDate: future() }));
    await deleteRoom(db(), admin, room.id);
    await deleteRoom(db(), admin, room.id);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.targetId, room.id));
    expect(events.map((e) => e.action).sort()).toEqual(["room.created", "room.deleted"]);
  });

  it("keeps each account's rooms to itself", async () => {
    const { room } = await createRoom(db(), other, createMeetingSchema.parse({ endDate: future() }));
    await expect(getRoom(db(), admin.accountId, room.id)).rejects.toThrow(/doesn't exist/);
    await expect(deleteRoom(db(), admin, room.id)).rejects.toThrow(/doesn't exist/);
    const listed = await listRooms(db(), admin.accountId, { limit: 100 });
    expect(listed.rooms.map((r) => r.id)).not.toContain(room.id);
  });

  it("finds rooms by title or name, literally and case-insensitively, and renames them (members may not)", async () => {
    const { room: weekly } = await createRoom(db(), admin, createMeetingSchema.parse({ endDate: future(), title: "Weekly Sync" }));
    const { room: plain } = await createRoom(db(), admin, createMeetingSchema.parse({ endDate: future(), roomNamePrefix: "standup" }));
    await createRoom(db(), other, createMeetingSchema.parse({ endDate: future(), title: "Weekly sync elsewhere" }));
    const ids = async (search: string) => (await listRooms(db(), admin.accountId, { limit: 100, search })).rooms.map((r) => r.id);
    expect(await ids("weekly")).toEqual([weekly.id]);
    expect(await ids("STANDUP")).toEqual([plain.id]);
    expect(await ids("%")).toEqual([]);
    expect(await ids("_")).toEqual([]);
    await expect(renameRoom(db(), member, weekly.id, "Nope")).rejects.toThrow(/Only account admins/);
    expect((await renameRoom(db(), admin, weekly.id, "Board review")).title).toBe("Board review");
    expect(await ids("weekly")).toEqual([]);
    expect(await ids("board")).toEqual([weekly.id]);
  });

  it("counts 0 sessions per room until the pipeline's sessions table exists", async () => {
    const { room } = await createRoom(db(), admin, createMeetingSchema.parse({ endDate: future() }));
    const counts = await countSessionsByRoom(db(), admin.accountId, [room.id]);
    expect(counts.get(room.id)).toBe(0);
    expect((await countSessionsByRoom(db(), admin.accountId, [])).size).toBe(0);
  });
});
