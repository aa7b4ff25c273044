import { describe, expect, it } from "vitest";
import { InterimLine } from "./interim-line";

function terminal(columns = 60) {
  let screen = "";
  return { out: { columns, write: (s: string) => void (screen += s) }, screen: () => screen };
}

describe("the simulator's interim line", () => {
  it("shows each speaker's latest interim text, redrawn in place, and clears it when their final line prints", () => {
    const t = terminal();
    const line = new InterimLine(t.out);
    line.update({ participantId: "a", displayName: "Ana", text: "good morning", final: false });
    line.update({ participantId: "a", displayName: "Ana", text: "good morning every", final: false });
    line.update({ participantId: "b", displayName: "Ben", text: "hello", final: false });
    expect(t.screen().split("\r\x1b[2K").at(-1)).toBe("\x1b[2m  … Ana: good morning every   Ben: hello\x1b[0m");
    line.update({ participantId: "a", displayName: "Ana", text: "good morning everyone", final: true });
    line.print("  [00:01] Ana: good morning everyone");
    const last = t.screen().split("\r\x1b[2K").at(-1)!;
    expect(last).toBe("  [00:01] Ana: good morning everyone\n\x1b[2m  … Ben: hello\x1b[0m");
  });

  it("keeps to the terminal's width, showing the newest words", () => {
    const t = terminal(30);
    const line = new InterimLine(t.out);
    line.update({ participantId: "a", displayName: "Ana", text: "one two three four five six seven eight nine ten", final: false });
    const shown = t.screen().replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace("\r", "");
    expect(shown.length).toBeLessThanOrEqual(29);
    expect(shown.endsWith("eight nine ten")).toBe(true);
  });
});
