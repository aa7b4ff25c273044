// A two-voice demo conversation made with flite, as WAV files: the simulator's --generate and the benchmark's speech.
import fs from "node:fs";
import path from "node:path";
import { composeSpeech, roomTone, writeWav, type FliteVoice } from "@/lib/testing/speech";
import { PCM_BYTES_PER_SECOND } from "@/lib/speech/pcm";

export const DEMO_SCRIPT: { speaker: "Ana" | "Ben"; text: string }[] = [
  { speaker: "Ana", text: "Good morning everyone. Let us start with the budget." },
  { speaker: "Ben", text: "Thank you. The budget for next year is ready." },
  { speaker: "Ana", text: "How much do we need for the new project?" },
  { speaker: "Ben", text: "We need three more people and two new computers." },
  { speaker: "Ana", text: "Please send me the report by Friday." },
  { speaker: "Ben", text: "I will send it tomorrow morning." },
];

const VOICES: Record<"Ana" | "Ben", FliteVoice> = { Ana: "slt", Ben: "rms" };

/**
 * Each speaker's track holds their lines where they fall in the conversation and room tone elsewhere, as separate
 * microphones would; both tracks have the same length. Returns the participants as "NAME=FILE" specs.
 */
export async function writeDemoConversation(dir: string): Promise<{ specs: string[]; seconds: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const tracks: Record<string, Buffer[]> = { Ana: [], Ben: [] };
  const lead = roomTone(800, { seed: 7 });
  for (const t of Object.values(tracks)) t.push(lead);
  for (const line of DEMO_SCRIPT) {
    const { pcm } = await composeSpeech([{ text: line.text, voice: VOICES[line.speaker], pauseAfterMs: 900 }], { leadMs: 200 });
    for (const [speaker, parts] of Object.entries(tracks)) parts.push(speaker === line.speaker ? pcm : roomTone(pcm.length / 2 / 16, { seed: parts.length + 11 }));
  }
  const specs: string[] = [];
  let seconds = 0;
  for (const [speaker, parts] of Object.entries(tracks)) {
    const pcm = Buffer.concat(parts);
    seconds = pcm.length / PCM_BYTES_PER_SECOND;
    const file = path.join(dir, `${speaker.toLowerCase()}.wav`);
    await writeWav(file, pcm);
    specs.push(`${speaker}=${file}`);
  }
  return { specs, seconds };
}
