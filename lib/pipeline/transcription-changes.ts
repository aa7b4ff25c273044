// Starting and stopping a transcription on the live side: the engine that takes a start, and what a change means for the session's runtime.
import type { Db } from "@/lib/db/client";
import { chooseSpeechEngine } from "@/lib/speech/status";
import { finalizeTranscription, holdFinalizeClaim } from "@/lib/pipeline/finalize";
import type { SessionRuntime } from "@/lib/pipeline/session/runtime";
import type { EngineReadiness, TranscriptionChange } from "@/lib/pipeline/session/sessions";
import { trackTask } from "@/lib/pipeline/tasks";

/** The engine that takes a transcription in `language` now (the first configured one that supports it and can run); the reason when none can. */
export async function engineReadiness(language: string): Promise<EngineReadiness> {
  const choice = await chooseSpeechEngine(language);
  return choice.ok ? { ok: true, engineId: choice.engine.id } : choice;
}

/** What a change means for the live side: start tracks, or stop them and save the transcript in the background. */
export function applyChange(rt: SessionRuntime | undefined, db: Db, change: TranscriptionChange | undefined) {
  if (!change) return;
  const t = change.transcription;
  if (change.kind === "started") rt?.startRunning(t);
  if (change.kind === "stopped") {
    trackTask(
      (async () => {
        await holdFinalizeClaim(db, t.id, rt?.stopRunning(t.id) ?? Promise.resolve());
        await finalizeTranscription(db, t.id, { force: true });
      })(),
    );
  }
}
