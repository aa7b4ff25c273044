import { describe, expect, it } from "vitest";
import { pacedPcmStream, pieceSchedule, type PacingClock } from "./paced-audio";

/** A clock that only moves when the stream sleeps, so pacing is checked exactly and instantly. */
function testClock(): PacingClock & { sleeps: number[] } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function pcmOfMs(ms: number): Buffer {
  const b = Buffer.alloc(ms * 32);
  for (let i = 0; i < b.length; i++) b[i] = i % 251;
  return b;
}

async function drain(stream: ReadableStream<Uint8Array>, onRead?: () => Promise<void>): Promise<Buffer> {
  const parts: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
    await onRead?.();
  }
  return Buffer.concat(parts);
}

describe("WAV streaming pacing", () => {
  it("schedules 100 ms pieces at real time, the first at once, the last shorter", () => {
    const s = pieceSchedule(pcmOfMs(350).length);
    expect(s.map((p) => p.dueMs)).toEqual([0, 100, 200, 300]);
    expect(s.map((p) => p.length)).toEqual([3200, 3200, 3200, 1600]);
    expect(s.map((p) => p.offset)).toEqual([0, 3200, 6400, 9600]);
  });

  it("runs N times faster with --speed N, and keeps pieces whole samples", () => {
    expect(pieceSchedule(pcmOfMs(400).length, { speed: 4 }).map((p) => p.dueMs)).toEqual([0, 25, 50, 75]);
    expect(pieceSchedule(pcmOfMs(1000).length, { pieceMs: 250 }).map((p) => p.length)).toEqual([8000, 8000, 8000, 8000]);
    expect(pieceSchedule(100, { pieceMs: 0.01 }).every((p) => p.length % 2 === 0)).toBe(true);
    expect(pieceSchedule(0)).toEqual([]);
    expect(() => pieceSchedule(10, { speed: 0 })).toThrow(RangeError);
  });

  it("releases every byte in order, each piece when its audio is due", async () => {
    const clock = testClock();
    const pcm = pcmOfMs(1000);
    const sent: [number, number][] = [];
    const out = await drain(pacedPcmStream(pcm, { clock, onPiece: (audioMs, at) => sent.push([audioMs, at - 1000]) }));
    expect(out.equals(pcm)).toBe(true);
    // Piece i leaves at i × 100 ms: the stream never runs ahead of the audio it carries.
    expect(sent.map(([, at]) => at)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(sent.at(-1)![0]).toBe(1000);
  });

  it("does not burst ahead after a slow reader (backpressure), and does not wait for pieces already due", async () => {
    const clock = testClock();
    const pcm = pcmOfMs(500);
    let reads = 0;
    const sentAt: number[] = [];
    // The reader stalls 250 ms after the first piece: pieces 1 and 2 are then already due and go without sleeping.
    await drain(pacedPcmStream(pcm, { clock, onPiece: (_, at) => sentAt.push(at - 1000) }), async () => {
      if (reads++ === 0) await clock.sleep(250);
    });
    expect(sentAt).toEqual([0, 250, 250, 300, 400]);
  });

  it("speeds up by the factor given", async () => {
    const clock = testClock();
    const sentAt: number[] = [];
    await drain(pacedPcmStream(pcmOfMs(400), { clock, speed: 2, onPiece: (_, at) => sentAt.push(at - 1000) }));
    expect(sentAt).toEqual([0, 50, 100, 150]);
  });

  it("holds at an audio time until told to go on, then keeps pace from there (no burst of what was held back)", async () => {
    const clock = testClock();
    const sentAt: number[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const reading = drain(pacedPcmStream(pcmOfMs(500), { clock, holds: [{ atMs: 200, until: () => released }], onPiece: (_, at) => sentAt.push(at - 1000) }));
    await new Promise((r) => setTimeout(r, 20));
    // Pieces 0 and 1 went; piece 2 (from 200 ms on) waits for the hold.
    expect(sentAt).toEqual([0, 100]);
    await clock.sleep(5000);
    release();
    await reading;
    // Piece 2 still leaves 100 ms after piece 1 in audio time: the held 5 s shift everything after the hold, nothing is squeezed.
    expect(sentAt).toEqual([0, 100, 5200, 5300, 5400]);
  });

  it("streams through a real fetch body at real time", async () => {
    // A short clip on the real clock: only ordering and completeness are asserted, never durations.
    const pcm = pcmOfMs(300);
    const res = new Response(pacedPcmStream(pcm, { speed: 10 }));
    expect(Buffer.from(await res.arrayBuffer()).equals(pcm)).toBe(true);
  });
});
