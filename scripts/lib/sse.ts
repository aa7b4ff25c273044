// Reads a Server-Sent Events stream (the room's /live endpoint) from a fetch body: events as { event, data }.
import { createParser } from "eventsource-parser";

export type SseEvent = { event: string; data: string; id?: string };

/**
 * Incremental SSE parser over eventsource-parser (the WHATWG rules: any line ending, split anywhere, repeated data
 * lines joined, comments skipped). The last event id carries over to later events, as EventSource's lastEventId does.
 */
export class SseParser {
  private completed: SseEvent[] = [];
  private lastId: string | undefined;
  private readonly parser = createParser({
    onId: (id) => {
      this.lastId = id;
    },
    onEvent: (e) => {
      this.completed.push({ event: e.event || "message", data: e.data, ...(this.lastId !== undefined ? { id: this.lastId } : {}) });
    },
  });

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    this.parser.feed(text);
    const out = this.completed;
    this.completed = [];
    return out;
  }
}

/** Iterates over the events of an SSE response body until it ends or `signal` aborts. */
export async function* readSse(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}
