// Reads pocketsphinx_continuous's standard output with `-time yes`: per utterance, a hypothesis line, then one line per
// word (`word start end probability`, seconds from the start of the input) ending with `</s>`.

export type RecognizedWord = { word: string; startSec: number; endSec: number };
export type Hypothesis = { hyp: string; words: RecognizedWord[] };

const WORD_TIME_LINE = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (\S+)$/;
const FILLER_WORD = /^(<s>|<\/s>|<sil>|\[[A-Z]+\]|\+\+.*\+\+)$/;

/** The words that were spoken: not silence, sentence marks or noise. */
export function spokenWords(h: Hypothesis): RecognizedWord[] {
  return h.words.filter((w) => !FILLER_WORD.test(w.word));
}

/** The hypothesis text on one line, single-spaced ("" for an utterance of noise). */
export function hypothesisText(h: Hypothesis): string {
  return h.hyp.replace(/\s+/g, " ").trim();
}

/** Assembles output chunks (split anywhere) into hypotheses, each handed on once its `</s>` line or the next one arrives. */
export class HypothesisReader {
  private rest = "";
  private block: Hypothesis | undefined;

  constructor(private readonly onHypothesis: (h: Hypothesis) => void) {}

  push(text: string) {
    const lines = (this.rest + text).split("\n");
    this.rest = lines.pop() ?? "";
    for (const raw of lines) {
      const line = raw.trim();
      const timed = WORD_TIME_LINE.exec(line);
      if (timed && this.block) {
        this.block.words.push({ word: timed[1], startSec: Number(timed[2]), endSec: Number(timed[3]) });
        if (timed[1] === "</s>") this.emit();
      } else {
        // A hypothesis line (possibly empty: an utterance of noise) opens the next utterance.
        this.emit();
        this.block = { hyp: line, words: [] };
      }
    }
  }

  /** Reads an unterminated last line, as the output has ended; a hypothesis whose word list did not end stays pending. */
  completeLine() {
    if (this.rest) this.push("\n");
  }

  /** Whether a hypothesis has started but its word list has not ended. */
  get pending(): boolean {
    return this.block !== undefined;
  }

  /** Hands on the hypothesis in progress as it is (an unterminated last line is read first). */
  flush() {
    this.completeLine();
    this.emit();
  }

  private emit() {
    const block = this.block;
    this.block = undefined;
    if (block) this.onHypothesis(block);
  }

  /** Drops what is in progress (the process that printed it died; its audio is recognized again). */
  reset() {
    this.rest = "";
    this.block = undefined;
  }
}
