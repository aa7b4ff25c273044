import { describe, expect, it } from "vitest";
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { initialRoomState, roomReducer, transcriptionChanges, type Participant, type RoomAction, type RoomState } from "./room-state";

const host: Participant = { participantId: "p1", participantToken: "tok-1", role: "host", displayName: "Hana", transcribed: true };

const idle: LiveTranscriptionState = { state: "idle", transcriptionId: null, offTheRecordSince: null, startTrigger: "manual", language: "en", degraded: null };
const running: LiveTranscriptionState = { ...idle, state: "in_progress", transcriptionId: "t1" };
const offRecord: LiveTranscriptionState = { ...running, offTheRecordSince: "2026-11-29T10:00:00.000Z" };
const at = new Date("2026-11-29T10:05:00.000Z");

const run = (...actions: RoomAction[]) => actions.reduce(roomReducer, initialRoomState);
const joined = (state: RoomState = initialRoomState) => roomReducer(roomReducer(state, { type: "joinStarted" }), { type: "joined", me: host, at: 1000 });
function phase<K extends RoomState["phase"]["kind"]>(state: RoomState, kind: K) {
  expect(state.phase.kind).toBe(kind);
  return state.phase as Extract<RoomState["phase"], { kind: K }>;
}

describe("joining", () => {
  it("starts at the join form with nothing to say", () => {
    expect(phase(initialRoomState, "outside")).toEqual({ kind: "outside", left: null, nameError: null, joinError: null });
  });

  it("a missing name is said at the field and nothing is sent", () => {
    const state = run({ type: "nameRefused", message: "Enter your name" });
    expect(phase(state, "outside").nameError).toBe("Enter your name");
  });

  it("a refused join goes back to the form with the server's reason, and a new try clears it", () => {
    const refused = run({ type: "nameRefused", message: "Enter your name" }, { type: "joinStarted" }, { type: "joinFailed", message: "This room no longer exists." });
    expect(phase(refused, "outside")).toMatchObject({ joinError: "This room no longer exists.", nameError: null });
    expect(roomReducer(refused, { type: "joinStarted" }).phase).toEqual({ kind: "joining" });
  });

  it("joining enters the room with the microphone off, unmuted and no command, and keeps the token for downloads", () => {
    const state = joined();
    expect(phase(state, "inside")).toEqual({ kind: "inside", me: host, joinedAt: 1000, mic: { kind: "off" }, muted: false, command: { kind: "idle" } });
    expect(state.lastToken).toBe("tok-1");
  });

  it("joining again clears the notice of a transcription that ended, and keeps the list of finished ones", () => {
    const ended = roomReducer(joined(), { type: "transcriptionChanged", before: running, after: idle, at });
    const left = roomReducer(ended, { type: "left", left: { text: "You left the room.", tone: "success" } });
    const again = joined(left);
    expect(again.ended).toBeNull();
    expect(again.finished).toEqual([{ transcriptionId: "t1", at }]);
  });
});

describe("leaving", () => {
  it("leaving says why at the form and keeps the token", () => {
    const state = roomReducer(joined(), { type: "left", left: { text: "You were disconnected from the room for too long.", tone: "error" } });
    expect(phase(state, "outside")).toEqual({ kind: "outside", left: { text: "You were disconnected from the room for too long.", tone: "error" }, nameError: null, joinError: null });
    expect(state.lastToken).toBe("tok-1");
  });

  it("the page closing says nothing new", () => {
    const gone = roomReducer(joined(), { type: "left", left: { text: "You left the room.", tone: "success" } });
    expect(phase(roomReducer(gone, { type: "left", left: null }), "outside").left).toEqual({ text: "You left the room.", tone: "success" });
  });

  it("a microphone or a command answer arriving after leaving changes nothing", () => {
    const gone = roomReducer(joined(), { type: "left", left: null });
    for (const late of [{ type: "micChanged", mic: { kind: "on" } }, { type: "commandFailed", message: "late" }, { type: "muteSet", muted: true }] as RoomAction[]) {
      expect(roomReducer(gone, late)).toBe(gone);
    }
  });
});

describe("in the room", () => {
  it("the microphone starts, fails with its reason, and mute is kept", () => {
    const starting = roomReducer(joined(), { type: "micChanged", mic: { kind: "starting" } });
    expect(phase(starting, "inside").mic).toEqual({ kind: "starting" });
    const denied = roomReducer(starting, { type: "micChanged", mic: { kind: "problem", problem: "denied", message: "Permission denied" } });
    expect(phase(denied, "inside").mic).toMatchObject({ kind: "problem", problem: "denied" });
    expect(phase(roomReducer(denied, { type: "muteSet", muted: true }), "inside").muted).toBe(true);
  });

  it("a host command is busy until the server answers, and its refusal is shown", () => {
    const busy = roomReducer(joined(), { type: "commandStarted" });
    expect(phase(busy, "inside").command).toEqual({ kind: "busy" });
    expect(phase(roomReducer(busy, { type: "commandSucceeded" }), "inside").command).toEqual({ kind: "idle" });
    const refused = roomReducer(busy, { type: "commandFailed", message: "Transcription is already running." });
    expect(phase(refused, "inside").command).toEqual({ kind: "refused", message: "Transcription is already running." });
  });

  it("a refusal is cleared by the next command", () => {
    const refused = run({ type: "joinStarted" }, { type: "joined", me: host, at: 1 }, { type: "commandFailed", message: "Transcription is already running." });
    expect(phase(roomReducer(refused, { type: "commandStarted" }), "inside").command).toEqual({ kind: "busy" });
  });

  it.each([
    ["stops", running, idle],
    ["starts", idle, running],
    ["goes off the record", running, offRecord],
    ["goes back on the record", offRecord, running],
  ])("a refusal (start while running) is cleared when the transcription %s", (_, before, after) => {
    const refused = roomReducer(joined(), { type: "commandFailed", message: "Transcription is already running." });
    expect(phase(roomReducer(refused, { type: "transcriptionChanged", before, after, at }), "inside").command).toEqual({ kind: "idle" });
  });

  it("a state event that changes nothing keeps the refusal, and never ends a command under way", () => {
    const refused = roomReducer(joined(), { type: "commandFailed", message: "Transcription is already running." });
    const degraded: LiveTranscriptionState = { ...running, degraded: { reason: "database_unavailable", message: "The database is not answering.", since: at.toISOString() } };
    expect(roomReducer(refused, { type: "transcriptionChanged", before: running, after: degraded, at })).toBe(refused);
    const busy = roomReducer(joined(), { type: "commandStarted" });
    expect(phase(roomReducer(busy, { type: "transcriptionChanged", before: idle, after: running, at }), "inside").command).toEqual({ kind: "busy" });
  });
});

describe("the transcription ending", () => {
  it("is said with when and whether the host stopped it, and its transcript is listed once", () => {
    const state = run({ type: "transcriptionChanged", before: running, after: idle, at }, { type: "transcriptionChanged", before: idle, after: running, at }, { type: "transcriptionChanged", before: running, after: idle, at });
    expect(state.ended).toEqual({ at, transcriptionId: "t1", byHost: true });
    expect(state.finished).toEqual([{ transcriptionId: "t1", at }]);
  });

  it("is seen when another transcription is running by the next state: the first is listed for download", () => {
    const state = run({ type: "transcriptionChanged", before: running, after: { ...running, transcriptionId: "t2" }, at });
    expect(state.finished).toEqual([{ transcriptionId: "t1", at }]);
  });

  it("under an automatic trigger is not the host's doing", () => {
    const auto = { ...running, startTrigger: "automatic" as const };
    expect(run({ type: "transcriptionChanged", before: auto, after: { ...idle, startTrigger: "automatic" }, at }).ended?.byHost).toBe(false);
  });
});

describe("transcriptionChanges", () => {
  it("names each move once, in the order the embedding page hears of them", () => {
    expect(transcriptionChanges(idle, running)).toEqual(["started"]);
    expect(transcriptionChanges(running, idle)).toEqual(["stopped"]);
    expect(transcriptionChanges(running, offRecord)).toEqual(["paused"]);
    // Another transcription running: the first stopped and the second started, even with no idle state seen between.
    const second: LiveTranscriptionState = { ...running, transcriptionId: "t2" };
    expect(transcriptionChanges(running, second)).toEqual(["stopped", "started"]);
    expect(transcriptionChanges(offRecord, second)).toEqual(["stopped", "started"]);
    expect(transcriptionChanges(offRecord, running)).toEqual(["resumed"]);
    expect(transcriptionChanges(idle, offRecord)).toEqual(["started", "paused"]);
    expect(transcriptionChanges(offRecord, idle)).toEqual(["stopped"]);
    expect(transcriptionChanges(running, running)).toEqual([]);
  });
});
