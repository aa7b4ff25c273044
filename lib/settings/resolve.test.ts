import { describe, expect, it } from "vitest";
import { resolveRoomSettings, type RoomOverrides, type ResolvedRoomSettings } from "./resolve";
import type { Destination, TranscriptionSettings } from "./types";

const accountS3: Destination = { provider: "s3", bucket: "acct-bucket", region: "eu-west-1", accessKeyId: "AKIAACCOUNT", secretSealed: "v1.k.a.b.c", endpoint: null };
const roomS3: Destination = { provider: "s3", bucket: "room-bucket/p", region: "us-east-1", accessKeyId: "AKIAROOM", secretSealed: "v1.k.d.e.f", endpoint: "http://127.0.0.1:9000" };

const accountOn: TranscriptionSettings = { enabled: true, startTrigger: "manual", language: "en", vocabulary: ["Verbatim"], destination: { provider: "hosted" } };
const accountOff: TranscriptionSettings = { ...accountOn, enabled: false };
const accountAutoS3: TranscriptionSettings = { enabled: true, startTrigger: "automatic", language: "fr", vocabulary: [], destination: accountS3 };

const followAll: RoomOverrides = { language: "en", languageFromRoom: false, startTrigger: null, vocabulary: null, destination: null };

type Row = { name: string; account: TranscriptionSettings; room: RoomOverrides; expected: ResolvedRoomSettings };

const A = "account" as const;
const R = "room" as const;

// Each row: account defaults, what the room says, and the expected effective settings with their sources.
const table: Row[] = [
  {
    name: "a room without overrides follows the account",
    account: accountOn,
    room: followAll,
    expected: { effective: { ...accountOn }, source: { enabled: A, startTrigger: A, language: A, vocabulary: A, destination: A } },
  },
  {
    name: "a room without overrides follows a later change of the account (but keeps its language)",
    account: accountAutoS3,
    room: followAll,
    expected: { effective: { enabled: true, startTrigger: "automatic", language: "en", vocabulary: [], destination: accountS3 }, source: { enabled: A, startTrigger: A, language: A, vocabulary: A, destination: A } },
  },
  {
    name: "an account switched off switches off rooms that follow it",
    account: accountOff,
    room: followAll,
    expected: { effective: { ...accountOff }, source: { enabled: A, startTrigger: A, language: A, vocabulary: A, destination: A } },
  },
  {
    name: "a room trigger overrides only the trigger (and makes transcription available)",
    account: accountOff,
    room: { ...followAll, startTrigger: "automatic-2nd-participant" },
    expected: { effective: { enabled: true, startTrigger: "automatic-2nd-participant", language: "en", vocabulary: ["Verbatim"], destination: { provider: "hosted" } }, source: { enabled: R, startTrigger: R, language: A, vocabulary: A, destination: A } },
  },
  {
    name: 'a room trigger "none" makes transcription unavailable',
    account: accountOn,
    room: { ...followAll, startTrigger: "none" },
    expected: { effective: { enabled: false, startTrigger: "none", language: "en", vocabulary: ["Verbatim"], destination: { provider: "hosted" } }, source: { enabled: R, startTrigger: R, language: A, vocabulary: A, destination: A } },
  },
  {
    name: "a room language chosen at creation is the room's",
    account: accountOn,
    room: { ...followAll, language: "de", languageFromRoom: true },
    expected: { effective: { ...accountOn, language: "de" }, source: { enabled: A, startTrigger: A, language: R, vocabulary: A, destination: A } },
  },
  {
    name: "a room destination overrides the account's S3 bucket",
    account: accountAutoS3,
    room: { ...followAll, destination: roomS3 },
    expected: { effective: { enabled: true, startTrigger: "automatic", language: "en", vocabulary: [], destination: roomS3 }, source: { enabled: A, startTrigger: A, language: A, vocabulary: A, destination: R } },
  },
  {
    name: "a room may choose hosted storage over the account's bucket",
    account: accountAutoS3,
    room: { ...followAll, destination: { provider: "hosted" } },
    expected: { effective: { enabled: true, startTrigger: "automatic", language: "en", vocabulary: [], destination: { provider: "hosted" } }, source: { enabled: A, startTrigger: A, language: A, vocabulary: A, destination: R } },
  },
  {
    name: "a room vocabulary replaces the account's (not merged)",
    account: accountOn,
    room: { ...followAll, vocabulary: ["Ana Lima", "Kubernetes"] },
    expected: { effective: { ...accountOn, vocabulary: ["Ana Lima", "Kubernetes"] }, source: { enabled: A, startTrigger: A, language: A, vocabulary: R, destination: A } },
  },
  {
    name: "an empty room vocabulary is the room's own: no hints, not the account's",
    account: accountOn,
    room: { ...followAll, vocabulary: [] },
    expected: { effective: { ...accountOn, vocabulary: [] }, source: { enabled: A, startTrigger: A, language: A, vocabulary: R, destination: A } },
  },
  {
    name: "every field overridden",
    account: accountOff,
    room: { language: "pt-BR", languageFromRoom: true, startTrigger: "manual", vocabulary: ["Zé Ninguém"], destination: roomS3 },
    expected: { effective: { enabled: true, startTrigger: "manual", language: "pt-BR", vocabulary: ["Zé Ninguém"], destination: roomS3 }, source: { enabled: R, startTrigger: R, language: R, vocabulary: R, destination: R } },
  },
];

describe("resolveRoomSettings", () => {
  it.each(table)("$name", ({ account, room, expected }) => {
    expect(resolveRoomSettings(account, room)).toEqual(expected);
  });

  it("does not change its inputs", () => {
    const account = structuredClone(accountAutoS3);
    const room: RoomOverrides = { ...followAll, destination: roomS3 };
    const roomCopy = structuredClone(room);
    resolveRoomSettings(account, room);
    expect(account).toEqual(accountAutoS3);
    expect(room).toEqual(roomCopy);
  });
});
