import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { AudioFormatError, pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine } from "@/lib/speech/pocketsphinx/pocketsphinx";
import type { EngineSegment } from "@/lib/speech/types";
import { errorResponse } from "@/lib/api/errors";
import { IngestError, OVERLOADED_RETRY_AFTER_SECONDS, TrackIngest, type ChunkResult, type TrackIngestOptions } from "@/lib/pipeline/track-ingest";
import { composeSpeech, roomTone, type ComposedSpeech } from "@/lib/testing/speech";

// Every test drives the real recognizer: played in the right order, the same audio gives exactly the same segments,
// and a chunk played twice or skipped would shift every later time by the chunk's duration.
// Final segments only: interim text is best effort and depends on the machine's load, the finals on the audio alone.
const engine = createPocketSphinxEngine({ interim: false });
const CHUNK = pcmBytesForMs(250);
let speech: ComposedSpeech;
let chunks: Buffer[];
let baseline: EngineSegment[];

function openTrack(opts: TrackIngestOptions = {}) {
  const stream = engine.open({ language: "en" });
  const segments: EngineSegment[] = [];
  stream.onSegment((s) => segments.push(s));
  return { track: new TrackIngest(stream, opts), segments };
}

function words(segments: EngineSegment[]): string {
  return segments.map((s) => s.text).join(" ");
}

async function waitFor(condition: () => boolean) {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

async function expectIngestError(promise: Promise<unknown>, code: IngestError["code"], status: number, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IngestError);
  expect((error as IngestError).code).toBe(code);
  expect((error as IngestError).status).toBe(status);
  expect((error as IngestError).message).toMatch(message);
}

beforeAll(async () => {
  speech = await composeSpeech([
    { text: "The weather today is sunny and warm.", voice: "slt" },
    { text: "Please send me the report by Friday.", voice: "slt" },
  ]);
  chunks = [];
  for (let at = 0; at < speech.pcm.length; at += CHUNK) chunks.push(speech.pcm.subarray(at, at + CHUNK));
  expect(chunks[chunks.length - 1].length).toBeLessThan(CHUNK); // the short last chunk is part of the test
  const { track, segments } = openTrack();
  for (const [seq, chunk] of chunks.entries()) expect(await track.acceptChunk(seq, chunk)).toBe("accepted");
  await track.end();
  baseline = segments;
  expect(words(baseline)).toMatch(/weather.*report/);
});

describe("TrackIngest with numbered chunks", () => {
  it("plays out-of-order chunks in order and ignores repeats", async () => {
    const { track, segments } = openTrack();
    const results: Record<ChunkResult, number> = { accepted: 0, held: 0, duplicate: 0, late: 0 };
    // Pairs swapped (1,0,3,2,...), every chunk sent again right after, and some sent a third time much later.
    const order: number[] = [];
    for (let i = 0; i < chunks.length; i += 2) order.push(...(i + 1 < chunks.length ? [i + 1, i + 1, i, i] : [i, i]));
    order.push(0, 5, 17);
    for (const seq of order) results[await track.acceptChunk(seq, chunks[seq])]++;
    await track.end();
    const pairs = Math.floor(chunks.length / 2);
    expect(results).toEqual({ accepted: chunks.length - pairs, held: pairs, duplicate: chunks.length + 3, late: 0 });
    expect(track.stats()).toMatchObject({
      bytesDelivered: speech.pcm.length,
      silenceBytes: 0,
      heldChunks: 0,
      duplicates: chunks.length + 3,
    });
    expect(segments).toEqual(baseline);
  });

  it("treats a chunk missing past the wait as silence of its duration; the late copy is ignored", async () => {
    const { track, segments } = openTrack({ gapWaitMs: 50 });
    // A chunk in the pause between the two sentences, never sent in time.
    const missing = Math.floor(pcmBytesForMs((speech.utterances[0].endMs + speech.utterances[1].startMs) / 2) / CHUNK);
    for (const [seq, chunk] of chunks.entries()) {
      if (seq === missing) continue;
      const result = await track.acceptChunk(seq, chunk);
      expect(result).toBe(seq === missing + 1 ? "held" : "accepted");
      if (seq === missing + 1) await waitFor(() => track.stats().heldChunks === 0);
    }
    expect(await track.acceptChunk(missing, chunks[missing])).toBe("late");
    await track.end();
    expect(track.stats()).toMatchObject({ silenceBytes: CHUNK, late: 1, bytesDelivered: speech.pcm.length });
    // Same words; the times of the second sentence are where they were (a skipped gap would move them 250 ms earlier).
    expect(segments.map((s) => s.text)).toEqual(baseline.map((s) => s.text));
    segments.forEach((s, i) => {
      expect(Math.abs(s.startMs - baseline[i].startMs)).toBeLessThan(60);
      expect(Math.abs(s.endMs - baseline[i].endMs)).toBeLessThan(60);
    });
  });

  it("fills gaps still open at the end with silence and plays the chunks held behind them", async () => {
    const { track, segments } = openTrack({ gapWaitMs: 60_000 });
    const last = chunks.length - 1;
    for (let seq = 0; seq < last - 1; seq++) await track.acceptChunk(seq, chunks[seq]);
    expect(await track.acceptChunk(last, chunks[last])).toBe("held");
    await track.end();
    expect(track.stats()).toMatchObject({
      silenceBytes: CHUNK,
      heldChunks: 0,
      bytesDelivered: speech.pcm.length - chunks[last - 1].length + CHUNK,
    });
    expect(segments.map((s) => s.text)).toEqual(baseline.map((s) => s.text));
  });

  it("refuses malformed chunks with clear errors and keeps the track working", async () => {
    const { track, segments } = openTrack({ maxHeldChunks: 3, chunkBytes: CHUNK });
    const odd = await track.acceptChunk(0, Buffer.alloc(CHUNK - 1)).catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(AudioFormatError);
    expect((odd as AudioFormatError).message).toMatch(/even number of bytes/);
    await expect(track.acceptChunk(0, Buffer.alloc(0))).rejects.toThrow(/empty/);
    await expectIngestError(track.acceptChunk(-1, chunks[0]), "bad_sequence", 400, /whole number ≥ 0, got -1/);
    await expectIngestError(track.acceptChunk(1.5, chunks[0]), "bad_sequence", 400, /got 1.5/);
    await expectIngestError(track.acceptChunk(Number.NaN, chunks[0]), "bad_sequence", 400, /got NaN/);
    await expectIngestError(
      track.acceptChunk(0, Buffer.alloc(CHUNK + 2)),
      "chunk_too_large",
      413,
      /Chunk 0 has 8002 bytes; this track's chunks have 8000 bytes/,
    );
    await expectIngestError(track.acceptChunk(1000, chunks[0]), "too_far_ahead", 400, /still waiting for chunk 0/);
    for (const seq of [1, 2, 3]) expect(await track.acceptChunk(seq, chunks[seq])).toBe("held");
    await expectIngestError(track.acceptChunk(4, chunks[4]), "too_many_held", 400, /Too many chunks are waiting for chunk 0 \(3\)/);
    await expectIngestError(track.pipeStream(Readable.from([chunks[0]])), "wrong_mode", 409, /receives numbered chunks, not a stream/);
    // None of that disturbed the track: the rest of the audio is recognized as before.
    for (const [seq, chunk] of chunks.entries()) await track.acceptChunk(seq, chunk);
    await track.end();
    expect(segments).toEqual(baseline);
    await expectIngestError(track.acceptChunk(chunks.length, chunks[0]), "ended", 409, /has ended/);
  });
});

describe("TrackIngest with a streamed body", () => {
  it("reassembles samples split at odd byte boundaries (Node stream)", async () => {
    const { track, segments } = openTrack();
    const pieces: Buffer[] = [];
    for (let at = 0; at < speech.pcm.length; at += 333) pieces.push(speech.pcm.subarray(at, at + 333));
    expect(await track.pipeStream(Readable.from(pieces))).toEqual({ bytes: speech.pcm.length });
    await track.end();
    expect(segments).toEqual(baseline);
  });

  it("reads a web ReadableStream (a fetch/Next.js request body) and refuses a trailing odd byte", async () => {
    const { track, segments } = openTrack();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(speech.pcm.subarray(0, 1001)));
        controller.enqueue(new Uint8Array(speech.pcm.subarray(1001)));
        controller.enqueue(new Uint8Array([7]));
        controller.close();
      },
    });
    await expectIngestError(track.pipeStream(body), "odd_length", 400, new RegExp(`ended after ${speech.pcm.length + 1} bytes`));
    await track.end();
    expect(track.stats().bytesDelivered).toBe(speech.pcm.length);
    expect(segments).toEqual(baseline);
  });

  it("holds a fast sender to the engine's pace, so memory stays bounded", async () => {
    const { track } = openTrack();
    const total = pcmBytesForMs(90_000);
    const piece = pcmBytesForMs(1000);
    const tone = roomTone(1000);
    let produced = 0;
    let maxAhead = 0;
    const sender = new Readable({
      read() {
        maxAhead = Math.max(maxAhead, produced - track.stats().bytesDelivered);
        if (produced >= total) return void this.push(null);
        produced += piece;
        this.push(tone);
      },
    });
    await track.pipeStream(sender);
    await track.end();
    expect(track.stats().bytesDelivered).toBe(total);
    // Without backpressure the sender would be megabytes ahead; with it, a few buffers at most.
    expect(maxAhead).toBeLessThanOrEqual(4 * piece);
    expect(maxAhead).toBeGreaterThan(0);
  });

  it("refuses chunks past the engine's backlog with 503 overloaded and Retry-After; sent again, nothing is lost", async () => {
    const { track, segments } = openTrack({ maxQueuedBytes: 2 * CHUNK });
    // All at once, as a client that does not wait for answers: the engine cannot take them as fast.
    const first = await Promise.allSettled(chunks.map((c, seq) => track.acceptChunk(seq, c)));
    const refused = first.flatMap((r, seq) => (r.status === "rejected" ? [{ seq, error: r.reason as unknown }] : []));
    expect(refused.length).toBeGreaterThan(0);
    for (const { error } of refused) {
      expect(error).toBeInstanceOf(IngestError);
      expect((error as IngestError).code).toBe("overloaded");
    }
    const answer = errorResponse(refused[0].error);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("Retry-After")).toBe(String(OVERLOADED_RETRY_AFTER_SECONDS));
    expect(await answer.json()).toMatchObject({ code: "overloaded" });
    // The client sends each refused chunk again, one at a time, as it would after Retry-After.
    for (const { seq } of refused) await track.acceptChunk(seq, chunks[seq]);
    await track.end();
    expect(track.stats().bytesDelivered).toBe(speech.pcm.length);
    expect(segments).toEqual(baseline);
  });
});
