"use client";
// The room page's privacy controls: the plain notice before joining, the participant's own choice not to be
// transcribed, the host's off-the-record button, and the banner everyone sees while it is off the record.
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/**
 * Before joining a room where transcription is on or may start (any trigger but none): what happens to one's words.
 * Automatic rooms keep their consent notice (room-client); this covers a running or a host-started transcription.
 */
export function TranscriptionNotice({ transcription }: { transcription: LiveTranscriptionState }) {
  const running = transcription.state === "in_progress";
  return (
    <Alert tone={running ? "warning" : "info"} data-testid="transcription-notice">
      {running ? (
        <>
          <strong>Transcription is on in this room.</strong> What people say is turned into text, shown to everyone here and
          saved for the room&apos;s owners. No audio is recorded or kept.
        </>
      ) : (
        <>
          <strong>The host may start transcription while you are here.</strong> You will see a red dot when it is on: what
          people say is then turned into text, shown to everyone here and saved for the room&apos;s owners. No audio is kept.
        </>
      )}
    </Alert>
  );
}

/** The participant's own choice, made before joining: be transcribed, or not at all. */
export function TranscribeChoice({ optOut, onChange }: { optOut: boolean; onChange: (optOut: boolean) => void }) {
  return (
    <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          name="optOut"
          className="mt-0.5 size-4 shrink-0 accent-brand-600"
          checked={optOut}
          onChange={(e) => onChange(e.target.checked)}
          data-testid="opt-out"
        />
        <span>
          <span className="font-medium">Don&apos;t transcribe me</span>
          <span className="block text-zinc-600 dark:text-zinc-400">
            Your microphone is not used, so nothing you say reaches the transcription. You still see the live transcript of the
            others, and the saved transcript lists you as &ldquo;not transcribed at their request&rdquo;.
          </span>
        </span>
      </label>
    </div>
  );
}

/** Shown to a participant who joined not transcribed, where the microphone status would be. */
export function NotTranscribedStatus() {
  return (
    <span className="text-sm font-medium text-zinc-700 dark:text-zinc-300" data-testid="not-transcribed">
      Not transcribed, at your request: your microphone is off
    </span>
  );
}

/** The host's button: take the running transcription off the record, or back on it. */
export function OffRecordButton({ offRecord, busy, onCommand }: { offRecord: boolean; busy: boolean; onCommand: (action: "pause" | "resume") => void }) {
  return offRecord ? (
    <Button disabled={busy} onClick={() => onCommand("resume")} data-testid="resume-transcription">
      Back on the record
    </Button>
  ) : (
    <Button
      variant="secondary"
      disabled={busy}
      onClick={() => onCommand("pause")}
      title="Pause the transcription: nothing said until you resume is transcribed or saved"
      data-testid="pause-transcription"
    >
      Go off the record
    </Button>
  );
}

/** Everyone sees when the conversation is off the record, and since when. */
export function OffRecordBanner({ since, isHost }: { since: string; isHost: boolean }) {
  const time = new Date(since).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return (
    <Alert tone="warning" data-testid="off-record-banner">
      <strong>Off the record since {time}.</strong> Nothing said now is transcribed or saved; the transcript will show a
      gap. {isHost ? "Press “Back on the record” to go on." : "The host puts it back on the record."}
    </Alert>
  );
}
