// The engine's own offline result: pocketsphinx_continuous run once over a whole WAV file (-infile), for the WER comparison.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pocketSphinxCommandLine } from "@/lib/speech/pocketsphinx/pocketsphinx";

const run = promisify(execFile);

/**
 * Recognizes a 16 kHz mono WAV file in one pass, with the streaming engine's own command line (model and voice-activity
 * settings), so the comparison isolates what streaming costs, not a different tuning.
 */
export async function recognizeFileOffline(wavPath: string): Promise<string> {
  const { binary, args } = pocketSphinxCommandLine({}, ["-infile", wavPath, "-time", "no"]);
  const { stdout } = await run(binary, args, { maxBuffer: 16 * 1024 * 1024 });
  // Without -time, each output line is one utterance's hypothesis; INFO lines go to stderr.
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}
