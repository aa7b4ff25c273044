// Per-participant-track audio ingest: orders, dedupes and gap-fills numbered chunks, or pipes one long body, into an engine stream.
import {
  DEFAULT_MAX_CHUNK_BYTES,
  pcmBytesForMs,
  validatePcmChunk,
} from "@/lib/speech/pcm";
import type { EngineStream } from "@/lib/speech/types";
import { SERVER_MAX_GAP_MS } from "@/lib/session-timing";
import { CodedError, type IngestErrorCode } from "@/lib/errors";

/*
 * Numbered chunks (a browser): chunk `seq` holds the audio right after chunk `seq - 1`. All chunks of a track have
 * the same duration (the track's chunk size, `chunkBytes`, by default the size of the first chunk received); only
 * the last one may be shorter. That is what lets a missing chunk be replaced by exactly its duration of silence.
 * A chunk larger than the chunk size is refused.
 *
 * Audio only ever lives in memory here: held chunks wait in a bounded map, written chunks go to the engine.
 */

export type { IngestErrorCode };

/** Retry-After of an `overloaded` chunk. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** A client mistake or an overload on one track; the track itself keeps working. `status` is the HTTP status to answer. */
export class IngestError extends CodedError<IngestErrorCode> {
  constructor(code: IngestErrorCode, message: string) {
    // An engine behind on a track catches up within a second or two: the client sends the chunk again after that.
    const answer = code === "overloaded" ? { retryAfterSeconds: OVERLOADED_RETRY_AFTER_SECONDS } : {};
    super(code, message, code === "chunk_too_large" ? 413 : code === "overloaded" ? 503 : code === "ended" || code === "wrong_mode" ? 409 : 400, answer);
    this.name = "IngestError";
  }
}

export type TrackIngestOptions = {
  /** Duration of every chunk, in bytes of 16 kHz mono s16le; default: the size of the first chunk received. */
  chunkBytes?: number;
  /** How long a missing chunk is waited for, once a later one has arrived, before it counts as silence. */
  gapWaitMs?: number;
  /** Chunks that may wait for a missing one; more is an error (memory stays bounded). */
  maxHeldChunks?: number;
  /** How far ahead of the awaited chunk a chunk may be, in ms of audio (the most silence one gap can become). */
  maxGapMs?: number;
  /** Hard cap on a single chunk, whatever the chunk size. */
  maxChunkBytes?: number;
  /** Audio accepted but not yet taken by the engine; more is an "overloaded" error. */
  maxQueuedBytes?: number;
  /** Sequence number of the first chunk. */
  firstSeq?: number;
};

export type ChunkResult =
  /** Written to the engine (with any chunks that were waiting for it). */
  | "accepted"
  /** Arrived before an earlier chunk; kept until that one arrives or its wait runs out. */
  | "held"
  /** Seen before; ignored, so a client may safely retry. */
  | "duplicate"
  /** Arrived after its place was already filled with silence; ignored. */
  | "late";

export type TrackIngestStats = {
  bytesReceived: number;
  /** Bytes the engine has taken, silence included. */
  bytesDelivered: number;
  silenceBytes: number;
  heldChunks: number;
  queuedBytes: number;
  duplicates: number;
  late: number;
};

const STREAM_PIECE_BYTES = 64 * 1024;

export class TrackIngest {
  private readonly gapWaitMs: number;
  private readonly maxHeldChunks: number;
  private readonly maxChunkBytes: number;
  private readonly maxGapBytes: number;
  private readonly maxQueuedBytes: number;
  private chunkBytes: number | undefined;
  private nextSeq: number;
  private readonly firstSeq: number;
  private readonly held = new Map<number, Buffer>();
  /** Sequence numbers that were filled with silence, as [from, to) ranges, so a late copy is recognized. */
  private silenced: [number, number][] = [];
  private gapTimer: NodeJS.Timeout | undefined;
  private mode: "chunks" | "stream" | undefined;
  private streaming = false;
  private ended = false;
  private endPromise: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly counters = { bytesReceived: 0, bytesDelivered: 0, silenceBytes: 0, queuedBytes: 0, duplicates: 0, late: 0 };

  constructor(
    private readonly stream: EngineStream,
    opts: TrackIngestOptions = {},
  ) {
    this.gapWaitMs = opts.gapWaitMs ?? 2000;
    this.maxHeldChunks = opts.maxHeldChunks ?? 50;
    this.maxChunkBytes = opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    this.maxGapBytes = pcmBytesForMs(opts.maxGapMs ?? SERVER_MAX_GAP_MS);
    this.maxQueuedBytes = opts.maxQueuedBytes ?? pcmBytesForMs(30_000);
    this.chunkBytes = opts.chunkBytes;
    this.nextSeq = opts.firstSeq ?? 0;
    this.firstSeq = this.nextSeq;
    if (this.chunkBytes !== undefined) validatePcmChunk(Buffer.alloc(this.chunkBytes), { maxBytes: this.maxChunkBytes });
  }

  /**
   * The chunk that holds the audio `ms` into this track (chunks are one size, gaps filled with silence of that size),
   * or undefined for a long stream or before the first chunk.
   */
  seqAtMs(ms: number): number | undefined {
    if (this.mode !== "chunks" || !this.chunkBytes) return undefined;
    return this.firstSeq + Math.floor(pcmBytesForMs(Math.max(0, ms)) / this.chunkBytes);
  }

  stats(): TrackIngestStats {
    return { ...this.counters, heldChunks: this.held.size };
  }

  /** One numbered chunk of 16 kHz mono s16le PCM. Throws AudioFormatError or IngestError for bad input. */
  async acceptChunk(seq: number, pcm: Buffer): Promise<ChunkResult> {
    this.enterMode("chunks");
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new IngestError("bad_sequence", `The chunk sequence number must be a whole number ≥ 0, got ${seq}.`);
    }
    validatePcmChunk(pcm, { maxBytes: this.maxChunkBytes });
    if (seq < this.nextSeq || this.held.has(seq)) {
      if (this.silenced.some(([from, to]) => seq >= from && seq < to)) {
        this.counters.late++;
        return "late";
      }
      this.counters.duplicates++;
      return "duplicate";
    }
    this.chunkBytes ??= pcm.length;
    if (pcm.length > this.chunkBytes) {
      throw new IngestError(
        "chunk_too_large",
        `Chunk ${seq} has ${pcm.length} bytes; this track's chunks have ${this.chunkBytes} bytes (only the last may be shorter).`,
      );
    }
    if ((seq - this.nextSeq - 1) * this.chunkBytes > this.maxGapBytes) {
      throw new IngestError(
        "too_far_ahead",
        `Chunk ${seq} is too far ahead: still waiting for chunk ${this.nextSeq} (a gap may be at most ${Math.floor(this.maxGapBytes / this.chunkBytes)} chunks).`,
      );
    }
    if (seq > this.nextSeq) {
      if (this.held.size >= this.maxHeldChunks) {
        throw new IngestError(
          "too_many_held",
          `Too many chunks are waiting for chunk ${this.nextSeq} (${this.held.size}); send it, or wait until it counts as silence.`,
        );
      }
      this.checkQueue(pcm.length);
      this.counters.bytesReceived += pcm.length;
      this.held.set(seq, pcm);
      this.armGapTimer();
      return "held";
    }
    this.checkQueue(pcm.length);
    this.counters.bytesReceived += pcm.length;
    const written = this.deliver(pcm);
    this.nextSeq++;
    this.drainHeld();
    await written;
    return "accepted";
  }

  /**
   * A long body of 16 kHz mono s16le PCM (a media server's track). Reads only as fast as the engine takes the audio,
   * so a fast sender is held back by TCP and memory stays bounded. Resolves when the body ends; call end() after.
   */
  async pipeStream(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<{ bytes: number }> {
    this.enterMode("stream");
    if (this.streaming) throw new IngestError("wrong_mode", "This track is already receiving a stream.");
    this.streaming = true;
    let carry: Buffer | undefined; // an odd byte split from its sample by the transport
    let bytes = 0;
    try {
      for await (const part of iterate(body)) {
        if (this.ended) throw new IngestError("ended", "The track has ended.");
        let buf = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        if (buf.length === 0) continue;
        if (carry) {
          buf = Buffer.concat([carry, buf]);
          carry = undefined;
        }
        if (buf.length % 2 === 1) {
          carry = Buffer.from(buf.subarray(buf.length - 1));
          buf = buf.subarray(0, buf.length - 1);
        }
        for (let at = 0; at < buf.length; at += STREAM_PIECE_BYTES) {
          // Copy: the transport may reuse its buffer, and the engine may keep ours for a while.
          const piece = Buffer.from(buf.subarray(at, at + STREAM_PIECE_BYTES));
          this.counters.bytesReceived += piece.length;
          bytes += piece.length;
          await this.deliver(piece);
        }
      }
    } finally {
      this.streaming = false;
    }
    if (carry) {
      throw new IngestError("odd_length", `The audio stream ended after ${bytes + 1} bytes; 16-bit PCM needs an even number.`);
    }
    return { bytes };
  }

  /** No more audio: missing chunks count as silence, held ones are played, the engine is flushed. Resolves after the last final segment. */
  end(): Promise<void> {
    this.endPromise ??= (async () => {
      this.ended = true;
      clearTimeout(this.gapTimer);
      while (this.held.size > 0) this.fillFirstGap();
      await this.chain.catch(() => {});
      await this.stream.end();
    })();
    return this.endPromise;
  }

  /** Drops the track at once, as a crash would: held chunks are discarded and the engine stream is aborted. */
  abort(): void {
    this.ended = true;
    clearTimeout(this.gapTimer);
    this.held.clear();
    this.stream.abort();
  }

  private enterMode(mode: "chunks" | "stream") {
    if (this.ended) throw new IngestError("ended", "The track has ended.");
    this.mode ??= mode;
    if (this.mode !== mode) {
      throw new IngestError("wrong_mode", `This track receives ${this.mode === "chunks" ? "numbered chunks" : "a stream"}, not ${mode === "chunks" ? "numbered chunks" : "a stream"}.`);
    }
  }

  private checkQueue(adding: number) {
    let heldBytes = 0;
    for (const b of this.held.values()) heldBytes += b.length;
    if (this.counters.queuedBytes + heldBytes + adding > this.maxQueuedBytes) {
      throw new IngestError("overloaded", "The speech engine is behind on this track; retry the chunk shortly.");
    }
  }

  /** Queues audio for the engine in order; the promise settles when the engine has taken it. */
  private deliver(pcm: Buffer, silence = false): Promise<void> {
    this.counters.queuedBytes += pcm.length;
    const written = this.chain.then(() => this.stream.write(pcm));
    const settled = written.finally(() => {
      this.counters.queuedBytes -= pcm.length;
    });
    this.chain = settled.then(
      () => {
        this.counters.bytesDelivered += pcm.length;
        if (silence) this.counters.silenceBytes += pcm.length;
      },
      () => {},
    );
    return settled;
  }

  private drainHeld() {
    for (let next = this.held.get(this.nextSeq); next; next = this.held.get(this.nextSeq)) {
      this.held.delete(this.nextSeq);
      void this.deliver(next).catch(() => {}); // an engine failure is reported by the next accepted chunk and by onError
      this.nextSeq++;
    }
    if (this.held.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
  }

  private armGapTimer() {
    if (this.gapTimer) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      if (this.held.size > 0) this.fillFirstGap();
      if (this.held.size > 0) this.armGapTimer();
    }, this.gapWaitMs);
  }

  /** The chunks before the first held one are given up on: they become silence of their duration. */
  private fillFirstGap() {
    const firstHeld = Math.min(...this.held.keys());
    const missing = firstHeld - this.nextSeq;
    if (missing > 0) {
      void this.deliver(Buffer.alloc(missing * (this.chunkBytes ?? 0)), true).catch(() => {});
      this.silenced.push([this.nextSeq, firstHeld]);
      if (this.silenced.length > 1000) this.silenced.shift();
      this.nextSeq = firstHeld;
    }
    this.drainHeld();
  }
}

async function* iterate(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  if ("getReader" in body && typeof body.getReader === "function") {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Stops the sender when we give up early (an engine failure, bad audio).
      await reader.cancel().catch(() => {});
    }
  } else {
    yield* body as AsyncIterable<Uint8Array>;
  }
}
