// Participant tokens: an HMAC-signed binding of room, session and participant, handed out at join and sent as X-Participant-Token.
import { createHmac, timingSafeEqual } from "node:crypto";
import { appKeyring } from "@/lib/config/keyring";
import { deriveSubkey } from "@/lib/crypto/keyring";

export type ParticipantClaims = { roomId: string; roomSessionId: string; participantId: string };

// Derived from the keyring, so every instance sharing the keys accepts every other instance's tokens.
const signingKey = () => deriveSubkey(appKeyring(), "participant-tokens");

function sign(payload: string): string {
  return createHmac("sha256", signingKey()).update(payload).digest("base64url");
}

/** `<base64url JSON>.<base64url HMAC>`; valid for as long as the session it names is open. */
export function signParticipantToken(claims: ParticipantClaims): string {
  const payload = Buffer.from(JSON.stringify({ r: claims.roomId, s: claims.roomSessionId, p: claims.participantId })).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

/** The claims of a well-formed token with a good signature, else null (never throws). */
export function verifyParticipantToken(token: string | null | undefined): ParticipantClaims | null {
  if (!token || token.length > 1000) return null;
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { r?: unknown; s?: unknown; p?: unknown };
    if (typeof parsed.r !== "string" || typeof parsed.s !== "string" || typeof parsed.p !== "string") return null;
    return { roomId: parsed.r, roomSessionId: parsed.s, participantId: parsed.p };
  } catch {
    return null;
  }
}
