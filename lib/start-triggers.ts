// The start triggers of api.md, their labels and what each does: the one list that settings, rooms, the database
// schema, the OpenAPI document and the dashboard use.

/** "none" is only a room override (no transcription in this room); an account default is one of the other three. */
export const startTriggers = ["none", "manual", "automatic", "automatic-2nd-participant"] as const;
export type StartTrigger = (typeof startTriggers)[number];

/** The triggers that start and stop transcription by themselves (no host command). */
export const automaticStartTriggers = ["automatic", "automatic-2nd-participant"] as const satisfies readonly StartTrigger[];

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
