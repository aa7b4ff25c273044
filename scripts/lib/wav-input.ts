// Reads a participant's WAV file for streaming: any common WAV becomes 16 kHz mono s16le PCM, with errors that name the file.
import { readFile } from "node:fs/promises";
import { AudioFormatError, PCM_BYTES_PER_SECOND } from "@/lib/speech/pcm";
import { wavToPcm16kMono } from "@/lib/testing/wav";

export async function loadWavAsPcm(file: string): Promise<{ pcm: Buffer; seconds: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${file}: no such file` : `${file}: cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    const pcm = wavToPcm16kMono(bytes);
    if (pcm.length === 0) throw new Error(`${file}: the WAV file holds no audio`);
    return { pcm, seconds: pcm.length / PCM_BYTES_PER_SECOND };
  } catch (error) {
    if (error instanceof AudioFormatError) throw new Error(`${file}: ${error.message}`);
    throw error;
  }
}
