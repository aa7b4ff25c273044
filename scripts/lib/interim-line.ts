// The simulator's live line on a terminal: each speaker's interim text, redrawn in place until their final line prints.
import type { LiveSegment } from "@/lib/pipeline/live/live-bus";

/** What the line needs of a live segment. */
type InterimSegment = Pick<LiveSegment, "participantId" | "displayName" | "text" | "final">;

export class InterimLine {
  private readonly texts = new Map<string, string>();
  private shown = false;

  constructor(private readonly out: { write(s: string): unknown; columns?: number }) {}

  /** A segment arrived: an interim one updates its speaker's text; a final one (or an empty interim) removes it. */
  update(s: InterimSegment) {
    if (s.final || !s.text) this.texts.delete(s.participantId);
    else this.texts.set(s.participantId, `${s.displayName}: ${s.text}`);
    this.draw();
  }

  /** Prints a whole line above the live one. */
  print(line: string) {
    this.erase();
    this.out.write(`${line}\n`);
    this.draw();
  }

  private erase() {
    if (this.shown) this.out.write("\r\x1b[2K");
    this.shown = false;
  }

  private draw() {
    this.erase();
    if (this.texts.size === 0) return;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    let text = `  … ${[...this.texts.values()].join("   ")}`;
    if (text.length > width) text = `…${text.slice(text.length - width + 1)}`;
    this.out.write(`\x1b[2m${text}\x1b[0m`);
    this.shown = true;
  }
}
