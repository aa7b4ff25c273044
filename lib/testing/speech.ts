// Speech fixtures made by code for tests, the simulator and the benchmark: flite voices, silence, WAV files, word error rate.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { encodeWav, PCM_SAMPLE_RATE, pcmBytesForMs } from "@/lib/speech/pcm";
import { wavToPcm16kMono } from "./wav";

export type FliteVoice = "slt" | "rms" | "awb" | "kal";
export const FLITE_VOICES: readonly FliteVoice[] = ["slt", "rms", "awb", "kal"];

const cache = new Map<string, Promise<Buffer>>();

/** Speaks `text` with a flite voice; returns 16 kHz mono s16le PCM (kal is an 8 kHz voice and is resampled). */
export function synthesizeSpeech(text: string, voice: FliteVoice): Promise<Buffer> {
  if (!FLITE_VOICES.includes(voice)) return Promise.reject(new Error(`Unknown flite voice "${voice}".`));
  const key = `${voice}\u0000${text}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = runFlite(text, voice);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

async function runFlite(text: string, voice: FliteVoice): Promise<Buffer> {
  // flite seeks back to fill in the WAV header, so it needs a real file rather than a pipe.
  const dir = await mkdtemp(path.join(os.tmpdir(), "verbatim-flite-"));
  const file = path.join(dir, "speech.wav");
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn("flite", ["-voice", voice, "-t", text, "-o", file], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (e) =>
        reject(new Error(`flite could not be started (${e.message}). Install it with: apt-get install -y flite`)),
      );
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`flite exited with ${code}: ${stderr}`))));
    });
    return wavToPcm16kMono(await readFile(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Room tone: quiet deterministic noise. Real microphones never send digital zeros, and PocketSphinx's noise
 * estimate behaves badly on exact silence, so fixtures use this between utterances.
 */
export function roomTone(ms: number, opts: { amplitude?: number; seed?: number } = {}): Buffer {
  const amplitude = opts.amplitude ?? 60;
  let state = (opts.seed ?? 12345) >>> 0;
  const out = Buffer.alloc(pcmBytesForMs(ms));
  for (let i = 0; i < out.length; i += 2) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG: repeatable fixtures
    out.writeInt16LE(Math.round(((state / 2 ** 32) * 2 - 1) * amplitude), i);
  }
  return out;
}

/** Mixes room tone into speech so flite's exact-zero pauses look like a microphone's. */
export function withRoomTone(pcm: Buffer, amplitude = 60): Buffer {
  const tone = roomTone((pcm.length / 2 / PCM_SAMPLE_RATE) * 1000 + 1, { amplitude });
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i += 2) {
    const v = pcm.readInt16LE(i) + tone.readInt16LE(i);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i);
  }
  return out;
}

/** Where the speech in a clip starts and ends (ms), by 10 ms frame energy; undefined when it is all quiet. */
export function speechBounds(pcm: Buffer, threshold = 500): { startMs: number; endMs: number } | undefined {
  const frame = PCM_SAMPLE_RATE / 100;
  let first = -1;
  let last = -1;
  for (let f = 0; (f + 1) * frame * 2 <= pcm.length; f++) {
    let sum = 0;
    for (let i = 0; i < frame; i++) {
      const v = pcm.readInt16LE((f * frame + i) * 2);
      sum += v * v;
    }
    if (Math.sqrt(sum / frame) > threshold) {
      if (first < 0) first = f;
      last = f;
    }
  }
  return first < 0 ? undefined : { startMs: first * 10, endMs: (last + 1) * 10 };
}

/** Eight short sentences of a meeting, for fixtures that need a long stretch of speech (about 45 s with 2.5 s pauses). */
export const MEETING_SENTENCES: readonly string[] = [
  "Good morning everyone. Let us start with the budget.",
  "Please send me the report by Friday.",
  "The new office opens in the spring.",
  "We hired two engineers last month.",
  "Sales grew by ten percent this quarter.",
  "The customer asked for a discount.",
  "Our next meeting is on Tuesday morning.",
  "Thank you all for coming today.",
];

export type ScriptedUtterance = { text: string; voice: FliteVoice; pauseAfterMs?: number };
export type ComposedSpeech = {
  pcm: Buffer;
  /** Where each utterance's speech starts and ends in `pcm`, in ms. */
  utterances: { text: string; voice: FliteVoice; startMs: number; endMs: number }[];
};

/** One track of speech: room tone, then each utterance followed by its pause, all over room tone. */
export async function composeSpeech(
  script: ScriptedUtterance[],
  opts: { leadMs?: number; toneAmplitude?: number } = {},
): Promise<ComposedSpeech> {
  const parts: Buffer[] = [];
  const utterances: ComposedSpeech["utterances"] = [];
  const amplitude = opts.toneAmplitude ?? 60;
  let bytes = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    bytes += b.length;
  };
  push(roomTone(opts.leadMs ?? 1000, { amplitude, seed: 1 }));
  for (const [i, u] of script.entries()) {
    const speech = withRoomTone(await synthesizeSpeech(u.text, u.voice), amplitude);
    const bounds = speechBounds(speech) ?? { startMs: 0, endMs: (speech.length / 2 / PCM_SAMPLE_RATE) * 1000 };
    const atMs = (bytes / 2 / PCM_SAMPLE_RATE) * 1000;
    utterances.push({ text: u.text, voice: u.voice, startMs: atMs + bounds.startMs, endMs: atMs + bounds.endMs });
    push(speech);
    push(roomTone(u.pauseAfterMs ?? 1500, { amplitude, seed: i + 2 }));
  }
  return { pcm: Buffer.concat(parts), utterances };
}

/** Writes 16 kHz mono s16le PCM (or other rates/formats) as a WAV file, e.g. for the simulator. */
export async function writeWav(
  filePath: string,
  pcm: Buffer | Int16Array,
  opts: { sampleRate?: number; channels?: number; bitsPerSample?: 8 | 16 } = {},
): Promise<void> {
  await writeFile(filePath, encodeWav(pcm, opts));
}

/** Lower-case words without punctuation, for comparing transcripts. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Word error rate: (substitutions + deletions + insertions) / reference words, by word-level edit distance. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length] / ref.length;
}
