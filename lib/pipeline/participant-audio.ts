// A participant's audio (numbered chunks or one long stream) and signs of life, handed to the runtime of the room's open session.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Room } from "@/lib/rooms/rooms";
import { runtimeFor } from "@/lib/pipeline/runtime-registry";
import type { ChunkOutcome } from "@/lib/pipeline/session/runtime";
import { getOpenSession, type SessionRow } from "@/lib/pipeline/session/sessions";

/** The open session a participant call acts on; a token for an ended session must join again. */
export async function openSessionFor(db: Db, room: Room, tokenSessionId?: string): Promise<SessionRow> {
  const session = await getOpenSession(db, room.id);
  if (!session || (tokenSessionId && session.id !== tokenSessionId)) {
    throw new AppError("conflict", "This participant's session has ended; join the room again.");
  }
  return session;
}

/** One numbered chunk of a participant's audio. */
export async function acceptAudioChunk(db: Db, session: SessionRow, participantId: string, seq: number, pcm: Buffer): Promise<ChunkOutcome> {
  const rt = await runtimeFor(db, session);
  return rt.acceptChunk(participantId, seq, pcm);
}

/** A sign of life from a participant who sends no audio right now; keeps the idle timeout from counting them gone. */
export async function participantHeartbeat(db: Db, session: SessionRow, participantId: string): Promise<void> {
  const rt = await runtimeFor(db, session);
  rt.heartbeat(participantId);
}

/** A participant's long audio stream; resolves when the body ends. */
export async function acceptAudioStream(db: Db, session: SessionRow, participantId: string, body: ReadableStream<Uint8Array>) {
  const rt = await runtimeFor(db, session);
  return rt.acceptStream(participantId, body);
}
