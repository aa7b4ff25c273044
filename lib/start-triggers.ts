// The start triggers of api.md, their labels, what each does, and the questions code asks of one (transcribes at all?
// started by the host? starts by itself?): the one list that settings, rooms, the database schema, the OpenAPI
// document, the dashboard and the room page use.

/** "none" is only a room override (no transcription in this room); an account default is one of the other three. */
export const startTriggers = ["none", "manual", "automatic", "automatic-2nd-participant"] as const;
export type StartTrigger = (typeof startTriggers)[number];

/** The triggers that start and stop transcription by themselves (no host command). */
export const automaticStartTriggers = ["automatic", "automatic-2nd-participant"] as const satisfies readonly StartTrigger[];

export type AutomaticStartTrigger = (typeof automaticStartTriggers)[number];

/** Whether a room under this trigger transcribes at all: every trigger but "none". */
export function transcribesAtAll(trigger: StartTrigger): boolean {
  return trigger !== "none";
}

/** Whether the host starts and stops the transcription by hand: the one trigger under which host commands work. */
export function startedByHost(trigger: StartTrigger): boolean {
  return trigger === "manual";
}

/** Whether the transcription starts and stops by itself, as people join and leave. */
export function startsByItself(trigger: StartTrigger): trigger is AutomaticStartTrigger {
  return (automaticStartTriggers as readonly StartTrigger[]).includes(trigger);
}

/** The start triggers an account default may use. */
export const accountStartTriggers = ["manual", "automatic", "automatic-2nd-participant"] as const satisfies readonly StartTrigger[];

export const startTriggerLabels: Record<StartTrigger, string> = {
  none: "None (transcription off)",
  manual: "Manual",
  automatic: "Auto-start (1 person)",
  "automatic-2nd-participant": "Auto-start (2 people)",
};

export const startTriggerDescriptions: Record<StartTrigger, string> = {
  none: "No transcription in this room.",
  manual: "The host starts and stops transcription from the room.",
  automatic: "Starts when the first participant joins, ends when the last leaves.",
  "automatic-2nd-participant": "Starts when two participants are present, ends when the last leaves.",
};
