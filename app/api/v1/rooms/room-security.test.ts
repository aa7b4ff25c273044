// Who may act as whom in a room, through the route handlers: the room link alone never yields another participant's identity.
import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { describeEachDatabase } from "@/lib/db/testing";
import { rooms, sessionParticipants } from "@/lib/db/schema";
import { loadSegments } from "@/lib/transcripts/segments";
import { createTestTranscript } from "@/lib/transcripts/testing";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { callRoute, newAccount, newRoom, setUpPipelineEnv, type TestAccount } from "./rooms-api-harness";

let env: ReturnType<typeof setUpPipelineEnv>;
beforeAll(() => {
  env = setUpPipelineEnv();
});
afterAll(() => env.cleanup());

describeEachDatabase("room security through the routes", (handle) => {
  const db = () => handle().db;
  let acct: TestAccount;
  beforeAll(async () => {
    acct = await newAccount(db());
  });
  const join = (name: string, body: Record<string, unknown>, opts: { token?: string; key?: string } = {}) =>
    callRoute("POST", `/rooms/${name}/participants`, { json: body, ...opts });

  it("the public room state lists who is present without their participant ids; the account's API key sees them", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "manual" });
    const host = await join(name, { participantId: "host-1", displayName: "Hana" }, {});
    expect(host.status).toBe(201);
    const publicState = await callRoute("GET", `/rooms/${name}`);
    expect(publicState.json.participants).toEqual([{ displayName: "Hana", role: "guest", transcribed: true }]);
    expect(publicState.text).not.toContain("host-1");
    const keyState = await callRoute("GET", `/rooms/${name}`, { key: acct.key });
    expect(keyState.json.participants).toEqual([{ participantId: "host-1", displayName: "Hana", role: "guest", transcribed: true }]);
    await callRoute("DELETE", `/rooms/${name}/participants/host-1`, { key: acct.key });
    await settlePipelineTasks();
  });

  it("a stranger cannot take over the host by joining with the host's participant id", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const host = await join(name, { participantId: "hana", displayName: "Hana", roomKey });
    expect(host.json.role).toBe("host");

    const hijack = await join(name, { participantId: "hana", displayName: "Mallory" });
    expect(hijack.status).toBe(409);
    expect(hijack.json.error).toMatch(/already taken/);
    expect(hijack.text).not.toContain("participantToken");
    // A guest's own token for another id does not help either.
    const guest = await join(name, { displayName: "Gus" });
    expect(guest.status).toBe(201);
    expect((await join(name, { participantId: "hana", displayName: "Mallory" }, { token: guest.json.participantToken })).status).toBe(409);
    // Nothing changed: the host keeps her name, and the stranger's start is refused.
    const state = await callRoute("GET", `/rooms/${name}`, { key: acct.key });
    expect(state.json.participants.find((p: { participantId: string }) => p.participantId === "hana")).toEqual({ participantId: "hana", displayName: "Hana", role: "host", transcribed: true });
    expect((await callRoute("POST", `/rooms/${name}/transcription/start`, { token: guest.json.participantToken, json: {} })).status).toBe(403);

    // The host herself (her token), the room key, or the account's API key get the id back.
    const reload = await join(name, { participantId: "hana", displayName: "Hana R." }, { token: host.json.participantToken });
    expect(reload.status).toBe(201);
    expect(reload.json.role).toBe("host");
    const withKey = await join(name, { participantId: "hana", displayName: "Hana", roomKey });
    expect(withKey.json).toMatchObject({ participantId: "hana", role: "host" });
    expect((await join(name, { participantId: "hana", displayName: "Hana" }, { key: acct.key })).status).toBe(201);

    for (const id of ["hana", guest.json.participantId]) await callRoute("DELETE", `/rooms/${name}/participants/${id}`, { key: acct.key });
    await settlePipelineTasks();
  });

  it("a guest's id is not given to anyone else, even after the guest left, until the session ends", async () => {
    const { name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const host = await join(name, { participantId: "h", displayName: "Host", roomKey });
    const ana = await join(name, { participantId: "ana", displayName: "Ana" });
    expect((await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: ana.json.participantToken })).status).toBe(204);
    // The room key makes a host, not a guest: it does not claim a guest's id.
    expect((await join(name, { participantId: "ana", displayName: "Not Ana", roomKey })).status).toBe(409);
    expect((await join(name, { participantId: "ana", displayName: "Not Ana" })).status).toBe(409);
    const back = await join(name, { participantId: "ana", displayName: "Ana" }, { token: ana.json.participantToken });
    expect(back.status).toBe(201);
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: back.json.participantToken });
    await callRoute("DELETE", `/rooms/${name}/participants/h`, { token: host.json.participantToken });
    await settlePipelineTasks();
    // A new session: the id is free again for whoever joins first.
    const fresh = await join(name, { participantId: "ana", displayName: "Someone" });
    expect(fresh.status).toBe(201);
    // A token from the ended session does not claim it.
    expect((await join(name, { participantId: "ana", displayName: "Ana" }, { token: ana.json.participantToken })).status).toBe(409);
    await callRoute("DELETE", `/rooms/${name}/participants/ana`, { token: fresh.json.participantToken });
    await settlePipelineTasks();
  });

  it("a locked room refuses a guest without the room key, with the reason; the host, the API key and an admitted guest get in", async () => {
    const { room, name, roomKey } = await newRoom(db(), acct, { startTrigger: "manual" });
    const early = await join(name, { displayName: "Early Guest" });
    expect(early.status).toBe(201);
    await db().update(rooms).set({ isLocked: true }).where(eq(rooms.id, room.id));

    const guest = await join(name, { displayName: "Gatecrasher" });
    expect(guest.status).toBe(403);
    expect(guest.json.error).toBe("This room is locked: only the host can join it, with the host link. Ask the organizer to unlock it.");
    expect(guest.text).not.toContain("participantToken");
    expect((await join(name, { displayName: "Wrong key", roomKey: "not-the-key" })).status).toBe(403);

    const host = await join(name, { displayName: "Host", roomKey });
    expect(host.json).toMatchObject({ role: "host" });
    expect((await join(name, { participantId: "media-1", displayName: "Bridge" }, { key: acct.key })).status).toBe(201);
    const back = await join(name, { participantId: early.json.participantId, displayName: "Early Guest" }, { token: early.json.participantToken });
    expect(back.status).toBe(201);
    const present = await callRoute("GET", `/rooms/${name}`);
    expect(present.json.participants.map((p: { displayName: string }) => p.displayName)).toEqual(["Early Guest", "Host", "Bridge"]);

    for (const id of [early.json.participantId, host.json.participantId, "media-1"]) await callRoute("DELETE", `/rooms/${name}/participants/${id}`, { key: acct.key });
    await settlePipelineTasks();
    // With nobody present, the first guest of a new session is refused too (no session is left open by the refusal).
    expect((await join(name, { displayName: "Late" })).status).toBe(403);
    expect((await callRoute("GET", `/rooms/${name}`)).json.roomSessionId).toBeNull();
  });

  it("bidi and other invisible controls never reach a stored display name or a summary's speakers", async () => {
    const { name } = await newRoom(db(), acct, { startTrigger: "none" });
    const spoof = await join(name, { displayName: "Ana \u202Enimda\u202C\u2066x\u2069\n(host)" });
    expect(spoof.status).toBe(201);
    const [stored] = await db().select().from(sessionParticipants).where(eq(sessionParticipants.participantId, spoof.json.participantId));
    expect(stored.displayName).toBe("Ana nimda x (host)");
    expect((await join(name, { displayName: "\u202E\u200B\u2066" })).json.details).toEqual([{ path: "displayName", message: "Give a display name with visible characters" }]);
    await callRoute("DELETE", `/rooms/${name}/participants/${spoof.json.participantId}`, { token: spoof.json.participantToken });
    await settlePipelineTasks();

    // Names stored before the fix are cleaned on their way out of the database (to renderings and the summary engines).
    const t = await createTestTranscript(db(), acct.admin.accountId, { segments: [{ speaker: "Eve\u202Etrats\u202C", atSeconds: 1, text: "The budget is approved." }] });
    const segments = await loadSegments(db(), acct.admin.accountId, t.id);
    expect(segments.map((s) => s.displayName)).toEqual(["Eve trats"]);
  });
});
