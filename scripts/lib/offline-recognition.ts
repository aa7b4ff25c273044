// The engine's own offline result: pocketsphinx_continuous run once over a whole WAV file (-infile), for the WER comparison.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

/**
 * Recognizes a 16 kHz mono WAV file in one pass. Uses the same voice-activity settings as the streaming engine
 * (lib/pipeline/engines/pocketsphinx.ts), so the comparison isolates what streaming costs, not a different tuning.
 */
export async function recognizeFileOffline(wavPath: string, opts: { vadPostSpeechFrames?: number; vadThreshold?: number } = {}): Promise<string> {
  const args = [
    "-infile", wavPath,
    "-hmm", `${MODEL_DIR}/en-us`,
    "-lm", `${MODEL_DIR}/en-us.lm.bin`,
    "-dict", `${MODEL_DIR}/cmudict-en-us.dict`,
    "-samprate", "16000",
    "-vad_postspeech", String(opts.vadPostSpeechFrames ?? 30),
    "-vad_threshold", String(opts.vadThreshold ?? 3),
  ];
  const { stdout } = await run("pocketsphinx_continuous", args, { maxBuffer: 16 * 1024 * 1024 });
  // Without -time, each output line is one utterance's hypothesis; INFO lines go to stderr.
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}
