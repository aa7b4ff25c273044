// The interim recognizer on its own: what it previews and when, and that a broken one turns itself off quietly.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pcmBytesForMs } from "@/lib/speech/pcm";
import { PocketSphinxPreview, type PreviewPiece } from "@/lib/speech/pocketsphinx/preview";
import { composeSpeech, roomTone } from "@/lib/testing/speech";

const MODEL = "/usr/share/pocketsphinx/model/en-us";
const recognizer = () =>
  spawn("bash", [
    "-c",
    'exec "$0" "$@" < <(exec cat)',
    "pocketsphinx_continuous",
    ...["-infile", "/dev/stdin", "-time", "yes", "-hmm", `${MODEL}/en-us`, "-lm", `${MODEL}/en-us.lm.bin`, "-dict", `${MODEL}/cmudict-en-us.dict`],
    ...["-samprate", "16000", "-vad_threshold", "3", "-vad_postspeech", "30"],
  ]);

/** Feeds at real time; at each hold's audio time, waits (up to a minute) until its condition holds. */
async function feedRealTime(preview: PocketSphinxPreview, pcm: Buffer, holds: { atMs: number; until: () => boolean }[] = []) {
  const piece = pcmBytesForMs(100);
  for (let at = 0; at < pcm.length; at += piece) {
    while (holds.length > 0 && at >= pcmBytesForMs(holds[0].atMs)) {
      const hold = holds.shift()!;
      const deadline = Date.now() + 60_000;
      while (!hold.until()) {
        if (Date.now() > deadline) throw new Error(`no preview by ${hold.atMs} ms of audio after a minute`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    preview.write(pcm.subarray(at, at + piece));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("PocketSphinx interim preview", () => {
  it("previews a long sentence while it is spoken, growing, on the stream's own timeline", async () => {
    const speech = await composeSpeech([{ text: "We need three more people for the project before the end of the month.", voice: "slt", pauseAfterMs: 300 }], { leadMs: 1500 });
    const pieces: PreviewPiece[] = [];
    const u = speech.utterances[0];
    // At normal priority: under a parallel test run the lowest one would measure the machine's load, not the preview.
    // The speaker waits for a first preview a second in, and for a later one just before the end: a busy machine makes
    // previews late, never absent (a preview that falls due while the last one runs goes as soon as that is done).
    const preview = new PocketSphinxPreview({ spawn: recognizer, onPiece: (p) => pieces.push(p), lowPriority: false, everyMs: 500 });
    const tickCount = () => new Set(pieces.map((p) => p.tick)).size;
    await feedRealTime(preview, speech.pcm, [
      { atMs: u.startMs + 1500, until: () => tickCount() >= 1 },
      { atMs: u.endMs - 300, until: () => tickCount() >= 2 },
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    preview.stop();
    const ticks = [...new Set(pieces.map((p) => p.tick))];
    expect(ticks.length, "previews while the sentence went on").toBeGreaterThanOrEqual(2);
    for (const p of pieces) {
      // Inside the sentence (not shifted by the silence added after each preview), give or take the recognizer's edges.
      expect(p.startSample / 16).toBeGreaterThan(u.startMs - 400);
      expect(p.endSample / 16).toBeLessThan(u.endMs + 400);
    }
    // Each preview starts over from the beginning of the sentence, so later ones say more.
    const textOf = (tick: number) => pieces.filter((p) => p.tick === tick).map((p) => p.text).join(" ");
    expect(textOf(ticks.at(-1)!).split(" ").length).toBeGreaterThan(textOf(ticks[0]).split(" ").length);
    expect(textOf(ticks.at(-1)!)).toMatch(/need|three|people|project/);
  });

  it("does not preview silence (nor start a recognizer for it), and says nothing after stop()", async () => {
    const pieces: PreviewPiece[] = [];
    let spawned = 0;
    const preview = new PocketSphinxPreview({ spawn: () => (spawned++, recognizer()), onPiece: (p) => pieces.push(p) });
    await feedRealTime(preview, roomTone(2500, { seed: 5 }));
    preview.stop();
    preview.write(roomTone(500));
    await new Promise((r) => setTimeout(r, 500));
    expect(pieces).toEqual([]);
    expect(spawned).toBe(0);
  });

  it("turns itself off, without throwing, when its recognizer keeps dying", async () => {
    const reasons: string[] = [];
    let spawned = 0;
    const preview = new PocketSphinxPreview({
      spawn: () => {
        spawned++;
        return spawn("bash", ["-c", "exit 1"]);
      },
      onPiece: () => {},
      maxRestartsPerMinute: 2,
      onDisabled: (reason) => reasons.push(reason),
    });
    // The recognizer starts with the first speech: quiet, then a loud tone.
    const tone = Buffer.alloc(pcmBytesForMs(300));
    for (let i = 0; i < tone.length / 2; i++) tone.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), i * 2);
    preview.write(roomTone(300, { seed: 9 }));
    preview.write(tone);
    const until = Date.now() + 5000;
    while (reasons.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(reasons).toEqual(["the interim recognizer keeps stopping"]);
    expect(spawned).toBe(3);
    expect(() => preview.write(Buffer.alloc(3200))).not.toThrow();
    preview.stop();
  });
});
