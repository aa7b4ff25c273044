// The live bus: interim and final segments and state changes of a room, fanned out in memory to SSE subscribers, and
// handed to the cross-instance relay (PostgreSQL NOTIFY) in the order they happened, each final once it is stored.
import type { SessionDegraded } from "@/lib/pipeline/session/runtime";
import type { EngineSegment } from "@/lib/speech/types";
import type { StartTrigger } from "@/lib/start-triggers";
import type { TranscriptSegment } from "@/lib/transcripts/render";

/** A segment as the room's listeners get it: a transcript segment, interim (replaced by later ones) or final. */
export type LiveSegment = TranscriptSegment & Pick<EngineSegment, "final">;
export type LiveTranscriptionState = {
  state: "idle" | "in_progress";
  transcriptionId: string | null;
  /** When the host took the running transcription off the record; null while it is on the record (or not running). */
  offTheRecordSince: string | null;
  startTrigger: StartTrigger;
  language: string;
  /** Null while the session takes audio; else why new audio is refused for now. */
  degraded: SessionDegraded | null;
};
/**
 * A segment names its transcription; a final also carries its live sequence number (`seq`, stored with the segment),
 * which makes its SSE id. Interims and state events have no place of their own in the stream.
 */
export type LiveSegmentEvent = { type: "segment"; data: LiveSegment; transcriptionId?: string; seq?: number };
export type LiveEvent = LiveSegmentEvent | { type: "state"; data: { transcription: LiveTranscriptionState } };

type Listener = (event: LiveEvent) => void;

/** Carries events to the other instances (lib/pipeline/live/pg-relay.ts); none on the embedded database. */
export type LiveRelay = { send(roomId: string, event: LiveEvent): Promise<void> };

type Outgoing = { event: LiveEvent; ready: Promise<unknown> };
type Bus = {
  rooms: Map<string, Set<Listener>>;
  resync: Set<() => void>;
  /** Finals published here and not stored yet, per room: a resume on this instance replays them with the stored ones. */
  unstored: Map<string, Map<string, LiveSegmentEvent>>;
  /** Per room, events waiting for the relay, in order: an event waits for the finals before it to be stored. */
  outgoing: Map<string, Outgoing[]>;
  relay: LiveRelay | null;
};

// Kept on globalThis: Next.js may load this module more than once in one server process, and every copy must share it.
const key = Symbol.for("verbatim.live-bus");
type Holder = { [key]?: Bus };
function bus(): Bus {
  const holder = globalThis as Holder;
  holder[key] ??= { rooms: new Map(), resync: new Set(), unstored: new Map(), outgoing: new Map(), relay: null };
  return holder[key];
}

/** Listens to one room (by room id); returns the function that stops listening. */
export function subscribeLive(roomId: string, listener: Listener): () => void {
  const all = bus().rooms;
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

/** Called when events from other instances may have been lost (the relay's connection came back): streams re-read the stored finals. */
export function onLiveResync(listener: () => void): () => void {
  bus().resync.add(listener);
  return () => bus().resync.delete(listener);
}

export function requestLiveResync() {
  for (const listener of bus().resync) listener();
}

/** Delivers an event to this instance's listeners of the room only; a listener that throws does not stop the others. */
export function deliverLive(roomId: string, event: LiveEvent): void {
  for (const listener of bus().rooms.get(roomId) ?? []) {
    try {
      listener(event);
    } catch (error) {
      console.error("Live bus listener failed:", error);
    }
  }
}

/**
 * Publishes an event of a room: here at once, and to the other instances through the relay. A final passes
 * `stored` (resolves true once its row is written, false if it never will be): the other instances get it only then,
 * so for them a final exists exactly when it is in the database, and events after it wait for it.
 */
export function publishLive(roomId: string, event: LiveEvent, stored?: Promise<boolean>): void {
  const b = bus();
  let ready: Promise<unknown> = Promise.resolve();
  const finalKey = event.type === "segment" && event.seq !== undefined ? `${event.transcriptionId}:${event.seq}` : undefined;
  if (finalKey && event.type === "segment" && stored) {
    let pending = b.unstored.get(roomId);
    if (!pending) b.unstored.set(roomId, (pending = new Map()));
    pending.set(finalKey, event);
    ready = stored.then((ok) => {
      pending.delete(finalKey);
      if (pending.size === 0 && b.unstored.get(roomId) === pending) b.unstored.delete(roomId);
      if (!ok) throw new Error("not stored");
    });
    ready.catch(() => {}); // a final dropped with its queue (a simulated crash) is simply never sent on
  }
  deliverLive(roomId, event);
  if (b.relay) enqueueOutgoing(b, roomId, { event, ready });
}

/** Finals published on this instance whose rows are not written yet (a resume here replays them too). */
export function unstoredFinals(roomId: string): LiveSegmentEvent[] {
  return [...(bus().unstored.get(roomId)?.values() ?? [])];
}

/** Installs (or removes) the relay to the other instances. */
export function setLiveRelay(relay: LiveRelay | null) {
  bus().relay = relay;
}

function enqueueOutgoing(b: Bus, roomId: string, item: Outgoing) {
  let queue = b.outgoing.get(roomId);
  if (!queue) {
    b.outgoing.set(roomId, (queue = []));
    queue.push(item);
    void pump(b, roomId, queue);
    return;
  }
  // Behind a final that waits for the database, a speaker's newer interim replaces the older one still waiting.
  const e = item.event;
  if (e.type === "segment" && !e.data.final) {
    const i = queue.findIndex((q, n) => n > 0 && q.event.type === "segment" && !q.event.data.final && q.event.data.participantId === e.data.participantId);
    if (i > 0) {
      queue[i] = item;
      return;
    }
  }
  queue.push(item);
}

async function pump(b: Bus, roomId: string, queue: Outgoing[]) {
  while (queue.length > 0) {
    const { event, ready } = queue[0];
    const ok = await ready.then(
      () => true,
      () => false,
    );
    if (ok && b.relay) await b.relay.send(roomId, event).catch((error) => console.error(`Live relay failed (room ${roomId}):`, (error as Error).message));
    queue.shift();
  }
  b.outgoing.delete(roomId);
}
