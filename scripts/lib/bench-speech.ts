// Speech tracks for the benchmark: flite sentences in several voices over room tone, with where each utterance is.
import { composeSpeech, FLITE_VOICES, type ComposedSpeech, type FliteVoice } from "@/lib/testing/speech";

export const BENCH_SENTENCES = [
  "Good morning everyone. Let us start with the budget.",
  "The weather today is sunny and warm.",
  "Please send me the report by Friday.",
  "We need three more people for the project.",
  "Thank you very much for your time.",
  "I think we should go home now.",
  "The meeting will start at nine tomorrow.",
  "Can you open the window please.",
  "Our customers want a faster release.",
  "Let us review the plan next week.",
];

// kal is an 8 kHz diphone voice that PocketSphinx barely understands; it would measure the voice, not the pipeline.
const BENCH_VOICES: readonly FliteVoice[] = FLITE_VOICES.filter((v) => v !== "kal");

/** Track `index` of a benchmark: `sentences` utterances, rotating voices and sentences so tracks differ. */
export function benchTrack(index: number, sentences: number, opts: { pauseMs?: number; leadMs?: number } = {}): Promise<ComposedSpeech> {
  const script = Array.from({ length: sentences }, (_, i) => ({
    text: BENCH_SENTENCES[(index * 3 + i) % BENCH_SENTENCES.length],
    voice: BENCH_VOICES[(index + i) % BENCH_VOICES.length],
    pauseAfterMs: opts.pauseMs ?? 1800,
  }));
  // Different leads spread the utterance ends of concurrent tracks over time, as in a real conversation.
  return composeSpeech(script, { leadMs: opts.leadMs ?? 800 + ((index * 373) % 1500) });
}
