// Turns a room's live bus into a Server-Sent Events body: the current state first, then segments and state changes, with a heartbeat.
import { sseFrame, subscribeLive, type LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";

export const SSE_HEARTBEAT_MS = 15_000;

/** An SSE body that ends when the client goes away (`signal`) or the reader cancels. */
export function liveEventStream(
  roomId: string,
  initial: { transcription: LiveTranscriptionState },
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
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Tells EventSource to reconnect after 2 s if the connection drops.
      send(`retry: 2000\n\n${sseFrame({ type: "state", data: initial })}`);
      const unsubscribe = subscribeLive(roomId, (event) => send(sseFrame(event)));
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
