// The in-memory side of a live session on its owning instance: one engine stream per participant track, segments to the live bus and the database.
import { AudioFormatError, validatePcmChunk } from "@/lib/speech/pcm";
import type { SpeechEngine } from "@/lib/speech/types";
import { IngestError, TrackIngest, type ChunkResult } from "@/lib/pipeline/track-ingest";
import { publishLive, type LiveSegment } from "@/lib/pipeline/live/live-bus";
import type { Db } from "@/lib/db/client";
import { AppError, CodedError, RetryLaterError } from "@/lib/errors";
import { SegmentQueue, type SegmentQueueLimits } from "@/lib/pipeline/session/segment-queue";

/** The contract's cap on one browser chunk (a chunk is ≤ 1 s; 64 KiB leaves room for a slow timer). */
export const MAX_CHUNK_BYTES = 64 * 1024;

export type RuntimeRoom = { id: string; accountId: string; roomName: string };

/**
 * Where a track is in its life: "open" takes audio; "failed": its engine gave up (a participant's next audio opens a
 * fresh track); "ending": detached, its engine stream flushes its last words and they are stored (`error`: the
 * engine gave up meanwhile, already reported); "ended": done.
 */
type TrackState =
  | { kind: "open" }
  | { kind: "failed"; error: Error }
  | { kind: "ending"; done: Promise<void>; error?: Error }
  | { kind: "ended" };

type Track = {
  mode: "chunks" | "stream";
  transcriptionId: string;
  participantId: string;
  ingest: TrackIngest;
  /** Where this track's audio starts, in ms from the transcription's start. */
  offsetMs: number;
  /** Settles when every final segment of this track so far is stored (the session's queue writes them in order). */
  persisted: Promise<void>;
  /** The transcription's live sequence, shared by its tracks (finals still arrive after it stopped running). */
  liveSeq: LiveSeq;
  state: TrackState;
};

/** Whether the track takes audio (neither failed nor ending). */
const takesAudio = (track: Track) => track.state.kind === "open";

/** The engine gave up on the track: an open one fails; an ending one notes it (the error was reported once). */
function failTrack(track: Track, error: Error) {
  if (track.state.kind === "open") track.state = { kind: "failed", error };
  else if (track.state.kind === "ending") track.state.error ??= error;
}

export type ParticipantAudio = {
  participantId: string;
  displayName: string;
  breakoutGroup: string | null;
  /** Joined not transcribed at their request: their audio is dropped here, before any engine. */
  notTranscribed: boolean;
  /** Highest chunk sequence number seen on the current chunk track, whether transcribed or not (-1: none yet). */
  highestSeq: number;
  /**
   * Whether highestSeq is this client's numbering: false for a runtime rebuilt from the database (a restart, a lease
   * taken over), where a browser goes on from its own next number, which its first chunk tells.
   */
  seqKnown: boolean;
  track?: Track;
  streaming: boolean;
  /** Seen since this runtime was created by a recovery (a join, audio): the participant came back. */
  active: boolean;
  /** When the participant was last heard from (join, audio, heartbeat), by this runtime's clock. */
  lastSeenMs: number;
  /**
   * For a participant restored from the database (a restart, a lease taken over) who has not come back yet: the
   * session's last sign of life before this runtime existed. A leave for them counts from then.
   */
  restoredSeenMs?: number;
  /**
   * Where this participant's last final segment ended (ms into the running transcription): a new track starts no
   * earlier, so that after a take-over (restored from the database) or a catch-up the transcript keeps their order.
   */
  lastEndMs?: number;
  /**
   * Restored after a take-over: the chunk after the last one the previous owner made final. A client whose first
   * chunk here is later is asked once to send again from this one (what the dead owner heard but never finished).
   */
  resendFrom?: number;
};

type RunningTranscription = { id: string; startedAt: Date; language: string; engineId: string | null; vocabulary: string[] };
type Running = RunningTranscription & {
  tracks: Set<Track>;
  liveSeq: LiveSeq;
  /** Off the record (the host paused it): audio is dropped before any engine until it resumes. */
  offRecord: boolean;
};

/**
 * Numbers a transcription's finals for the live stream (their SSE ids): each is above the last one and at least the
 * clock in microseconds, so an instance that takes a transcription over (and starts from the highest stored number)
 * never reuses a number that the previous owner may still be writing.
 */
export class LiveSeq {
  constructor(private last = 0) {}
  next(nowMs = Date.now()): number {
    this.last = Math.max(this.last + 1, nowMs * 1000);
    return this.last;
  }
}

/**
 * The session moved to this instance (its owner died) and the previous owner had not made the participant's last
 * chunks final: send again from `resendFrom` (503, `code: resend_from`). A client that cannot simply retries the same
 * chunk, which is then taken.
 */
export class ResendFromError extends CodedError<"resend_from"> {
  constructor(
    readonly resendFrom: number,
    seq: number,
  ) {
    super(
      "resend_from",
      `This room's session moved to another server instance, which has your audio up to chunk ${resendFrom - 1}: send again from chunk ${resendFrom} (got ${seq}).`,
      503,
      { fields: { resendFrom }, retryAfterSeconds: 0 },
    );
    this.name = "ResendFromError";
  }
}

export type ChunkOutcome = ChunkResult | "not_transcribed";

export type RuntimeDeps = {
  db: () => Promise<Db>;
  /** The engine a transcription recorded when it started (null: one started before engines were recorded). */
  engine: (engineId: string | null, language: string) => SpeechEngine;
  /** A speech engine stream gave up (a refused key, a rate limit): the transcription must say so. */
  onEngineError?: (transcriptionId: string, error: Error) => void;
  /** Background work that tests and shutdown wait for. */
  track: (work: Promise<unknown>) => void;
  now?: () => number;
  /** Called when the session becomes degraded or recovers, so the room state can say so. */
  onDegradedChange?: (degraded: SessionDegraded | null) => void;
  segmentQueueLimits?: SegmentQueueLimits;
  /** A final segment was stored (the transcription.segment webhook batches them). */
  onSegmentStored?: () => void;
};

/** Why a session refuses new audio for now; shown in the room state and the dashboard. */
export type SessionDegraded = { reason: "database_unavailable" | "shutting_down"; message: string; since: string };

/** How soon a refused client should send audio again. */
const AUDIO_RETRY_AFTER_SECONDS = { database_unavailable: 10, shutting_down: 1 } as const;

/**
 * Its state is its own: the service and the sweeps act on it only through the methods below (join, leave, audio,
 * start/stop, restore after a restart, the recovery grace, close).
 */
export class SessionRuntime {
  private readonly participants = new Map<string, ParticipantAudio>();
  private running: Running | undefined;
  /** After a restart or a takeover: when participants who did not come back are let go. */
  private recoveryTimer: NodeJS.Timeout | undefined;
  /** Set when the runtime is dropped (session over, lease lost, or a simulated crash); audio after that is refused. */
  private closed = false;
  /** Final segments on their way to the database, in order; they survive a database outage in memory. */
  private readonly segments: SegmentQueue;
  private degradedSince: { reason: SessionDegraded["reason"]; since: Date } | undefined;
  /** Set by shutdown: new audio is refused while the engine streams flush. */
  private shuttingDown = false;

  constructor(
    readonly sessionId: string,
    readonly room: RuntimeRoom,
    private readonly deps: RuntimeDeps,
  ) {
    this.segments = new SegmentQueue({
      db: deps.db,
      limits: deps.segmentQueueLimits,
      label: `session ${sessionId}`,
      onChange: () => this.noticeDegraded(),
    });
  }

  /** Null while the session takes audio; else why it refuses new audio for now. */
  degraded(): SessionDegraded | null {
    if (!this.degradedSince) return null;
    const { reason, since } = this.degradedSince;
    const message =
      reason === "shutting_down"
        ? "This server is restarting; send the audio again shortly (another instance, or this one restarted, takes the session)."
        : `The database is unavailable: ${this.segments.size} final segment(s) wait in memory and new audio is refused until they are stored.`;
    return { reason, message, since: since.toISOString() };
  }

  private noticeDegraded() {
    const reason = this.shuttingDown ? "shutting_down" : this.segments.full ? "database_unavailable" : undefined;
    if (reason === this.degradedSince?.reason) return;
    this.degradedSince = reason ? { reason, since: new Date(this.now()) } : undefined;
    if (reason) console.warn(`Session ${this.sessionId} refuses new audio: ${this.degraded()!.message}`);
    this.deps.onDegradedChange?.(this.degraded());
  }

  /** Refuses new audio with 503 and Retry-After while the session cannot keep what it would recognize. */
  private assertTakingAudio() {
    this.noticeDegraded(); // the instance-wide bound moves with other sessions' queues too
    const degraded = this.degraded();
    if (degraded) throw new RetryLaterError("unavailable", degraded.message, AUDIO_RETRY_AFTER_SECONDS[degraded.reason], degraded.reason);
  }

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  /** Dropped: the session is over or driven elsewhere; audio and joins here are refused. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Drops the runtime from use (the session ended here): no flush, the tracks were stopped already. */
  close() {
    this.closed = true;
    clearTimeout(this.recoveryTimer);
  }

  /** Participants present in the session (for metrics). */
  get participantCount(): number {
    return this.participants.size;
  }

  /** Final segments waiting for the database. */
  get queuedSegmentCount(): number {
    return this.segments.size;
  }

  /**
   * A participant the database says is present, rebuilt after a restart or a takeover: not active until they send a
   * sign of life; a leave for them counts from `lastAliveMs`, the session's last sign of life before this runtime.
   */
  restoreParticipant(p: Parameters<SessionRuntime["upsertParticipant"]>[0], lastAliveMs: number) {
    this.upsertParticipant(p, { rejoin: false });
    const restored = this.participants.get(p.participantId)!;
    restored.active = false;
    restored.restoredSeenMs = lastAliveMs;
  }

  /** Runs `expire` after `graceMs` (once, replacing an earlier one), unless the runtime is closed or flushed first. */
  expireAbsentAfter(graceMs: number, expire: () => void) {
    clearTimeout(this.recoveryTimer);
    this.recoveryTimer = setTimeout(expire, graceMs);
    this.recoveryTimer.unref?.();
  }

  /** Restored participants who have not come back since this runtime was rebuilt. */
  absentSinceRestore(): string[] {
    return [...this.participants.values()].filter((p) => !p.active).map((p) => p.participantId);
  }

  /** Adds or updates a present participant; a join restarts their chunk numbering (a reloaded page starts at 0 again). */
  upsertParticipant(
    p: { participantId: string; displayName: string; breakoutGroup: string | null; notTranscribed: boolean },
    opts: { rejoin: boolean },
  ) {
    const existing = this.participants.get(p.participantId);
    if (!existing) {
      this.participants.set(p.participantId, { ...p, highestSeq: -1, seqKnown: opts.rejoin, streaming: false, active: true, lastSeenMs: this.now() });
      return;
    }
    this.markSeen(existing);
    existing.displayName = p.displayName;
    existing.notTranscribed = p.notTranscribed;
    // Opted out on a new join: the engine stream they had ends now (what it already heard is kept).
    if (p.notTranscribed && existing.track) this.detachTrack(existing);
    const intoBreakout = p.breakoutGroup !== null && existing.breakoutGroup === null;
    existing.breakoutGroup = p.breakoutGroup;
    if (opts.rejoin || intoBreakout) {
      if (existing.track?.mode === "chunks" || intoBreakout) this.detachTrack(existing);
      if (opts.rejoin) {
        existing.highestSeq = -1;
        existing.seqKnown = true;
      }
    }
  }

  /** A sign of life without audio (a muted browser, a media server between streams). */
  heartbeat(participantId: string) {
    this.markSeen(this.present(participantId));
  }

  /**
   * Participants not heard from for `idleMs`: their client vanished without leaving (a crashed browser, a lost
   * network). One who is sending a stream is never idle: the open request is the sign of life.
   */
  idleParticipants(idleMs: number, now = this.now()): string[] {
    const cutoff = now - idleMs;
    return [...this.participants.values()].filter((p) => !p.streaming && p.lastSeenMs <= cutoff).map((p) => p.participantId);
  }

  private markSeen(p: ParticipantAudio) {
    p.active = true;
    p.restoredSeenMs = undefined;
    p.lastSeenMs = this.now();
  }

  /** When a participant was last heard from, for a leave made on their behalf (idle, or never back after a restart). */
  lastSignOfLifeMs(participantId: string): number | undefined {
    const p = this.participants.get(participantId);
    if (!p) return undefined;
    return p.restoredSeenMs ?? p.lastSeenMs;
  }

  participantLeft(participantId: string) {
    const p = this.participants.get(participantId);
    if (!p) return;
    this.detachTrack(p);
    this.participants.delete(participantId);
  }

  /**
   * `lastLiveSeq`: the highest live sequence number already stored for it, and `offRecord`: it is paused (a runtime
   * rebuilt from the database).
   */
  startRunning(t: RunningTranscription & { lastLiveSeq?: number; offRecord?: boolean }) {
    if (this.running?.id === t.id) return;
    const { id, startedAt, language, engineId, vocabulary } = t;
    this.running = { id, startedAt, language, engineId, vocabulary, tracks: new Set(), liveSeq: new LiveSeq(t.lastLiveSeq ?? 0), offRecord: t.offRecord ?? false };
  }

  /**
   * A restored participant's next track starts after what the previous owner stored of them (`lastEndMs`); with
   * `resendFrom`, their browser is asked once to send again from that chunk.
   */
  continueAfter(participantId: string, last: { lastEndMs: number; resendFrom?: number }) {
    const p = this.participants.get(participantId);
    if (!p) return;
    p.lastEndMs = last.lastEndMs;
    if (last.resendFrom !== undefined) p.resendFrom = last.resendFrom;
  }

  /**
   * Off the record: from now on every participant's audio is dropped before any engine. The engine streams end, so
   * the words spoken before the pause become final segments; resolves once they are stored.
   */
  async pauseRunning(transcriptionId: string): Promise<void> {
    const running = this.running;
    if (!running || running.id !== transcriptionId) return;
    running.offRecord = true;
    for (const p of this.participants.values()) if (p.track?.transcriptionId === transcriptionId) this.detachTrack(p);
    await Promise.all([...running.tracks].map((t) => this.endTrack(t)));
  }

  /**
   * Stops audio reaching the engines at once, before a pause is recorded in the database (so nothing said while it
   * commits slips through). Returns the undo for a pause that is then refused.
   */
  holdForPause(): () => void {
    const running = this.running;
    if (!running || running.offRecord) return () => {};
    running.offRecord = true;
    return () => {
      if (this.running === running) running.offRecord = false;
    };
  }

  /** Back on the record: the next audio opens fresh engine streams, placed at their true time in the transcription. */
  resumeRunning(transcriptionId: string) {
    if (this.running?.id === transcriptionId) this.running.offRecord = false;
  }

  /** Whether this participant's audio may reach an engine now. */
  private transcribes(p: ParticipantAudio): boolean {
    return !!this.running && !this.running.offRecord && p.breakoutGroup === null && !p.notTranscribed;
  }

  /** Detaches every track of the transcription and resolves once their last final segments are stored. */
  async stopRunning(transcriptionId: string): Promise<void> {
    const running = this.running;
    if (!running || running.id !== transcriptionId) return;
    this.running = undefined;
    for (const p of this.participants.values()) if (p.track?.transcriptionId === transcriptionId) p.track = undefined;
    await Promise.all([...running.tracks].map((t) => this.endTrack(t)));
  }

  /**
   * Drops all live state without flushing: what a crash does (tests), or a lease lost to another instance. With
   * `keepQueuedSegments`, final segments already accepted are still written (the lease moved, the words did not).
   */
  abandon(opts: { keepQueuedSegments?: boolean } = {}) {
    this.closed = true;
    clearTimeout(this.recoveryTimer);
    const running = this.running;
    this.running = undefined;
    for (const t of running?.tracks ?? []) {
      failTrack(t, new Error("abandoned"));
      t.ingest.abort();
    }
    if (!opts.keepQueuedSegments) this.segments.drop();
    this.participants.clear();
  }

  /**
   * Shutdown: refuses new audio from now on (503, `shutting_down`), ends every engine stream so its last words become
   * final segments, and resolves once they and everything queued before are stored.
   */
  async flushForShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.noticeDegraded();
    clearTimeout(this.recoveryTimer);
    for (const p of this.participants.values()) if (p.track) this.detachTrack(p);
    await Promise.all([...(this.running?.tracks ?? [])].map((t) => this.endTrack(t)));
    await this.segments.drained();
  }

  /** One numbered chunk from a browser. */
  async acceptChunk(participantId: string, seq: number, pcm: Buffer): Promise<ChunkOutcome> {
    const p = this.present(participantId);
    this.markSeen(p);
    if (!Number.isSafeInteger(seq) || seq < 0) throw new IngestError("bad_sequence", `The chunk sequence number must be a whole number ≥ 0, got ${seq}.`);
    validatePcmChunk(pcm, { maxBytes: MAX_CHUNK_BYTES });
    this.assertTakingAudio();
    if (p.streaming || p.track?.mode === "stream") {
      throw new IngestError("wrong_mode", "This participant's audio arrives as a stream; do not also send numbered chunks.");
    }
    if (!this.transcribes(p)) {
      // Not transcribed (no transcription running, off the record, a breakout group, or the participant's own choice):
      // the audio is dropped here at once, never kept and never sent to an engine.
      if (seq <= p.highestSeq) return "duplicate";
      p.highestSeq = seq;
      p.seqKnown = true;
      return "not_transcribed";
    }
    let track = p.track;
    if (track && !takesAudio(track)) {
      this.detachTrack(p);
      track = undefined;
    }
    if (!track && !p.seqKnown && p.resendFrom !== undefined) {
      const from = p.resendFrom;
      p.resendFrom = undefined; // asked once: a client that does not resend goes on from its next chunk
      if (seq > from) throw new ResendFromError(from, seq);
    }
    track ??= this.openTrack(p, "chunks", p.seqKnown ? p.highestSeq + 1 : seq);
    p.seqKnown = true;
    const result = await track.ingest.acceptChunk(seq, pcm);
    if (result === "accepted" || result === "held") p.highestSeq = Math.max(p.highestSeq, seq);
    return result;
  }

  /**
   * One long body of PCM from a media server. Read only as fast as the engine takes it (backpressure); while nothing
   * is transcribed (no transcription, breakout group) the audio is read and dropped. A transcription that starts
   * mid-stream picks the stream up from there.
   */
  async acceptStream(participantId: string, body: ReadableStream<Uint8Array>): Promise<{ receivedBytes: number; transcribedBytes: number }> {
    const p = this.present(participantId);
    this.markSeen(p);
    if (p.streaming) throw new IngestError("wrong_mode", "This participant is already sending a stream.");
    this.assertTakingAudio();
    if (p.track && p.track.mode === "chunks" && takesAudio(p.track)) {
      throw new IngestError("wrong_mode", "This participant's audio arrives as numbered chunks; do not also send a stream.");
    }
    p.streaming = true;
    const reader = body.getReader();
    let carry: Buffer | undefined;
    let receivedBytes = 0;
    let transcribedBytes = 0;
    let pending: Buffer | undefined;
    let finished = false;
    // Whole samples only, so a stream can move from one track to the next at any piece.
    const take = async (): Promise<Buffer | undefined> => {
      if (pending) {
        const piece = pending;
        pending = undefined;
        return piece;
      }
      while (!finished) {
        // Checked before each read: what was read is fed on; what is refused stays with the sender.
        this.assertTakingAudio();
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return undefined;
        }
        receivedBytes += value.byteLength;
        let buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (carry) {
          buf = Buffer.concat([carry, buf]);
          carry = undefined;
        }
        if (buf.length % 2 === 1) {
          carry = Buffer.from(buf.subarray(buf.length - 1));
          buf = buf.subarray(0, buf.length - 1);
        }
        if (buf.length > 0) return buf;
      }
      return undefined;
    };
    try {
      for (;;) {
        if (this.closed) throw new AppError("unavailable", "The session's live state was dropped on this instance; send the stream again.");
        const piece = await take();
        if (!piece) break;
        if (!this.transcribes(p) || !this.participants.has(participantId)) continue;
        let track = p.track;
        if (track && !takesAudio(track)) {
          this.detachTrack(p);
          track = undefined;
        }
        const current = track ?? this.openTrack(p, "stream", 0);
        pending = piece;
        const participants = this.participants;
        const transcribes = () => this.transcribes(p);
        async function* feed() {
          for (;;) {
            if (p.track !== current || !takesAudio(current) || !participants.has(participantId) || !transcribes()) return;
            const next = await take();
            if (!next) return;
            // Read while going off the record: dropped here, never written to the engine.
            if (!transcribes()) return;
            yield next;
          }
        }
        try {
          transcribedBytes += (await current.ingest.pipeStream(feed())).bytes;
        } catch (error) {
          if (error instanceof IngestError && error.code === "ended") continue;
          if (error instanceof RetryLaterError) throw error;
          if (error instanceof IngestError || error instanceof AudioFormatError) throw error;
          // The engine gave up on this track; the next piece opens a fresh stream.
          failTrack(current, error as Error);
        }
      }
      if (carry) throw new AudioFormatError("odd_length", `The audio stream ended after ${receivedBytes} bytes; 16-bit PCM needs an even number.`);
      return { receivedBytes, transcribedBytes };
    } finally {
      p.streaming = false;
      p.lastSeenMs = this.now(); // idle time counts from the end of the stream
      await reader.cancel().catch(() => {});
      // The track ends with its stream, so the last utterance is recognized now rather than at the next stream.
      if (p.track?.mode === "stream") this.detachTrack(p);
    }
  }

  private present(participantId: string): ParticipantAudio {
    if (this.closed) throw new AppError("unavailable", "The session's live state was dropped on this instance; join again.");
    const p = this.participants.get(participantId);
    if (!p) throw new AppError("not_found", `Participant "${participantId}" is not in this room's session; join first.`);
    return p;
  }

  private openTrack(p: ParticipantAudio, mode: Track["mode"], firstSeq: number): Track {
    const running = this.running!;
    let stream;
    try {
      stream = this.deps.engine(running.engineId, running.language).open({ language: running.language, vocabulary: running.vocabulary });
    } catch (error) {
      throw new AppError("unavailable", `The speech engine could not open a stream: ${(error as Error).message}`);
    }
    const track: Track = {
      mode,
      transcriptionId: running.id,
      participantId: p.participantId,
      ingest: new TrackIngest(stream, mode === "chunks" ? { firstSeq, maxChunkBytes: MAX_CHUNK_BYTES } : {}),
      offsetMs: Math.max(0, this.now() - running.startedAt.getTime(), p.lastEndMs ?? 0),
      persisted: Promise.resolve(),
      liveSeq: running.liveSeq,
      state: { kind: "open" },
    };
    const displayName = p.displayName;
    stream.onSegment((s) => {
      const segment: LiveSegment = {
        participantId: p.participantId,
        displayName,
        startMs: Math.round(track.offsetMs + s.startMs),
        endMs: Math.round(track.offsetMs + s.endMs),
        text: s.text,
        final: s.final,
      };
      if (!s.final) return publishLive(this.room.id, { type: "segment", data: segment, transcriptionId: track.transcriptionId });
      p.lastEndMs = Math.max(p.lastEndMs ?? 0, segment.endMs);
      const seq = track.liveSeq.next();
      let settle!: (stored: boolean) => void;
      const stored = new Promise<boolean>((resolve) => (settle = resolve));
      const endSeq = track.ingest.seqAtMs(s.endMs);
      track.persisted = this.persistSegment(track.transcriptionId, segment, seq, settle, endSeq);
      publishLive(this.room.id, { type: "segment", data: segment, transcriptionId: track.transcriptionId, seq }, stored);
    });
    stream.onError((error) => {
      failTrack(track, error);
      this.deps.onEngineError?.(track.transcriptionId, error);
      console.error(`Speech engine stream failed for participant ${p.participantId} in session ${this.sessionId}: ${error.message}`);
    });
    running.tracks.add(track);
    p.track = track;
    return track;
  }

  private detachTrack(p: ParticipantAudio) {
    const track = p.track;
    p.track = undefined;
    if (track) this.deps.track(this.endTrack(track));
  }

  /** Ends the track's engine stream and resolves once its last final segments are stored; once per track. */
  private endTrack(track: Track): Promise<void> {
    if (track.state.kind === "ending") return track.state.done;
    if (track.state.kind === "ended") return Promise.resolve();
    const ending: Extract<TrackState, { kind: "ending" }> = { kind: "ending", done: Promise.resolve(), error: track.state.kind === "failed" ? track.state.error : undefined };
    track.state = ending;
    ending.done = (async () => {
      try {
        await track.ingest.end();
      } catch (error) {
        if (!ending.error) console.error(`Ending a speech track failed (session ${this.sessionId}): ${(error as Error).message}`);
      }
      await track.persisted;
      track.state = { kind: "ended" };
      // Done: the transcription no longer needs it (a long session would otherwise keep every ended track).
      if (this.running?.id === track.transcriptionId) this.running.tracks.delete(track);
    })();
    return ending.done;
  }

  /**
   * Queues a final segment for the database at once (a crash loses at most the utterance being spoken); the queue
   * writes in order and keeps it through a database outage. Resolves once it is stored.
   */
  private persistSegment(transcriptionId: string, s: LiveSegment, liveSeq: number, onSettled: (stored: boolean) => void, endSeq?: number): Promise<void> {
    const stored = this.segments.enqueue(
      {
        accountId: this.room.accountId,
        transcriptionId,
        participantId: s.participantId,
        displayName: s.displayName,
        startMs: Math.max(0, s.startMs),
        endMs: Math.max(0, s.endMs),
        text: s.text,
        liveSeq,
        endSeq: endSeq ?? null,
      },
      onSettled,
    );
    return stored.then(() => this.deps.onSegmentStored?.());
  }
}
