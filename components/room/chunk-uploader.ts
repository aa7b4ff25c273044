// Posts a participant's audio as numbered chunks, in order, retrying a failed chunk with the same number (the server ignores repeats); sends recent chunks again when a server that took the session over asks.
import { AUDIO_CHUNK_MS, BROWSER_AUDIO_QUEUE_MS } from "@/lib/session-timing";
import { backoffMs } from "@/lib/retry/backoff";

/** A failed chunk waits 250 ms, 500 ms, … up to 4 s (or the server's Retry-After); one client, so no jitter. */
const CHUNK_RETRY_BACKOFF = { firstMs: 250, maxMs: 4000, jitter: "none" } as const;

export type UploaderStatus = { queued: number; retrying: boolean; lastError: string | null };

export type ChunkUploaderOptions = {
  chunkUrl: (seq: number) => string;
  headers: () => Record<string, string>;
  onStatus?: (status: UploaderStatus) => void;
  /** The server will not take this participant's audio any more (session ended, token refused, room gone). */
  onFatal?: (message: string) => void;
};

/** Audio waiting beyond BROWSER_AUDIO_QUEUE_MS is dropped oldest first: a client must not hold unbounded memory. */
const MAX_QUEUED = BROWSER_AUDIO_QUEUE_MS / AUDIO_CHUNK_MS;
/**
 * Chunks already taken, kept this long: when the server holding the session dies, the one taking over may ask for
 * what the dead one heard but had not made final yet (503 `resend_from`).
 */
const KEPT_SENT = 60_000 / AUDIO_CHUNK_MS;

export class ChunkUploader {
  private seq = 0;
  private queue: { seq: number; body: Uint8Array }[] = [];
  private sent: { seq: number; body: Uint8Array }[] = [];
  private sending = false;
  private stopped = false;
  private failures = 0;

  constructor(private readonly opts: ChunkUploaderOptions) {}

  push(pcm: Uint8Array) {
    if (this.stopped || pcm.byteLength === 0) return;
    this.queue.push({ seq: this.seq++, body: pcm });
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
    void this.pump();
  }

  stop() {
    this.stopped = true;
    this.queue = [];
  }

  /** Puts the kept chunks from `from` on back in front of the queue; false when there are none to send again. */
  private resend(from: unknown): boolean {
    if (typeof from !== "number") return false;
    const again = this.sent.filter((c) => c.seq >= from && c.seq < (this.queue[0]?.seq ?? Infinity));
    if (again.length === 0) return false;
    this.sent = this.sent.filter((c) => c.seq < from);
    this.queue.unshift(...again);
    return true;
  }

  private status(lastError: string | null) {
    this.opts.onStatus?.({ queued: this.queue.length, retrying: this.failures > 0, lastError });
  }

  private async pump() {
    if (this.sending) return;
    this.sending = true;
    try {
      while (!this.stopped && this.queue.length > 0) {
        const chunk = this.queue[0];
        let outcome: "done" | "retry" | "fatal" = "retry";
        let message: string | null = null;
        let retryAfterMs = 0;
        try {
          const res = await fetch(this.opts.chunkUrl(chunk.seq), {
            method: "POST",
            headers: { "Content-Type": "audio/L16;rate=16000;channels=1", ...this.opts.headers() },
            body: chunk.body as BodyInit,
          });
          if (res.ok) outcome = "done";
          else {
            const body = await errorBody(res);
            message = body.error;
            if (res.status === 503 && body.code === "resend_from" && this.resend(body.resendFrom)) continue;
            // 503 with Retry-After: the server cannot take audio for now (database away, restarting); the chunk waits here.
            retryAfterMs = Math.min(30_000, Number(res.headers.get("retry-after") ?? 0) * 1000) || 0;
            // 401/403/404/409: the token, the room or the session is gone; retrying cannot help.
            if ([401, 403, 404, 409].includes(res.status)) outcome = "fatal";
            // Any other 4xx means this chunk is bad; skip it rather than block the audio after it.
            else if (res.status >= 400 && res.status < 500 && res.status !== 429) outcome = "done";
          }
        } catch (error) {
          message = `Network error: ${(error as Error).message}`;
        }
        if (outcome === "fatal") {
          this.stop();
          this.opts.onFatal?.(message ?? "The server refused the audio.");
          return;
        }
        if (outcome === "done") {
          this.sent.push(this.queue.shift()!);
          if (this.sent.length > KEPT_SENT) this.sent.splice(0, this.sent.length - KEPT_SENT);
          this.failures = 0;
          this.status(message);
          continue;
        }
        this.failures++;
        this.status(message);
        // Then the same chunk number again.
        await new Promise((r) => setTimeout(r, Math.max(retryAfterMs, backoffMs(this.failures, CHUNK_RETRY_BACKOFF))));
      }
    } finally {
      this.sending = false;
    }
  }
}

async function errorBody(res: Response): Promise<{ error: string; code?: string; resendFrom?: unknown }> {
  try {
    const body = (await res.json()) as { error?: string; code?: string; resendFrom?: unknown };
    return { ...body, error: body.error ?? `HTTP ${res.status}` };
  } catch {
    return { error: `HTTP ${res.status}` };
  }
}
