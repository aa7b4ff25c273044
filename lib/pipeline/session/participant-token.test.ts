import { randomBytes } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { signParticipantToken, verifyParticipantToken } from "./participant-token";

beforeAll(() => {
  process.env.VERBATIM_ENCRYPTION_KEYS = `t1:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
});

const claims = { roomId: "room-1", roomSessionId: "session-1", participantId: "ana" };

it("round-trips the claims it signed", () => {
  expect(verifyParticipantToken(signParticipantToken(claims))).toEqual(claims);
});

it("refuses tampered, foreign and malformed tokens", () => {
  const token = signParticipantToken(claims);
  const [payload, sig] = token.split(".");
  const forged = Buffer.from(JSON.stringify({ r: "room-1", s: "session-1", p: "ben" })).toString("base64url");
  expect(verifyParticipantToken(`${forged}.${sig}`)).toBeNull();
  expect(verifyParticipantToken(`${payload}.${sig.slice(0, -2)}xx`)).toBeNull();
  expect(verifyParticipantToken(`${payload}.${sig}.extra`)).toBeNull();
  for (const bad of [null, undefined, "", "nodot", ".", "a".repeat(2000)]) expect(verifyParticipantToken(bad)).toBeNull();
  // Signed with other keys (another deployment): refused.
  process.env.VERBATIM_ENCRYPTION_KEYS = `t2:${randomBytes(32).toString("base64")}`;
  resetAppEnvForTests();
  resetAppKeyringForTests();
  expect(verifyParticipantToken(token)).toBeNull();
});
