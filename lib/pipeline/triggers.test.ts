import { describe, expect, it } from "vitest";
import {
  decideTrigger,
  REFUSALS,
  TRIGGER_EVENT_TYPES,
  type TranscriptionRunState,
  type TriggerDecision,
  type TriggerEvent,
} from "@/lib/pipeline/triggers";
import { startTriggers, type StartTrigger } from "@/lib/start-triggers";

// Every trigger × event × state, written out by hand from api.md and issue 5 rather than derived from the code.
// Cells are [when stopped, when running, when cut]: "start", "stop", "-" (nothing) or the key of a refusal.
type Cell = "start" | "stop" | "-" | keyof typeof REFUSALS;
type Row = [Cell, Cell, Cell];
const EVENTS: Record<string, TriggerEvent> = {
  "join→1": { type: "join", participants: 1 },
  "join→2": { type: "join", participants: 2 },
  "join→3": { type: "join", participants: 3 },
  "leave→0": { type: "leave", participants: 0 },
  "leave→1": { type: "leave", participants: 1 },
  "leave→2": { type: "leave", participants: 2 },
  "host-start": { type: "host-start" },
  "host-stop": { type: "host-stop" },
  "non-host-start": { type: "non-host-start" },
  "non-host-stop": { type: "non-host-stop" },
  "session-cut": { type: "session-cut" },
};
const STATES: TranscriptionRunState[] = ["stopped", "running", "cut"];

const TABLE: Record<StartTrigger | "disabled", Record<keyof typeof EVENTS, Row>> = {
  automatic: {
    "join→1": ["start", "-", "-"],
    "join→2": ["start", "-", "-"],
    "join→3": ["start", "-", "-"],
    "leave→0": ["-", "stop", "-"],
    "leave→1": ["-", "-", "-"],
    "leave→2": ["-", "-", "-"],
    "host-start": ["automatic", "automatic", "automatic"],
    "host-stop": ["automatic", "automatic", "automatic"],
    "non-host-start": ["automatic", "automatic", "automatic"],
    "non-host-stop": ["automatic", "automatic", "automatic"],
    "session-cut": ["-", "stop", "-"],
  },
  "automatic-2nd-participant": {
    "join→1": ["-", "-", "-"],
    "join→2": ["start", "-", "-"],
    "join→3": ["start", "-", "-"],
    "leave→0": ["-", "stop", "-"],
    "leave→1": ["-", "-", "-"],
    "leave→2": ["-", "-", "-"],
    "host-start": ["automatic", "automatic", "automatic"],
    "host-stop": ["automatic", "automatic", "automatic"],
    "non-host-start": ["automatic", "automatic", "automatic"],
    "non-host-stop": ["automatic", "automatic", "automatic"],
    "session-cut": ["-", "stop", "-"],
  },
  manual: {
    "join→1": ["-", "-", "-"],
    "join→2": ["-", "-", "-"],
    "join→3": ["-", "-", "-"],
    "leave→0": ["-", "stop", "-"],
    "leave→1": ["-", "-", "-"],
    "leave→2": ["-", "-", "-"],
    "host-start": ["start", "alreadyRunning", "cut"],
    "host-stop": ["notRunning", "stop", "notRunning"],
    "non-host-start": ["notHost", "notHost", "notHost"],
    "non-host-stop": ["notHost", "notHost", "notHost"],
    "session-cut": ["-", "stop", "-"],
  },
  none: {
    "join→1": ["-", "-", "-"],
    "join→2": ["-", "-", "-"],
    "join→3": ["-", "-", "-"],
    "leave→0": ["-", "stop", "-"],
    "leave→1": ["-", "-", "-"],
    "leave→2": ["-", "-", "-"],
    "host-start": ["none", "none", "none"],
    "host-stop": ["none", "none", "none"],
    "non-host-start": ["none", "none", "none"],
    "non-host-stop": ["none", "none", "none"],
    "session-cut": ["-", "stop", "-"],
  },
  disabled: {
    "join→1": ["-", "-", "-"],
    "join→2": ["-", "-", "-"],
    "join→3": ["-", "-", "-"],
    "leave→0": ["-", "stop", "-"],
    "leave→1": ["-", "-", "-"],
    "leave→2": ["-", "-", "-"],
    "host-start": ["disabled", "disabled", "disabled"],
    "host-stop": ["disabled", "disabled", "disabled"],
    "non-host-start": ["disabled", "disabled", "disabled"],
    "non-host-stop": ["disabled", "disabled", "disabled"],
    "session-cut": ["-", "stop", "-"],
  },
};

function expected(cell: Cell): TriggerDecision {
  if (cell === "start" || cell === "stop") return { action: cell };
  if (cell === "-") return { action: "none" };
  return { action: "none", refused: cell };
}

const cases = Object.entries(TABLE).flatMap(([trigger, rows]) =>
  Object.entries(rows).flatMap(([eventName, row]) =>
    STATES.map((state, i) => ({ trigger, eventName, state, cell: row[i] })),
  ),
);

describe("decideTrigger", () => {
  it("the hand-written table covers every trigger, event type and state", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...startTriggers, "disabled"].sort());
    const covered = new Set(Object.values(EVENTS).map((e) => e.type));
    expect([...covered].sort()).toEqual([...TRIGGER_EVENT_TYPES].sort());
    expect(cases).toHaveLength(5 * Object.keys(EVENTS).length * 3);
  });

  it.each(cases)("$trigger, $eventName while $state → $cell", ({ trigger, eventName, state, cell }) => {
    const settings =
      trigger === "disabled"
        ? { enabled: false, trigger: "automatic" as const }
        : { enabled: true, trigger: trigger as StartTrigger };
    expect(decideTrigger(settings, state, EVENTS[eventName])).toEqual(expected(cell));
  });

  it("transcription turned off wins over every trigger", () => {
    for (const trigger of startTriggers) {
      expect(decideTrigger({ enabled: false, trigger }, "stopped", { type: "join", participants: 2 })).toEqual({
        action: "none",
      });
      expect(decideTrigger({ enabled: false, trigger }, "stopped", { type: "host-start" }).refused).toBe("disabled");
    }
  });

  it("walks a whole automatic-2nd-participant session", () => {
    const settings = { enabled: true, trigger: "automatic-2nd-participant" as const };
    let state: TranscriptionRunState = "stopped";
    const steps: [TriggerEvent, TriggerDecision["action"]][] = [
      [{ type: "join", participants: 1 }, "none"],
      [{ type: "join", participants: 2 }, "start"],
      [{ type: "leave", participants: 1 }, "none"],
      [{ type: "join", participants: 2 }, "none"],
      [{ type: "host-stop" }, "none"],
      [{ type: "leave", participants: 1 }, "none"],
      [{ type: "leave", participants: 0 }, "stop"],
    ];
    for (const [event, action] of steps) {
      const decision = decideTrigger(settings, state, event);
      expect(decision.action).toBe(action);
      if (decision.action === "start") state = "running";
      if (decision.action === "stop") state = "stopped";
    }
  });
});
