// Drives one room session through the API: live listener, joins, concurrent audio streams, leaves; then waits for the transcript.
import { ApiError, type LiveSegment, type Transcription, type TranscriptionState, type VerbatimClient } from "./verbatim-client";

export type SessionParticipant = {
  participantId: string;
  displayName: string;
  /** A fresh paced audio stream for this participant (called once). */
  audio: () => ReadableStream<Uint8Array>;
};

export type SessionRun = {
  transcriptionId: string | null;
  /** Date.now() when the last participant's leave was sent (the moment "after the last leave" counts from). */
  lastLeftAt: number;
  /** Every live segment with performance.now() at arrival. */
  segments: { segment: LiveSegment; at: number }[];
  /** Stops listening to the live events (they keep coming until the transcript is saved). */
  stopLive(): void;
};

export type SessionOptions = {
  roomName: string;
  /** The host key: the first participant joins as host (needed for a manual trigger from a participant). */
  roomKey?: string;
  /** Manual trigger: start after the joins and stop before the leaves, with the API key. */
  manual: boolean;
  participants: SessionParticipant[];
  onSegment?: (segment: LiveSegment, at: number) => void;
  onState?: (transcription: TranscriptionState) => void;
  log?: (line: string) => void;
  /** Listen to the live events (default true). */
  live?: boolean;
};

function transcriptionIdIn(value: unknown): string | null {
  const v = value as { transcriptionId?: unknown; transcription?: { transcriptionId?: unknown } } | null;
  const id = v?.transcription?.transcriptionId ?? v?.transcriptionId;
  return typeof id === "string" && id ? id : null;
}

export async function runSession(client: VerbatimClient, opts: SessionOptions): Promise<SessionRun> {
  const log = opts.log ?? (() => {});
  const segments: SessionRun["segments"] = [];
  let transcriptionId: string | null = null;
  const note = (id: string | null) => {
    if (id && !transcriptionId) transcriptionId = id;
  };
  const liveAbort = new AbortController();
  let liveDone: Promise<void> = Promise.resolve();
  if (opts.live !== false) {
    const events = await client.openLive(opts.roomName, liveAbort.signal);
    liveDone = (async () => {
      try {
        for await (const event of events) {
          if (event.type === "segment") {
            const at = performance.now();
            segments.push({ segment: event.segment, at });
            opts.onSegment?.(event.segment, at);
          } else if (event.type === "state") {
            note(event.transcription.transcriptionId);
            opts.onState?.(event.transcription);
          }
        }
      } catch (error) {
        if (!liveAbort.signal.aborted) log(`Live events stopped: ${(error as Error).message}`);
      }
    })();
  }
  const joined: string[] = [];
  let lastLeftAt = Date.now();
  try {
    for (const [i, p] of opts.participants.entries()) {
      const answer = await client.join(opts.roomName, {
        participantId: p.participantId,
        displayName: p.displayName,
        ...(i === 0 && opts.roomKey ? { roomKey: opts.roomKey } : {}),
      });
      joined.push(p.participantId);
      note(transcriptionIdIn(answer));
      log(`${p.displayName} joined as ${answer.role}.`);
    }
    if (opts.manual) note(transcriptionIdIn(await client.startTranscription(opts.roomName)));
    // Every participant talks at once, each on their own track, as in a real meeting.
    const results = await Promise.allSettled(opts.participants.map((p) => client.streamAudio(opts.roomName, p.participantId, p.audio())));
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${opts.participants[i].displayName}: ${(r.reason as Error).message}`] : []));
    if (failed.length) throw new Error(`Audio streaming failed:\n  ${failed.join("\n  ")}`);
    if (opts.manual) note(transcriptionIdIn(await client.stopTranscription(opts.roomName)));
  } finally {
    for (const id of joined) {
      lastLeftAt = Date.now();
      await client.leave(opts.roomName, id).catch((e: Error) => log(`Leave of ${id} failed: ${e.message}`));
    }
  }
  if (!transcriptionId) {
    const list = await client.transcriptionsOfRoom(opts.roomName).catch(() => null);
    note(list?.[0]?.transcriptionId ?? null);
  }
  return {
    transcriptionId,
    lastLeftAt,
    segments,
    stopLive: () => {
      liveAbort.abort();
      void liveDone;
    },
  };
}

/** Polls GET /transcriptions/{id} until it is ready or failed; throws after `timeoutMs`. */
export async function waitForTranscription(client: VerbatimClient, id: string, opts: { timeoutMs: number; pollMs?: number; roomName?: string }): Promise<Transcription> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: Transcription | null = null;
  for (;;) {
    try {
      last = await client.transcription(id);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status < 500) throw error;
    }
    if (last && (last.state === "ready" || last.state === "failed")) return last;
    if (Date.now() > deadline) {
      throw new Error(
        last
          ? `Transcription ${id} is still ${last.state} after ${opts.timeoutMs / 1000} s`
          : `GET /api/v1/transcriptions/${id} answered 404 for ${opts.timeoutMs / 1000} s: this server has no transcriptions API or no such record`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 100));
  }
}
