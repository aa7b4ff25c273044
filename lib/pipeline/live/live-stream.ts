// Turns a room's live bus into a Server-Sent Events body: the current state first, then segments and state changes, with a heartbeat.
import { sseFrame, subscribeLive, type LiveEvent, type LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";

export const SSE_HEARTBEAT_MS = 15_000;
const MAX_QUEUED_EVENTS = 256;

/** An SSE body that ends when the client goes away (`signal`) or the reader cancels. */
export function liveEventStream(
  roomId: string,
  loadState: () => Promise<LiveTranscriptionState>,
  signal?: AbortSignal,
  heartbeatMs = SSE_HEARTBEAT_MS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        // A client that stopped reading: close rather than queue without end (EventSource reconnects and starts over).
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) return cleanup();
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Listen first, then read the state: a change made while it is read is held back and sent after it, not lost.
      let held: LiveEvent[] | null = [];
      const unsubscribe = subscribeLive(roomId, (event) => (held ? held.push(event) : send(sseFrame(event))));
      void loadState().then(
        (transcription) => {
          // Tells EventSource to reconnect after 2 s if the connection drops.
          send(`retry: 2000\n\n${sseFrame({ type: "state", data: { transcription } })}`);
          for (const event of held ?? []) send(sseFrame(event));
          held = null;
        },
        () => cleanup(), // the client reconnects and tries again
      );
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
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
