// The room's transcription state on the live bus, with the last one published per room kept so a runtime can republish it with a new `degraded` without the database.
import { publishLive, type LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import type { SessionDegraded } from "@/lib/pipeline/session/runtime";

// Kept on globalThis: Next.js may load this module more than once in one server process.
const key = Symbol.for("verbatim.pipeline-published-state");
type Holder = { [key]?: Map<string, LiveTranscriptionState> };
function published(): Map<string, LiveTranscriptionState> {
  const holder = globalThis as Holder;
  holder[key] ??= new Map();
  return holder[key];
}

/** Sends the room's transcription state to its live streams and remembers it. */
export function publishState(room: { id: string }, transcription: LiveTranscriptionState) {
  published().set(room.id, transcription);
  publishLive(room.id, { type: "state", data: { transcription } });
}

/** Publishes the room's last state again with a new `degraded` (nothing when none was published yet). */
export function republishDegraded(room: { id: string }, degraded: SessionDegraded | null) {
  const last = published().get(room.id);
  if (last) publishState(room, { ...last, degraded });
}

/** The session ended: the next state is built afresh. */
export function forgetPublishedState(roomId: string) {
  published().delete(roomId);
}
