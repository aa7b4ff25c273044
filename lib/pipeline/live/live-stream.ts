// Turns a room's live bus into a Server-Sent Events body with event ids: the current state first, then (when resuming
// with Last-Event-ID) every final the client missed, from the stored segments, then the live tail, with a heartbeat.
import type { Db } from "@/lib/db/client";
import { onLiveResync, subscribeLive, unstoredFinals, type LiveEvent, type LiveSegmentEvent, type LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { formatCursor, type LiveCursor } from "@/lib/pipeline/live/live-cursor";
import { checkCursor, currentCursor, storedFinalsAfter, type LiveScope } from "@/lib/pipeline/live/live-replay";
import { ensureLiveRelay } from "@/lib/pipeline/live/pg-relay";

export const SSE_HEARTBEAT_MS = 15_000;
const MAX_QUEUED_EVENTS = 256;

export type LiveStreamOptions = {
  db: Db;
  scope: LiveScope;
  loadState: () => Promise<LiveTranscriptionState>;
  /** From Last-Event-ID: replay the finals after it; null starts from now. */
  resumeFrom: LiveCursor | null;
  signal?: AbortSignal;
  heartbeatMs?: number;
};

/** Server-Sent Events framing of one event with its id. */
export function sseFrame(event: LiveEvent, id: string): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/**
 * Checks the resume point (a 400 for a transcription outside the stream) and makes sure events from other instances
 * are heard before anything is read, then returns the body. It ends when the client goes away (`signal`) or cancels.
 */
export async function openLiveStream(opts: LiveStreamOptions): Promise<ReadableStream<Uint8Array>> {
  if (opts.resumeFrom) await checkCursor(opts.db, opts.scope, opts.resumeFrom);
  await ensureLiveRelay();
  return liveEventStream(opts);
}

/** Which finals a connection has sent: per transcription the highest live seq, and the id the stream stands at. */
class Position {
  private readonly highest = new Map<string, number>();
  constructor(public cursor: LiveCursor) {
    if (cursor.transcriptionId) this.highest.set(cursor.transcriptionId, cursor.seq);
  }
  /** Moves back to just before a final the client has not been sent (the first one it heard live). */
  rewindBefore(e: LiveSegmentEvent) {
    const t = e.transcriptionId!;
    if (e.seq! > (this.highest.get(t) ?? -1)) return;
    this.highest.set(t, e.seq! - 1);
    if (this.cursor.transcriptionId === t) this.cursor = { transcriptionId: t, seq: e.seq! - 1 };
  }
  /** Whether the final is new to this client; if so the stream moves to it. */
  advance(e: LiveSegmentEvent): boolean {
    const t = e.transcriptionId!;
    if (e.seq! <= (this.highest.get(t) ?? -1)) return false;
    this.highest.set(t, e.seq!);
    this.cursor = { transcriptionId: t, seq: e.seq! };
    return true;
  }
}

const finalKey = (e: LiveSegmentEvent) => `${e.transcriptionId}:${e.seq}`;

function isFinal(e: LiveEvent): e is LiveSegmentEvent & { seq: number; transcriptionId: string } {
  return e.type === "segment" && e.seq !== undefined && e.transcriptionId !== undefined;
}

/** Finals published here but not stored yet, after the cursor, in order (a resume on the owner must not lose them). */
function unstoredAfter(scope: LiveScope): LiveSegmentEvent[] {
  return unstoredFinals(scope.roomId)
    .filter((e) => !scope.transcriptionId || e.transcriptionId === scope.transcriptionId)
    .sort((a, b) => a.seq! - b.seq!);
}

export function liveEventStream(opts: LiveStreamOptions): ReadableStream<Uint8Array> {
  const { scope, signal } = opts;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      let position: Position | undefined;
      const write = (text: string) => {
        if (!open) return;
        // A client that stopped reading: close rather than queue without end (EventSource reconnects and resumes).
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) return cleanup();
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Interims and state events carry the id of the last final sent: resuming from them neither skips nor repeats.
      const send = (event: LiveEvent) => {
        const p = position!;
        if (event.type === "segment" && scope.transcriptionId && event.transcriptionId && event.transcriptionId !== scope.transcriptionId) return;
        if (isFinal(event) && !p.advance(event)) return;
        write(sseFrame(event, formatCursor(p.cursor)));
      };
      // Listen first, then read: what happens while the backlog is read is held back, sent after it, de-duplicated by id.
      let held: LiveEvent[] | null = [];
      const unsubscribe = subscribeLive(scope.roomId, (event) => (held ? held.push(event) : send(event)));
      let catchingUp: Promise<void> = Promise.resolve();
      // Events from other instances may have been lost (the relay reconnected): read the stored finals after the cursor again.
      const catchUp = () => {
        catchingUp = catchingUp.then(async () => {
          if (!position || held || !open) return;
          const missed = await storedFinalsAfter(opts.db, scope, position.cursor);
          for (const e of missed) send(e);
        });
        catchingUp.catch(() => cleanup());
      };
      const stopResync = onLiveResync(catchUp);
      void (async () => {
        const transcription = await opts.loadState();
        let backlog: LiveSegmentEvent[] = [];
        if (opts.resumeFrom) {
          position = new Position(opts.resumeFrom);
          backlog = [...(await storedFinalsAfter(opts.db, scope, opts.resumeFrom)), ...unstoredAfter(scope)];
        } else {
          position = new Position(await currentCursor(opts.db, scope));
          const heard = new Set((held ?? []).filter(isFinal).map(finalKey));
          // Finals said before this connection that are not stored yet: already in the past for this client.
          for (const e of unstoredAfter(scope)) if (!heard.has(finalKey(e))) position.advance(e);
          // Finals heard live since it subscribed are new to it, even those stored before the cursor was read.
          for (const e of held ?? []) if (isFinal(e)) position.rewindBefore(e);
        }
        // Tells EventSource to reconnect after 2 s if the connection drops.
        write("retry: 2000\n\n");
        send({ type: "state", data: { transcription } });
        for (const e of backlog) send(e);
        for (const e of held ?? []) send(e);
        held = null;
      })().catch(() => cleanup()); // the client reconnects and tries again
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), opts.heartbeatMs ?? SSE_HEARTBEAT_MS);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
        stopResync();
        signal?.removeEventListener("abort", onAbort);
        try {
          controller.close();
        } catch {}
      };
      const onAbort = () => cleanup();
      if (signal?.aborted) cleanup();
      else signal?.addEventListener("abort", onAbort);
    },
    cancel() {
      cleanup();
    },
  });
}
