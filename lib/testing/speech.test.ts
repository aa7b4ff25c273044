import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { decodeWav, wavToPcm16kMono } from "@/lib/testing/wav";
import {
  composeSpeech,
  FLITE_VOICES,
  roomTone,
  speechBounds,
  synthesizeSpeech,
  wordErrorRate,
  writeWav,
} from "@/lib/testing/speech";

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "verbatim-speech-test-"));
  dirs.push(dir);
  return dir;
}

describe("synthesizeSpeech", () => {
  it.each(FLITE_VOICES)("speaks with the %s voice as 16 kHz mono PCM", async (voice) => {
    const pcm = await synthesizeSpeech("Hello there.", voice);
    expect(pcm.length % 2).toBe(0);
    const seconds = pcm.length / 2 / 16000;
    expect(seconds).toBeGreaterThan(0.4);
    expect(seconds).toBeLessThan(3);
    expect(speechBounds(pcm)).toBeDefined();
  });

  it("converts the 8 kHz kal voice to 16 kHz: twice the samples, the same waveform", async () => {
    const dir = await tempDir();
    const wav = path.join(dir, "kal.wav");
    await run("flite", ["-voice", "kal", "-t", "Testing the resampler.", "-o", wav]);
    const decoded = decodeWav(await readFile(wav));
    expect(decoded.sampleRate).toBe(8000);
    const ours = wavToPcm16kMono(await readFile(wav));
    const input = decoded.channelData[0];
    expect(Math.abs(ours.length / 2 - 2 * input.length)).toBeLessThanOrEqual(4);
    // Against an independent reference, linear interpolation: the same waveform within resampling differences.
    const samples = Int16Array.from(input, (v) => Math.round(v * 32767));
    let dot = 0;
    let a2 = 0;
    let b2 = 0;
    for (let j = 0; j + 1 < ours.length / 2 && j / 2 + 1 < samples.length; j++) {
      const a = ours.readInt16LE(j * 2);
      const k = Math.floor(j / 2);
      const b = j % 2 === 0 ? samples[k] : (samples[k] + samples[k + 1]) / 2;
      dot += a * b;
      a2 += a * a;
      b2 += b * b;
    }
    expect(dot / Math.sqrt(a2 * b2)).toBeGreaterThan(0.95);
  });

  it("refuses an unknown voice", async () => {
    await expect(synthesizeSpeech("hi", "nobody" as never)).rejects.toThrow(/Unknown flite voice "nobody"/);
  });
});

describe("fixtures", () => {
  it("composeSpeech places each utterance where it says", async () => {
    const speech = await composeSpeech(
      [
        { text: "First.", voice: "slt", pauseAfterMs: 1000 },
        { text: "Second.", voice: "rms" },
      ],
      { leadMs: 500 },
    );
    const [a, b] = speech.utterances;
    expect(a.startMs).toBeGreaterThanOrEqual(500);
    expect(b.startMs).toBeGreaterThan(a.endMs + 1000);
    const second = speech.pcm.subarray(Math.floor(b.startMs * 32) & ~1, Math.ceil(b.endMs * 32) & ~1);
    expect(speechBounds(second)?.startMs).toBeLessThanOrEqual(10);
    expect(speechBounds(roomTone(1000))).toBeUndefined();
    expect(roomTone(100).equals(roomTone(100))).toBe(true);
  });

  it("writeWav writes a WAV that reads back to the same samples", async () => {
    const dir = await tempDir();
    const pcm = await synthesizeSpeech("Round trip.", "awb");
    await writeWav(path.join(dir, "a.wav"), pcm);
    expect(wavToPcm16kMono(await readFile(path.join(dir, "a.wav"))).equals(pcm)).toBe(true);
    await writeWav(path.join(dir, "b.wav"), pcm, { sampleRate: 8000, bitsPerSample: 8 });
    expect(decodeWav(await readFile(path.join(dir, "b.wav")))).toMatchObject({ sampleRate: 8000, bitsPerSample: 8, channels: 1 });
  });
});

describe("wordErrorRate", () => {
  it.each([
    ["the cat sat", "the cat sat", 0],
    ["The cat sat.", "the CAT, sat", 0],
    ["the cat sat", "the bat sat", 1 / 3],
    ["the cat sat", "the cat", 1 / 3],
    ["the cat sat", "the big cat sat", 1 / 3],
    ["the cat sat", "", 1],
    ["", "", 0],
    ["", "noise", 1],
    ["a b c d", "x y", 1],
  ])("wer(%j, %j) = %d", (ref, hyp, expected) => {
    expect(wordErrorRate(ref, hyp)).toBeCloseTo(expected, 10);
  });
});
