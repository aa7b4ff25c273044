// When transcription starts and stops: the trigger state machine, as a table of rules plus one function.

import { automaticStartTriggers, type StartTrigger } from "@/lib/start-triggers";

/** Where a room session's transcription is: not running (never started, or stopped by the host), running, or cut at 12 h. */
export type TranscriptionRunState = "stopped" | "running" | "cut";

export type TriggerEvent =
  // participants present after the event; `transcribed`: of them, those whose words are transcribed (all when not given)
  | { type: "join"; participants: number; transcribed?: number }
  | { type: "leave"; participants: number }
  | { type: "host-start" }
  | { type: "host-stop" }
  | { type: "non-host-start" }
  | { type: "non-host-stop" }
  | { type: "session-cut" }; // the 12-hour limit was reached

export type TriggerEventType = TriggerEvent["type"];
export const TRIGGER_EVENT_TYPES: readonly TriggerEventType[] = [
  "join",
  "leave",
  "host-start",
  "host-stop",
  "non-host-start",
  "non-host-stop",
  "session-cut",
];

export type TriggerDecision = { action: "start" | "stop" | "none"; refused?: TriggerRefusal };

/** The room's effective settings; `enabled: false` is transcription turned off (account or room). */
export type TriggerSettings = { enabled: boolean; trigger: StartTrigger };

/** The trigger as the table sees it: transcription turned off behaves as its own trigger. */
type TableTrigger = StartTrigger | "disabled";

export const REFUSALS = {
  disabled: "Transcription is turned off for this room.",
  none: "Transcription is not available in this room (start trigger: none).",
  automatic: "This room's transcription starts and stops automatically; it cannot be started or stopped by hand.",
  notHost: "Only the host can start or stop transcription.",
  alreadyRunning: "Transcription is already running.",
  notRunning: "Transcription is not running.",
  cut: "This session reached the 12-hour limit; its transcript has been saved.",
} as const;
export type TriggerRefusal = keyof typeof REFUSALS;

/** How each refusal is answered: who may not (403) or what cannot be now (409). Chosen by the code, never the text. */
export const REFUSAL_KIND: Record<TriggerRefusal, "forbidden" | "conflict"> = {
  disabled: "conflict",
  none: "conflict",
  automatic: "forbidden",
  notHost: "forbidden",
  alreadyRunning: "conflict",
  notRunning: "conflict",
  cut: "conflict",
};

type Rule = {
  triggers: readonly TableTrigger[] | "any";
  event: TriggerEventType;
  state: readonly TranscriptionRunState[] | "any";
  /** Extra condition on the participant count after a join or leave. */
  participants?: (n: number) => boolean;
  /** Extra condition on how many present participants are transcribed (those who opted out are present, not transcribed). */
  transcribed?: (n: number) => boolean;
  decision: TriggerDecision;
};

const NOTHING: TriggerDecision = { action: "none" };

/** Read top to bottom; the first matching rule decides. Anything unmatched is "none". */
export const TRIGGER_RULES: readonly Rule[] = [
  // The last participant leaving ends the session, and with it any transcription, whatever the trigger.
  { triggers: "any", event: "leave", state: ["running"], participants: (n) => n === 0, decision: { action: "stop" } },
  { triggers: "any", event: "session-cut", state: ["running"], decision: { action: "stop" } },

  // Automatic starts need someone whose words are transcribed: a room of only people who opted out has nothing to transcribe.
  { triggers: ["automatic"], event: "join", state: ["stopped"], participants: (n) => n >= 1, transcribed: (n) => n >= 1, decision: { action: "start" } },
  {
    triggers: ["automatic-2nd-participant"],
    event: "join",
    state: ["stopped"],
    participants: (n) => n >= 2,
    transcribed: (n) => n >= 1,
    decision: { action: "start" },
  },

  // Commands by hand. Order matters: the most basic reason to refuse comes first.
  ...(["host-start", "host-stop", "non-host-start", "non-host-stop"] as const).flatMap((event): Rule[] => [
    { triggers: ["disabled"], event, state: "any", decision: { action: "none", refused: "disabled" } },
    { triggers: ["none"], event, state: "any", decision: { action: "none", refused: "none" } },
    { triggers: automaticStartTriggers, event, state: "any", decision: { action: "none", refused: "automatic" } },
  ]),
  { triggers: ["manual"], event: "non-host-start", state: "any", decision: { action: "none", refused: "notHost" } },
  { triggers: ["manual"], event: "non-host-stop", state: "any", decision: { action: "none", refused: "notHost" } },
  { triggers: ["manual"], event: "host-start", state: ["cut"], decision: { action: "none", refused: "cut" } },
  { triggers: ["manual"], event: "host-start", state: ["running"], decision: { action: "none", refused: "alreadyRunning" } },
  { triggers: ["manual"], event: "host-start", state: ["stopped"], decision: { action: "start" } },
  { triggers: ["manual"], event: "host-stop", state: ["running"], decision: { action: "stop" } },
  { triggers: ["manual"], event: "host-stop", state: ["stopped", "cut"], decision: { action: "none", refused: "notRunning" } },
];

/** What to do with transcription when `event` happens in a room with `settings` while it is in `state`. */
export function decideTrigger(
  settings: TriggerSettings,
  state: TranscriptionRunState,
  event: TriggerEvent,
): TriggerDecision {
  const trigger: TableTrigger = settings.enabled ? settings.trigger : "disabled";
  const participants = "participants" in event ? event.participants : undefined;
  const transcribed = event.type === "join" ? (event.transcribed ?? event.participants) : participants;
  for (const rule of TRIGGER_RULES) {
    if (rule.event !== event.type) continue;
    if (rule.triggers !== "any" && !rule.triggers.includes(trigger)) continue;
    if (rule.state !== "any" && !rule.state.includes(state)) continue;
    if (rule.participants && (participants === undefined || !rule.participants(participants))) continue;
    if (rule.transcribed && (transcribed === undefined || !rule.transcribed(transcribed))) continue;
    return rule.decision;
  }
  return NOTHING;
}
