import { describe, expect, it } from "vitest";
import { startedByHost, startsByItself, startTriggers, transcribesAtAll } from "./start-triggers";

describe("the questions asked of a start trigger", () => {
  it("a trigger that transcribes is either started by the host or starts by itself, never both", () => {
    for (const trigger of startTriggers) {
      const answers = [!transcribesAtAll(trigger), startedByHost(trigger), startsByItself(trigger)];
      expect(answers.filter(Boolean), trigger).toHaveLength(1);
    }
  });

  it("names each trigger's answers", () => {
    expect(startTriggers.filter(transcribesAtAll)).toEqual(["manual", "automatic", "automatic-2nd-participant"]);
    expect(startTriggers.filter(startedByHost)).toEqual(["manual"]);
    expect(startTriggers.filter(startsByItself)).toEqual(["automatic", "automatic-2nd-participant"]);
  });
});
