// The live bus: interim and final segments and state changes of a room, fanned out in memory to SSE subscribers.
import type { SessionDegraded } from "@/lib/pipeline/session/runtime";
import type { EngineSegment } from "@/lib/speech/types";
import type { TranscriptSegment } from "@/lib/transcripts/render";

/** A segment as the room's listeners get it: a transcript segment, interim (replaced by later ones) or final. */
export type LiveSegment = TranscriptSegment & Pick<EngineSegment, "final">;
export type LiveTranscriptionState = {
  state: "idle" | "in_progress";
  transcriptionId: string | null;
  startTrigger: string;
  language: string;
  /** Null while the session takes audio; else why new audio is refused for now. */
  degraded: SessionDegraded | null;
};
export type LiveEvent = { type: "segment"; data: LiveSegment } | { type: "state"; data: { transcription: LiveTranscriptionState } };

type Listener = (event: LiveEvent) => void;

// Kept on globalThis: Next.js may load this module more than once in one server process, and every copy must share it.
const key = Symbol.for("verbatim.live-bus");
type Holder = { [key]?: Map<string, Set<Listener>> };
function rooms(): Map<string, Set<Listener>> {
  const holder = globalThis as Holder;
  holder[key] ??= new Map();
  return holder[key];
}

/** Listens to one room (by room id); returns the function that stops listening. */
export function subscribeLive(roomId: string, listener: Listener): () => void {
  const all = rooms();
  let set = all.get(roomId);
  if (!set) {
    set = new Set();
    all.set(roomId, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && all.get(roomId) === set) all.delete(roomId);
  };
}

/** Delivers an event to the room's listeners; a listener that throws does not stop the others. */
export function publishLive(roomId: string, event: LiveEvent): void {
  for (const listener of rooms().get(roomId) ?? []) {
    try {
      listener(event);
    } catch (error) {
      console.error("Live bus listener failed:", error);
    }
  }
}

/** Server-Sent Events framing of one event. */
export function sseFrame(event: LiveEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
