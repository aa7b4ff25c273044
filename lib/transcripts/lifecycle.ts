// The transcription lifecycle: one phase per transcription and the moves between phases, as a table of rules plus one function.
import type { TranscriptionPhase } from "@/lib/db/schema";

// The phase type for pages and islands, which do not import the schema.
export type { TranscriptionPhase };

/*
 *   running ──stop──▶ saving ──saved──▶ ready
 *      │                │  ▲
 *      │     upload_failed│  │claim (due, or a dead saver's claim ran out)
 *      │                ▼  │
 *      │          upload_retrying ──gave_up──▶ upload_failed ──admin_retry──▶ saving
 *      └──engine_unavailable──▶ start_failed ◀──nothing_said── saving (no segment was ever transcribed: no empty file)
 *
 * `saving` is held by one saver at a time through `claimed_until`; `upload_retrying` waits for `upload_due_at`.
 * The phases, and the REST `state` of api.md as a plain function of them, are the `phase` column's values in
 * lib/db/schema/sessions.ts (the database derives the `state` column from the phase).
 */

export type LifecycleEvent =
  /** The speech engine cannot take it: it fails at once, with nothing to save. */
  | "engine_unavailable"
  /** Transcription stopped (last leave, host stop, 12-hour cut): the owner flushes and saves. */
  | "stop"
  /** A saver takes it: the owner right after the stop, the retry loop when due, or after a dead saver's claim ran out. */
  | "claim"
  | "saved"
  /** Nothing was ever transcribed (the microphone failed, nobody spoke): fails with nothing to save, no empty file. */
  | "nothing_said"
  | "upload_failed"
  /** The last upload attempt failed. */
  | "gave_up"
  | "admin_retry";

/** Why a move is refused; each maps to a status by its code, never by its text. */
export const LIFECYCLE_REFUSALS = {
  still_running: { status: 409, message: "This transcription is still running; it is saved when it stops." },
  already_saved: { status: 409, message: "This transcript is already saved." },
  nothing_to_save: { status: 409, message: "This transcription failed before there was anything to save." },
  not_failed: { status: 409, message: "This transcript is not failed: it is being saved, or its save is retried on its own." },
  not_allowed: { status: 409, message: "This transcription cannot do that now." },
} as const;
export type LifecycleRefusal = keyof typeof LIFECYCLE_REFUSALS;

type Rule = { from: readonly TranscriptionPhase[]; event: LifecycleEvent; to: TranscriptionPhase };

/** Every allowed move. Anything not here is refused. */
export const LIFECYCLE_RULES: readonly Rule[] = [
  { from: ["running"], event: "engine_unavailable", to: "start_failed" },
  { from: ["running"], event: "stop", to: "saving" },
  { from: ["saving", "upload_retrying"], event: "claim", to: "saving" },
  { from: ["saving"], event: "saved", to: "ready" },
  { from: ["saving"], event: "nothing_said", to: "start_failed" },
  { from: ["saving"], event: "upload_failed", to: "upload_retrying" },
  { from: ["saving"], event: "gave_up", to: "upload_failed" },
  // Only a failed save: one still retrying goes on by itself.
  { from: ["upload_failed"], event: "admin_retry", to: "saving" },
];

/** Why `event` is refused in `phase`, said in terms of the phase. */
const REFUSAL_IN_PHASE: Record<TranscriptionPhase, LifecycleRefusal> = {
  running: "still_running",
  ready: "already_saved",
  start_failed: "nothing_to_save",
  saving: "not_failed",
  upload_retrying: "not_failed",
  upload_failed: "not_allowed",
};

export type Transition = { to: TranscriptionPhase; refused?: undefined } | { to?: undefined; refused: LifecycleRefusal };

/** Where `event` takes a transcription in `phase`, or why it may not happen. */
export function transition(phase: TranscriptionPhase, event: LifecycleEvent): Transition {
  const rule = LIFECYCLE_RULES.find((r) => r.event === event && r.from.includes(phase));
  return rule ? { to: rule.to } : { refused: REFUSAL_IN_PHASE[phase] };
}

/** The phases `event` may move from: the database's guard for a move made in one UPDATE. */
export function phasesAllowing(event: LifecycleEvent): TranscriptionPhase[] {
  return LIFECYCLE_RULES.filter((r) => r.event === event).flatMap((r) => r.from);
}

/** The target of `event` (the same from every phase it is allowed in). */
export function phaseAfter(event: LifecycleEvent): TranscriptionPhase {
  const rule = LIFECYCLE_RULES.find((r) => r.event === event);
  if (!rule) throw new Error(`No lifecycle rule for ${event}`);
  return rule.to;
}
