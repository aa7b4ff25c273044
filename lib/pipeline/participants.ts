// Participants joining and leaving a room: the first join opens the session, the last leave ends it and saves its transcript.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { appEnv } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { rooms } from "@/lib/db/schema";
import { RetryLaterError } from "@/lib/errors";
import { verifyRoomKey, type Room } from "@/lib/rooms/rooms";
import { configuredSpeechEngineStatuses } from "@/lib/speech/status";
import { OVER_CAPACITY_RETRY_AFTER_SECONDS, overCapacity } from "@/lib/speech/recognizer-pool";
import { toSingleLine } from "@/lib/transcripts/render";
import { forgetPublishedState, publishState } from "@/lib/pipeline/live/published-state";
import { roomTranscriptionState } from "@/lib/pipeline/room-state";
import { assertNotShuttingDown, dropRuntime, ownedRuntimes, runtimeFor } from "@/lib/pipeline/runtime-registry";
import { signParticipantToken } from "@/lib/pipeline/session/participant-token";
import { getOpenSession, joinSession, leaveSession, presentParticipants, type ParticipantProof } from "@/lib/pipeline/session/sessions";
import { applyChange, engineReadiness } from "@/lib/pipeline/transcription-changes";

export type JoinParticipantInput = {
  participantId?: string;
  displayName: string;
  roomKey?: string;
  breakoutGroup?: string | null;
  /** False: join with one's own audio not transcribed (never sent to an engine). Absent: true at a first join, the earlier choice at a later one. */
  transcribe?: boolean;
};

/** A participant joins the room: opens the session with the first join and applies the trigger. */
export async function joinParticipant(db: Db, room: Room, input: JoinParticipantInput, proof: ParticipantProof) {
  assertNotShuttingDown();
  const participantId = input.participantId ?? `p-${randomBytes(9).toString("base64url")}`;
  const role = verifyRoomKey(room, input.roomKey) ? "host" : "guest";
  await refuseNewSessionOverCapacity(db, room);
  await configuredSpeechEngineStatuses(); // warm the cached checks here, not inside the transaction that holds the room's lock
  const result = await joinSession(db, {
    room,
    participantId,
    // The renderer's sanitizer, once at the door: live text, webhooks and summaries all get the clean name.
    displayName: toSingleLine(input.displayName),
    role,
    breakoutGroup: input.breakoutGroup ?? null,
    notTranscribed: input.transcribe === undefined ? undefined : !input.transcribe,
    proof,
    maxParticipants: appEnv().VERBATIM_ROOM_MAX_PARTICIPANTS,
    engine: engineReadiness,
  });
  const rt = await runtimeFor(db, result.session);
  rt.upsertParticipant(result.participant, { rejoin: true });
  applyChange(rt, db, result.change);
  const transcription = await roomTranscriptionState(db, room, result.session);
  if (result.change || result.sessionStarted) publishState(room, transcription);
  return {
    participantId,
    participantToken: signParticipantToken({ roomId: room.id, roomSessionId: result.session.id, participantId }),
    roomSessionId: result.session.id,
    role: result.participant.role,
    transcribed: !result.participant.notTranscribed,
    transcription,
  };
}

/**
 * Admission: while utterances wait past the pool's bound for a recognizer, a room with no open session gets 503 and
 * Retry-After rather than a session that would fall behind with everyone else's. Rooms already running still admit.
 */
async function refuseNewSessionOverCapacity(db: Db, room: Room) {
  if (!overCapacity() || (await getOpenSession(db, room.id))) return;
  throw new RetryLaterError(
    "unavailable",
    "This server is transcribing as many people as it can right now; try again shortly.",
    OVER_CAPACITY_RETRY_AFTER_SECONDS,
    "over_capacity",
  );
}

/**
 * A participant leaves (idempotent); the last leave ends the session and saves its transcript. `at`: when they were
 * last heard from, for a leave made on their behalf; `ignoreLease`: the room is being deleted, whoever holds it.
 */
export async function leaveParticipant(db: Db, room: Room, participantId: string, opts: { sessionId?: string; at?: Date; ignoreLease?: boolean } = {}) {
  const result = await leaveSession(db, { room, participantId, sessionId: opts.sessionId, at: opts.at, ignoreLease: opts.ignoreLease });
  if (!result.session) return result;
  const rt = ownedRuntimes().get(result.session.id);
  if (result.left) rt?.participantLeft(participantId);
  applyChange(rt, db, result.change);
  if (result.sessionEnded) {
    dropRuntime(result.session.id);
    forgetPublishedState(room.id);
  }
  if (result.change) publishState(room, await roomTranscriptionState(db, room));
  return result;
}

/** Whether a participant of the open session joined as host. */
export async function participantIsHost(db: Db, room: Room, participantId: string, sessionId: string): Promise<boolean> {
  const session = await getOpenSession(db, room.id);
  if (!session || session.id !== sessionId) return false;
  return (await presentParticipants(db, session.id)).some((p) => p.participantId === participantId && p.role === "host");
}

/**
 * Ends the open session of a room that is being deleted, at once: everyone present leaves (with the usual events),
 * which stops its transcription and saves the transcript. Without this the session would go on until the idle timeout,
 * its participants answered 404.
 */
export async function endSessionOfDeletedRoom(db: Db, accountId: string, roomId: string): Promise<void> {
  const [room] = await db.select().from(rooms).where(and(eq(rooms.id, roomId), eq(rooms.accountId, accountId)));
  if (!room) return;
  const session = await getOpenSession(db, room.id);
  if (!session) return;
  for (const p of await presentParticipants(db, session.id)) {
    await leaveParticipant(db, room, p.participantId, { sessionId: session.id, ignoreLease: true });
  }
}
