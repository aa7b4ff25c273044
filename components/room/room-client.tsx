"use client";
// The room page's island: join with a name, stream the microphone as numbered chunks, follow the live transcript, leave
// (keeping the text on screen), download the transcript once saved; in embed mode, the same driven by <verbatim-room>.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { startedByHost, startsByItself, transcribesAtAll, type AutomaticStartTrigger } from "@/lib/start-triggers";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { MicIcon } from "@/components/ui/icons";
import { cn } from "@/components/ui/cn";
import { ChunkUploader, type UploaderStatus } from "./chunk-uploader";
import { LiveTranscript } from "./live-transcript";
import { ParticipantList, usePresentParticipants, useSessionClock } from "./presence";
import { MicrophoneError, startMicrophone, type Microphone } from "./microphone";
import { TranscribingIndicator } from "./transcribing-indicator";
import { useLiveRoom } from "./use-live-room";
import { NotTranscribedStatus, OffRecordBanner, OffRecordButton, TranscribeChoice, TranscriptionNotice } from "./privacy-controls";
import { PARTICIPANT_HEARTBEAT_MS } from "@/lib/session-timing";
import { EmbedCallError, useEmbedBridge, type EmbedEvent, type EmbedHandlers } from "./embed-bridge";
import { TranscriptDownloads, type DownloadLinks } from "./room-downloads";
import { initialRoomState, roomReducer, transcriptionChanges, type Ended, type MicState, type Participant, type TranscriptionChange } from "./room-state";

/** Embed mode (<verbatim-room>): the one origin to talk to (already checked against the account's list), and the element's choices. */
export type EmbedOptions = { parentOrigin: string; displayName: string; hideTranscript: boolean };

const NAME_KEY = "verbatim.displayName";
/** Well inside the server's idle timeout (lib/session-timing.ts). */
const HEARTBEAT_MS = PARTICIPANT_HEARTBEAT_MS;

async function apiError(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: string; details?: { message: string }[] };
    return body.details?.[0]?.message ?? body.error ?? `The server answered ${res.status}.`;
  } catch {
    return `The server answered ${res.status}.`;
  }
}

/** What the page says under each trigger that starts the transcription by itself. */
const automaticTexts: Record<AutomaticStartTrigger, { consent: string; howItRuns: string; waiting: string }> = {
  automatic: {
    consent: " when you join",
    howItRuns: "Transcription starts when the first person joins and stops when the last one leaves.",
    waiting: "Transcription is not running.",
  },
  "automatic-2nd-participant": {
    consent: " once two people are here",
    howItRuns: "Transcription starts when two people are present and stops when the last one leaves.",
    waiting: "Transcription starts when a second person joins.",
  },
};

/** What the embedding page hears of each move of the room's transcription. */
const transcriptionEvents: Record<TranscriptionChange, (before: LiveTranscriptionState, after: LiveTranscriptionState) => [EmbedEvent, unknown]> = {
  started: (_, after) => ["transcription-started", { transcriptionId: after.transcriptionId }],
  stopped: (before) => ["transcription-stopped", { transcriptionId: before.transcriptionId }],
  paused: (_, after) => ["transcription-paused", { transcriptionId: after.transcriptionId, since: after.offTheRecordSince }],
  resumed: (_, after) => ["transcription-resumed", { transcriptionId: after.transcriptionId }],
};

/** Thrown by joinAs: why the join did not happen, for the form and for join() of the embed. */
class JoinRefused extends Error {
  constructor(
    readonly code: "name_missing" | "name_too_long" | "refused" | "unreachable",
    message: string,
  ) {
    super(message);
  }
}

export function RoomClient({ roomName, displayRoomName, roomTitle, roomKey, hostKeyValid, initial, participantDownloads = false, embed = null }: {
  roomName: string;
  displayRoomName: string;
  /** The room's human name, when it has one. */
  roomTitle?: string | null;
  roomKey: string | null;
  hostKeyValid: boolean;
  initial: LiveTranscriptionState;
  /** Whether participants, not only the host, may download a finished transcript here. */
  participantDownloads?: boolean;
  embed?: EmbedOptions | null;
}) {
  const live = useLiveRoom(roomName, initial);
  const available = transcribesAtAll(live.transcription.startTrigger);
  const transcribing = live.transcription.state === "in_progress";
  const offRecordSince = transcribing ? live.transcription.offTheRecordSince : null;
  const base = `/api/v1/rooms/${encodeURIComponent(roomName)}`;

  const [name, setName] = useState("");
  /** The join form: what was typed or ticked in it before the page came alive is read from it on mount. */
  const joinForm = useRef<HTMLFormElement>(null);
  const [room, dispatch] = useReducer(roomReducer, initialRoomState);
  const { phase, ended, finished, lastToken } = room;
  // What the join form says (before joining, after leaving); this person's side of the room once in it.
  const form = phase.kind === "outside" ? phase : null;
  const inside = phase.kind === "inside" ? phase : null;
  const joined = inside?.me ?? null;
  const [level, setLevel] = useState(0);
  const [upload, setUpload] = useState<UploaderStatus>({ queued: 0, retrying: false, lastError: null });
  // Read by the audio callback between renders; the reducer's `muted` follows it.
  const mutedRef = useRef(false);
  /** The participant's own choice before joining: not transcribed at all (the microphone is never started). */
  const [optOut, setOptOut] = useState(false);
  /** Off the record: the page sends no audio meanwhile (the server drops any that arrives, before any engine). */
  const offRecordRef = useRef(false);
  offRecordRef.current = offRecordSince !== null;
  const controlsRef = useRef<HTMLDivElement>(null);
  const micRef = useRef<Microphone | null>(null);
  const uploaderRef = useRef<ChunkUploader | null>(null);
  const joinedRef = useRef<Participant | null>(null);
  // The embedding page's methods, as a table (a new method is one more entry here and in embed-bridge.ts).
  const handlers: EmbedHandlers = {
    // The participant token stays in the frame: the embedding page gets who joined, not the credential.
    join: () =>
      (joinedRef.current
        ? Promise.resolve(joinedRef.current)
        : joinAs(nameRef.current).catch((error: Error) => {
            throw new EmbedCallError(error instanceof JoinRefused ? error.code : "failed", error.message);
          })
      ).then(({ participantId, role, displayName }) => ({ participantId, role, displayName })),
    leave: async () => {
      leave("You left the room. Your part of the transcript is kept.");
    },
    startTranscription: () => hostCommand("start"),
    stopTranscription: () => hostCommand("stop"),
    pauseTranscription: () => offRecordCommand("pause"),
    resumeTranscription: () => offRecordCommand("resume"),
  };
  const bridge = useEmbedBridge(embed?.parentOrigin ?? null, handlers);
  const bridgeRef = useRef(bridge);
  bridgeRef.current = bridge;
  const nameRef = useRef(name);
  nameRef.current = name;

  useEffect(() => {
    // Embedded, the name comes from the element: a framed page's storage may be partitioned or refused.
    // A name typed and a choice ticked before the page came alive (hydration) are in the form but not in the state, and
    // the next render would undo them: take them in. A typed name wins over the one remembered from the last visit.
    const early = joinForm.current ? new FormData(joinForm.current) : null;
    if (early?.get("optOut")) setOptOut(true);
    if (embed) {
      setName(embed.displayName);
      return;
    }
    const typed = String(early?.get("displayName") ?? "");
    setName((current) => current || typed || (localStorage.getItem(NAME_KEY) ?? ""));
  }, [embed]);

  const stopAudio = useCallback(() => {
    micRef.current?.stop();
    micRef.current = null;
    uploaderRef.current?.stop();
    uploaderRef.current = null;
    setLevel(0);
  }, []);

  /** Leaves the room; `keepalive` lets the request outlive the page when it is closing. */
  const leave = useCallback(
    (reason: string | null, opts: { keepalive?: boolean } = {}) => {
      const me = joinedRef.current;
      stopAudio();
      joinedRef.current = null;
      dispatch({ type: "left", left: reason === null ? null : { text: reason, tone: "success" } });
      if (!me) return;
      bridgeRef.current.emit("left", { participantId: me.participantId, reason: reason === null ? "page_closed" : "left" });
      void fetch(`${base}/participants/${encodeURIComponent(me.participantId)}`, {
        method: "DELETE",
        headers: { "X-Participant-Token": me.participantToken },
        keepalive: opts.keepalive ?? false,
      }).catch(() => {});
    },
    [base, stopAudio],
  );

  const startAudio = useCallback(
    async (me: Participant) => {
      dispatch({ type: "micChanged", mic: { kind: "starting" } });
      const uploader = new ChunkUploader({
        chunkUrl: (seq) => `${base}/participants/${encodeURIComponent(me.participantId)}/audio/chunks/${seq}`,
        headers: () => ({ "X-Participant-Token": me.participantToken }),
        onStatus: setUpload,
        onFatal: (message) => {
          stopAudio();
          dispatch({ type: "micChanged", mic: { kind: "problem", problem: "server", message: `Your audio is no longer accepted: ${message}` } });
          bridgeRef.current.emit("error", { code: "audio_refused", message: `Your audio is no longer accepted: ${message}` });
        },
      });
      uploaderRef.current = uploader;
      try {
        const microphone = await startMicrophone((pcm, lvl) => {
          // Muted: nothing is sent, so nothing is heard or transcribed; the heartbeat keeps us in the room.
          if (mutedRef.current) return setLevel(0);
          if (offRecordRef.current) return setLevel(lvl);
          uploader.push(pcm);
          setLevel(lvl);
        });
        if (joinedRef.current !== me) {
          microphone.stop();
          return;
        }
        micRef.current = microphone;
        dispatch({ type: "micChanged", mic: { kind: "on" } });
      } catch (error) {
        uploader.stop();
        uploaderRef.current = null;
        const problem = error instanceof MicrophoneError ? error.problem : "failed";
        dispatch({ type: "micChanged", mic: { kind: "problem", problem, message: (error as Error).message } });
        bridgeRef.current.emit("error", { code: `microphone_${problem}`, message: (error as Error).message });
      }
    },
    [base, stopAudio],
  );

  // Closing the tab or navigating away leaves the room, so the session can end and the transcript be saved.
  useEffect(() => {
    const onPageHide = () => leave(null, { keepalive: true });
    window.addEventListener("pagehide", onPageHide);
    return () => window.removeEventListener("pagehide", onPageHide);
  }, [leave]);
  useEffect(() => () => stopAudio(), [stopAudio]);

  // "Still here", so a participant who is muted or has no microphone is not taken for a vanished one. When the server
  // has already let us go (asleep laptop, long network loss) or the session ended, say so and offer to join again.
  useEffect(() => {
    if (!joined) return;
    const timer = setInterval(async () => {
      try {
        const res = await fetch(`${base}/participants/${encodeURIComponent(joined.participantId)}/heartbeat`, {
          method: "POST",
          headers: { "X-Participant-Token": joined.participantToken },
        });
        if ((res.status === 404 || res.status === 409) && joinedRef.current === joined) {
          stopAudio();
          joinedRef.current = null;
          dispatch({ type: "left", left: { text: "You were disconnected from the room for too long. Join again to continue.", tone: "error" } });
          bridgeRef.current.emit("left", { participantId: joined.participantId, reason: "disconnected" });
        }
      } catch {
        // Offline for a moment: the next beat, or the audio, tries again.
      }
    }, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [joined, base, stopAudio]);

  /** Joins under `displayName`; throws JoinRefused with the reason (also shown on the page). */
  async function joinAs(rawName: string): Promise<Participant> {
    const displayName = rawName.trim();
    if (!displayName) {
      dispatch({ type: "nameRefused", message: "Enter your name so others know who is speaking" });
      throw new JoinRefused("name_missing", "Enter your name so others know who is speaking (or set the display-name attribute)");
    }
    if (displayName.length > 80) {
      dispatch({ type: "nameRefused", message: "Use at most 80 characters" });
      throw new JoinRefused("name_too_long", "Use at most 80 characters for the name");
    }
    dispatch({ type: "joinStarted" });
    try {
      let res: Response;
      try {
        res = await fetch(`${base}/participants`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ displayName, ...(roomKey ? { roomKey } : {}), ...(optOut ? { transcribe: false } : {}) }),
        });
      } catch (error) {
        throw new JoinRefused("unreachable", `Could not reach the server: ${(error as Error).message}`);
      }
      if (!res.ok) throw new JoinRefused("refused", res.status === 404 ? "This room no longer exists." : await apiError(res));
      const answer = (await res.json()) as { participantId: string; participantToken: string; role: "host" | "guest"; transcribed: boolean };
      if (!embed) localStorage.setItem(NAME_KEY, displayName);
      const me: Participant = { ...answer, displayName };
      joinedRef.current = me;
      mutedRef.current = false;
      dispatch({ type: "joined", me, at: Date.now() });
      // Not transcribed at one's request: the microphone is never opened, so no audio leaves the browser.
      if (available && me.transcribed) void startAudio(me);
      bridgeRef.current.emit("joined", { participantId: me.participantId, role: me.role, displayName });
      return me;
    } catch (error) {
      // A name problem is shown at the name field (above); the server's refusals and network trouble under the form.
      const said = error instanceof JoinRefused && (error.code === "refused" || error.code === "unreachable");
      dispatch({ type: "joinFailed", message: said ? error.message : null });
      throw error;
    }
  }

  async function join(event: React.FormEvent) {
    event.preventDefault();
    await joinAs(name).catch(() => {});
  }

  /**
   * The host's start or stop, and off the record and back (pause, resume); resolves with the room's transcription
   * state, or throws the server's reason. The embed calls these too.
   */
  async function command(action: "start" | "stop" | "pause" | "resume"): Promise<LiveTranscriptionState> {
    const me = joinedRef.current;
    if (!me) throw new EmbedCallError("not_joined", "Join the room first");
    dispatch({ type: "commandStarted" });
    try {
      let res: Response;
      try {
        res = await fetch(`${base}/transcription/${action}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Participant-Token": me.participantToken },
          body: JSON.stringify(roomKey ? { roomKey } : {}),
        });
      } catch (error) {
        throw new EmbedCallError("unreachable", `Could not reach the server: ${(error as Error).message}`);
      }
      if (!res.ok) {
        const code = res.status === 403 ? "not_allowed" : res.status === 409 ? "conflict" : "failed";
        throw new EmbedCallError(code, await apiError(res));
      }
      const { transcription } = (await res.json()) as { transcription: LiveTranscriptionState };
      dispatch({ type: "commandSucceeded" });
      return transcription;
    } catch (error) {
      dispatch({ type: "commandFailed", message: (error as Error).message });
      throw error;
    }
  }

  /** start/stopTranscription() of the embed: the reasons a call cannot work, before asking the server. */
  async function hostCommand(action: "start" | "stop") {
    const me = joinedRef.current;
    if (!me) throw new EmbedCallError("not_joined", "Join the room first (join())");
    if (me.role !== "host") throw new EmbedCallError("not_host", "Only the host can start and stop the transcription; open the room with the host link (hostRoomUrl)");
    const trigger = liveRef.current.transcription.startTrigger;
    if (!transcribesAtAll(trigger)) throw new EmbedCallError("not_available", "Transcription is not available in this room");
    if (!startedByHost(trigger)) {
      throw new EmbedCallError("automatic", "This room starts and stops the transcription by itself (its start trigger is automatic), so the host cannot start or stop it");
    }
    return { transcription: await command(action) };
  }
  /** pause/resumeTranscription() of the embed: off the record and back, for the host, under any trigger. */
  async function offRecordCommand(action: "pause" | "resume") {
    const me = joinedRef.current;
    if (!me) throw new EmbedCallError("not_joined", "Join the room first (join())");
    if (me.role !== "host") throw new EmbedCallError("not_host", "Only the host can take the transcription off the record; open the room with the host link (hostRoomUrl)");
    if (liveRef.current.transcription.state !== "in_progress") throw new EmbedCallError("not_running", "Nothing is being transcribed in this room right now");
    return { transcription: await command(action) };
  }
  const liveRef = useRef(live);
  liveRef.current = live;

  const trigger = live.transcription.startTrigger;
  const automatic = startsByItself(trigger) ? automaticTexts[trigger] : null;
  const isHost = joined?.role === "host";
  const commandBusy = inside?.command.kind === "busy";
  const commandError = inside?.command.kind === "refused" ? inside.command.message : null;
  const present = usePresentParticipants(base, joined !== null);
  const clock = useSessionClock(inside?.joinedAt ?? null);

  // The transcription stopping (the host, or the last person leaving) is said, with when; the text stays on screen.
  // Any move of it also makes a refused host command's reason stale ("already running"), so that goes.
  const previous = useRef(live.transcription);
  useEffect(() => {
    const before = previous.current;
    const after = live.transcription;
    previous.current = after;
    dispatch({ type: "transcriptionChanged", before, after, at: new Date() });
    for (const change of transcriptionChanges(before, after)) bridgeRef.current.emit(...transcriptionEvents[change](before, after));
  }, [live.transcription]);

  // Final lines go to the embedding page as they come (once each; the live stream may replay after a reconnect).
  const emittedSegments = useRef(new Set<string>());
  useEffect(() => {
    for (const s of live.finals) {
      if (emittedSegments.current.has(s.key)) continue;
      emittedSegments.current.add(s.key);
      bridgeRef.current.emit("segment", { participantId: s.participantId, speaker: s.displayName, text: s.text, startMs: s.startMs, endMs: s.endMs });
    }
  }, [live.finals]);

  // After Join, the keyboard lands on the controls (mute, leave), not back at the top of the page.
  useEffect(() => {
    if (joined) controlsRef.current?.querySelector<HTMLElement>("button")?.focus();
  }, [joined]);

  // Tells the embedding page the room is there (once), with what it can expect.
  useEffect(() => {
    bridgeRef.current.emit("ready", {
      roomName: displayRoomName,
      role: hostKeyValid ? "host" : "guest",
      startTrigger: initial.startTrigger,
      transcribing: initial.state === "in_progress",
    });
    // Once, on mount: the page's first state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const canDownload = hostKeyValid || (participantDownloads && lastToken !== null);
  const showTranscript = !embed?.hideTranscript;

  const toggleMute = () => {
    mutedRef.current = !mutedRef.current;
    dispatch({ type: "muteSet", muted: mutedRef.current });
    if (mutedRef.current) setLevel(0);
  };

  return (
    <div className={cn("mx-auto w-full max-w-3xl space-y-5 px-4", embed ? "py-4" : "py-8")}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-600 dark:text-zinc-400">Room</p>
          {roomTitle ? (
            <>
              <h1 className="truncate text-xl font-semibold" title={roomTitle}>
                {roomTitle}
              </h1>
              <p className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400">{displayRoomName}</p>
            </>
          ) : (
            <h1 className="truncate font-mono text-lg font-semibold" title={displayRoomName}>
              {displayRoomName}
            </h1>
          )}
        </div>
        <TranscribingIndicator active={transcribing} available={available} offRecord={offRecordSince !== null} />
      </div>

      {!available && (
        <Alert tone="info">Transcription is not available in this room. You can still join; nothing you say is transcribed.</Alert>
      )}
      {live.transcription.degraded && (
        <Alert tone="error">
          {live.transcription.degraded.message} Your audio waits in this page and is sent again by itself; nothing already transcribed is lost.
        </Alert>
      )}
      {live.connection === "reconnecting" && <Alert tone="info">Reconnecting to the live transcript…</Alert>}
      {live.connection === "closed" && <Alert tone="error">The live transcript is not available any more (the room may have been deleted). Reload the page to try again.</Alert>}

      {!inside ? (
        <Card className="p-6">
          <form ref={joinForm} onSubmit={join} className="space-y-4" noValidate>
            <div>
              <h2 className="text-base font-semibold">Join the room</h2>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                {!available
                  ? "Enter the name others will see."
                  : optOut
                    ? "You join without your microphone: nothing you say is transcribed. You can still follow the others' words."
                    : "Your microphone is streamed for live transcription and never recorded. Others in the room see what you say, under your name."}
              </p>
            </div>
            {roomKey && (
              hostKeyValid ? (
                <p className="text-sm"><Badge tone="brand">Host</Badge> <span className="text-zinc-600 dark:text-zinc-400">You join with the host link{startedByHost(trigger) ? " and can start and stop the transcription." : "."}</span></p>
              ) : (
                <Alert tone="error">This host link&apos;s key is not valid for this room; you will join as a guest.</Alert>
              )
            )}
            {automatic && (
              <Alert tone="warning" data-testid="consent-notice">
                <strong>Transcription starts by itself in this room</strong>
                {automatic.consent}. By joining you agree that what you say is
                turned into text, shown to the others and saved for the room&apos;s owners, unless you choose not to be transcribed below. Your voice is never recorded.
              </Alert>
            )}
            {available && !automatic && <TranscriptionNotice transcription={live.transcription} />}
            {form?.left && <Alert tone={form.left.tone}>{form.left.text}</Alert>}
            <Field label="Your name" name="displayName" autoComplete="name" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} error={form?.nameError ?? undefined} autoFocus />
            {available && <TranscribeChoice optOut={optOut} onChange={setOptOut} />}
            {form?.joinError && <Alert tone="error">{form.joinError}</Alert>}
            <Button type="submit" disabled={phase.kind === "joining"} className="w-full sm:w-auto">
              {phase.kind === "joining" ? "Joining…" : optOut ? "Join without being transcribed" : automatic ? "Agree and join" : "Join"}
            </Button>
          </form>
        </Card>
      ) : null}

      {offRecordSince && <OffRecordBanner since={offRecordSince} isHost={isHost} />}
      {ended && <EndedNotice ended={ended} isHost={isHost || hostKeyValid} joined={joined !== null} embedded={embed !== null} downloads={canDownload && ended.transcriptionId !== null} tracked={lastToken !== null && ended.transcriptionId !== null} />}

      {/* Everyone who was there learns when the transcript is saved; those allowed get its files. */}
      {(canDownload || lastToken !== null) &&
        finished.map((f) => (
          <TranscriptDownloads
            key={f.transcriptionId}
            base={base}
            transcriptionId={f.transcriptionId}
            endedAt={f.at}
            creds={{ participantToken: lastToken, roomKey: hostKeyValid ? roomKey : null }}
            mayDownload={canDownload}
            onReady={(links: DownloadLinks) => bridgeRef.current.emit("transcript-ready", links)}
          />
        ))}

      {!inside ? (
        // After leaving (or being let go), what was said stays readable.
        showTranscript && live.finals.length > 0 && (
          <Card>
            <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
              <h2 className="text-base font-semibold">Transcript</h2>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                What was said while this page was open.{" "}
                {transcribing ? "The transcription is still running; it is saved when the session ends." : "It is saved for the room's owners."}
              </p>
            </div>
            <LiveTranscript finals={live.finals} interims={live.interims} placeholder="" />
          </Card>
        )
      ) : (
        <Card>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-3 border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
            <div className="flex min-w-0 items-center gap-2">
              <span className="truncate font-medium" data-testid="me">{inside.me.displayName}</span>
              {isHost ? <Badge tone="brand">Host</Badge> : <Badge>Guest</Badge>}
              <span className="font-mono text-xs tabular-nums text-zinc-600 dark:text-zinc-400" title="Time since you joined" data-testid="session-timer">
                {clock}
              </span>
            </div>
            {inside.me.transcribed ? (
              <MicStatus mic={inside.mic} level={level} available={available} upload={upload} muted={inside.muted} offRecord={offRecordSince !== null} onRetry={() => void startAudio(inside.me)} />
            ) : (
              available && <NotTranscribedStatus />
            )}
            <div ref={controlsRef} className="ml-auto flex flex-wrap items-center gap-2">
              {available && inside.mic.kind === "on" && (
                <Button variant="secondary" aria-pressed={inside.muted} onClick={toggleMute}>
                  {inside.muted ? "Unmute" : "Mute"}
                </Button>
              )}
              {isHost && startedByHost(trigger) && (
                transcribing ? (
                  <Button variant="secondary" disabled={commandBusy} onClick={() => void command("stop").catch(() => {})}>Stop transcription</Button>
                ) : (
                  <Button disabled={commandBusy} onClick={() => void command("start").catch(() => {})}>Start transcription</Button>
                )
              )}
              {isHost && transcribing && <OffRecordButton offRecord={offRecordSince !== null} busy={commandBusy} onCommand={(a) => void command(a).catch(() => {})} />}
              <Button variant="danger" onClick={() => leave("You left the room. Your part of the transcript is kept.")}>Leave</Button>
            </div>
          </div>
          <ParticipantList participants={present} />
          {(commandError || (isHost && automatic)) && (
            <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
              {commandError ? (
                <Alert tone="error">{commandError}</Alert>
              ) : (
                <p className="text-xs text-zinc-500 dark:text-zinc-400">{automatic?.howItRuns}</p>
              )}
            </div>
          )}
          {inside.mic.kind === "problem" && (
            <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
              <Alert tone="error">
                <span className="font-semibold">{inside.mic.problem === "denied" ? "Microphone denied. " : inside.mic.problem === "server" ? "" : "Microphone problem. "}</span>
                {inside.mic.message}
              </Alert>
            </div>
          )}
          {showTranscript && <LiveTranscript
            finals={live.finals}
            interims={live.interims}
            placeholder={
              !available
                ? "Transcription is not available in this room."
                : offRecordSince
                  ? "Off the record: nothing is transcribed until the host puts it back on the record."
                  : transcribing
                  ? "Listening… the words appear here as people speak."
                  : automatic
                    ? automatic.waiting
                    : isHost
                      ? "Start the transcription when everyone is ready."
                      : "Waiting for the host to start the transcription."
            }
          />}
        </Card>
      )}
    </div>
  );
}

function MicStatus({ mic, level, available, upload, muted, offRecord, onRetry }: { mic: MicState; level: number; available: boolean; upload: UploaderStatus; muted: boolean; offRecord: boolean; onRetry: () => void }) {
  if (!available) return <span className="text-sm text-zinc-500">Microphone not used</span>;
  if (mic.kind === "starting") return <span className="text-sm text-zinc-500">Starting the microphone…</span>;
  if (mic.kind === "problem") {
    return mic.problem === "server" ? null : (
      <Button variant="secondary" onClick={onRetry}>
        <MicIcon className="size-4" /> Try the microphone again
      </Button>
    );
  }
  if (mic.kind === "off") return null;
  if (offRecord && !muted) {
    return (
      <span className="flex items-center gap-2 text-sm font-medium text-amber-800 dark:text-amber-300" data-testid="mic-off-record">
        <MicIcon className="size-4" /> Off the record: nothing you say is sent
      </span>
    );
  }
  if (muted) {
    return (
      <span className="flex items-center gap-2 text-sm font-medium text-amber-800 dark:text-amber-300" data-testid="mic-muted">
        <MicIcon className="size-4" /> Muted: nothing you say is sent
      </span>
    );
  }
  // Loudness on a log scale, so ordinary speech fills the meter visibly.
  const pct = Math.max(0, Math.min(100, ((20 * Math.log10(level + 1e-6) + 60) / 60) * 100));
  return (
    <div className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-300" data-testid="mic-on">
      <MicIcon className="size-4 text-emerald-600 dark:text-emerald-400" />
      <span>Microphone on</span>
      <span className="h-1.5 w-16 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <span className={cn("block h-full rounded-full bg-emerald-500 transition-[width] duration-200")} style={{ width: `${pct}%` }} />
      </span>
      {upload.retrying && <span className="text-xs text-amber-700 dark:text-amber-300">Connection trouble, retrying…</span>}
    </div>
  );
}

function EndedNotice({ ended, isHost, joined, embedded, downloads, tracked }: { ended: Ended; isHost: boolean; joined: boolean; embedded: boolean; downloads: boolean; tracked: boolean }) {
  const time = ended.at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return (
    <Alert tone="info" data-testid="transcription-ended">
      {ended.byHost && !isHost ? `The host stopped the transcription at ${time}.` : `The transcription stopped at ${time}.`}{" "}
      {joined ? "What was said so far stays on this page" : "The text stays on this page"}
      {downloads ? ", and you can download the transcript below once it is saved." : tracked ? "; below, you see when the transcript is saved for the room's owners." : ", and the transcript is being saved for the room's owners."}
      {isHost && !embedded && ended.transcriptionId && (
        <>
          {" "}
          <a href={`/transcriptions/${ended.transcriptionId}`} className="font-medium underline">
            Open it in the dashboard
          </a>{" "}
          (for people of the account).
        </>
      )}
    </Alert>
  );
}
