// The host's commands on a room's transcription: start and stop a manual one, take it off the record and back.
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Room } from "@/lib/rooms/rooms";
import { publishState } from "@/lib/pipeline/live/published-state";
import { roomTranscriptionState } from "@/lib/pipeline/room-state";
import { ownedRuntimes, runtimeFor } from "@/lib/pipeline/runtime-registry";
import { commandOffRecord, commandTranscription, getOpenSession } from "@/lib/pipeline/session/sessions";
import type { OffRecordAction } from "@/lib/pipeline/session/validation";
import { applyChange, engineReadiness } from "@/lib/pipeline/transcription-changes";

/** The host starts or stops a manual transcription. */
export async function commandRoomTranscription(db: Db, room: Room, input: { isHost: boolean; action: "start" | "stop" }) {
  const result = await commandTranscription(db, {
    room,
    ...input,
    engine: engineReadiness,
  });
  const rt = await runtimeFor(db, result.session);
  applyChange(rt, db, result.change);
  const transcription = await roomTranscriptionState(db, room, result.session);
  publishState(room, transcription);
  if (result.change?.kind === "failed") {
    throw new AppError("unavailable", result.change.transcription.error ?? "The transcription could not start.");
  }
  return { transcription };
}

/**
 * The host takes the transcription off the record ("pause") or back on it ("resume"). A pause ends the engine streams
 * first, so what was said before it is kept; audio in between is dropped before any engine; a resume opens new
 * streams at their true time. Resolves after the words before a pause are stored.
 */
export async function commandRoomOffRecord(db: Db, room: Room, input: { isHost: boolean; action: OffRecordAction }) {
  const open = input.action === "pause" && input.isHost ? await getOpenSession(db, room.id) : undefined;
  const undo = (open && ownedRuntimes().get(open.id)?.holdForPause()) || (() => {});
  let result: Awaited<ReturnType<typeof commandOffRecord>>;
  try {
    result = await commandOffRecord(db, { room, ...input });
  } catch (error) {
    undo();
    throw error;
  }
  const { session, change } = result;
  const rt = await runtimeFor(db, session);
  if (change.kind === "paused") await rt.pauseRunning(change.transcription.id);
  else rt.resumeRunning(change.transcription.id);
  const transcription = await roomTranscriptionState(db, room, session);
  publishState(room, transcription);
  return { transcription };
}
