import { describe, expect, it } from "vitest";
import { STATE_OF_PHASE, TRANSCRIPTION_PHASES, type TranscriptionPhase } from "@/lib/db/schema";
import { transition, type LifecycleEvent } from "./lifecycle";

const EVENTS: LifecycleEvent[] = ["engine_unavailable", "stop", "claim", "saved", "nothing_said", "upload_failed", "gave_up", "admin_retry"];

// Written out by hand: every phase × event, the phase it leads to or the refusal (its code decides the status).
const TABLE: Record<TranscriptionPhase, Record<LifecycleEvent, string>> = {
  running: { engine_unavailable: "start_failed", stop: "saving", claim: "!still_running", saved: "!still_running", nothing_said: "!still_running", upload_failed: "!still_running", gave_up: "!still_running", admin_retry: "!still_running" },
  saving: { engine_unavailable: "!not_failed", stop: "!not_failed", claim: "saving", saved: "ready", nothing_said: "start_failed", upload_failed: "upload_retrying", gave_up: "upload_failed", admin_retry: "!not_failed" },
  upload_retrying: { engine_unavailable: "!not_failed", stop: "!not_failed", claim: "saving", saved: "!not_failed", nothing_said: "!not_failed", upload_failed: "!not_failed", gave_up: "!not_failed", admin_retry: "!not_failed" },
  ready: { engine_unavailable: "!already_saved", stop: "!already_saved", claim: "!already_saved", saved: "!already_saved", nothing_said: "!already_saved", upload_failed: "!already_saved", gave_up: "!already_saved", admin_retry: "!already_saved" },
  start_failed: { engine_unavailable: "!nothing_to_save", stop: "!nothing_to_save", claim: "!nothing_to_save", saved: "!nothing_to_save", nothing_said: "!nothing_to_save", upload_failed: "!nothing_to_save", gave_up: "!nothing_to_save", admin_retry: "!nothing_to_save" },
  upload_failed: { engine_unavailable: "!not_allowed", stop: "!not_allowed", claim: "!not_allowed", saved: "!not_allowed", nothing_said: "!not_allowed", upload_failed: "!not_allowed", gave_up: "!not_allowed", admin_retry: "saving" },
};

describe("transcription lifecycle", () => {
  it.each(TRANSCRIPTION_PHASES.flatMap((phase) => EVENTS.map((event) => ({ phase, event, cell: TABLE[phase][event] }))))(
    "$phase + $event → $cell",
    ({ phase, event, cell }) => {
      expect(transition(phase, event)).toEqual(cell.startsWith("!") ? { refused: cell.slice(1) } : { to: cell });
    },
  );

  it("keeps api.md's three states", () => {
    expect(new Set(Object.values(STATE_OF_PHASE))).toEqual(new Set(["in_progress", "ready", "failed"]));
    expect(STATE_OF_PHASE.upload_retrying).toBe("in_progress");
    expect(STATE_OF_PHASE.upload_failed).toBe("failed");
  });
});
