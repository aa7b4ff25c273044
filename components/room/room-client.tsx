"use client";
// The room page's island: join with a name, stream the microphone as numbered chunks, follow the live transcript, leave
// (keeping the text on screen), download the transcript once saved; in embed mode, the same driven by <verbatim-room>.
import { useCallback, useEffect, useRef, useState } from "react";
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
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
import { EmbedCallError, useEmbedBridge, type EmbedHandlers } from "./embed-bridge";
import { TranscriptDownloads, type DownloadLinks } from "./room-downloads";

/** Embed mode (<verbatim-room>): the one origin to talk to (already checked against the account's list), and the element's choices. */
export type EmbedOptions = { parentOrigin: string; displayName: string; hideTranscript: boolean };

type Joined = { participantId: string; participantToken: string; role: "host" | "guest"; displayName: string; transcribed: boolean };
type MicState = { kind: "off" } | { kind: "starting" } | { kind: "on" } | { kind: "problem"; problem: string; message: string };

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

/** A notice about the transcription ending, kept until the next join. */
type Ended = { at: Date; transcriptionId: string | null; byHost: boolean };

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
  const available = live.transcription.startTrigger !== "none";
  const transcribing = live.transcription.state === "in_progress";
  const offRecordSince = transcribing ? live.transcription.offTheRecordSince : null;
  const base = `/api/v1/rooms/${encodeURIComponent(roomName)}`;

  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string>();
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string>();
  const [joined, setJoined] = useState<Joined | null>(null);
  const [left, setLeft] = useState<{ text: string; tone: "success" | "error" } | null>(null);
  const [mic, setMic] = useState<MicState>({ kind: "off" });
  const [level, setLevel] = useState(0);
  const [upload, setUpload] = useState<UploaderStatus>({ queued: 0, retrying: false, lastError: null });
  const [commandError, setCommandError] = useState<string>();
  const [commandBusy, setCommandBusy] = useState(false);
  const [muted, setMuted] = useState(false);
  const mutedRef = useRef(false);
  /** The participant's own choice before joining: not transcribed at all (the microphone is never started). */
  const [optOut, setOptOut] = useState(false);
  /** Off the record: the page sends no audio meanwhile (the server drops any that arrives, before any engine). */
  const offRecordRef = useRef(false);
  offRecordRef.current = offRecordSince !== null;
  const [ended, setEnded] = useState<Ended | null>(null);
  const [joinedAt, setJoinedAt] = useState<number | null>(null);
  const controlsRef = useRef<HTMLDivElement>(null);
  const micRef = useRef<Microphone | null>(null);
  const uploaderRef = useRef<ChunkUploader | null>(null);
  const joinedRef = useRef<Joined | null>(null);
  // The last participant token of this page, kept after leaving: it still proves presence in that session, for downloads.
  const [lastToken, setLastToken] = useState<string | null>(null);
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
  /** Transcriptions that ended while this page was open, newest last: each gets its downloads once saved. */
  const [finished, setFinished] = useState<{ transcriptionId: string; at: Date }[]>([]);

  useEffect(() => {
    // Embedded, the name comes from the element: a framed page's storage may be partitioned or refused.
    setName(embed ? embed.displayName : (localStorage.getItem(NAME_KEY) ?? ""));
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
      setJoined(null);
      setMic({ kind: "off" });
      if (reason !== null) setLeft({ text: reason, tone: "success" });
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
    async (me: Joined) => {
      setMic({ kind: "starting" });
      const uploader = new ChunkUploader({
        chunkUrl: (seq) => `${base}/participants/${encodeURIComponent(me.participantId)}/audio/chunks/${seq}`,
        headers: () => ({ "X-Participant-Token": me.participantToken }),
        onStatus: setUpload,
        onFatal: (message) => {
          stopAudio();
          setMic({ kind: "problem", problem: "server", message: `Your audio is no longer accepted: ${message}` });
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
        setMic({ kind: "on" });
      } catch (error) {
        uploader.stop();
        uploaderRef.current = null;
        const problem = error instanceof MicrophoneError ? error.problem : "failed";
        setMic({ kind: "problem", problem, message: (error as Error).message });
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
          setJoined(null);
          setMic({ kind: "off" });
          setLeft({ text: "You were disconnected from the room for too long. Join again to continue.", tone: "error" });
          bridgeRef.current.emit("left", { participantId: joined.participantId, reason: "disconnected" });
        }
      } catch {
        // Offline for a moment: the next beat, or the audio, tries again.
      }
    }, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [joined, base, stopAudio]);

  /** Joins under `displayName`; throws JoinRefused with the reason (also shown on the page). */
  async function joinAs(rawName: string): Promise<Joined> {
    const displayName = rawName.trim();
    if (!displayName) {
      setNameError("Enter your name so others know who is speaking");
      throw new JoinRefused("name_missing", "Enter your name so others know who is speaking (or set the display-name attribute)");
    }
    if (displayName.length > 80) {
      setNameError("Use at most 80 characters");
      throw new JoinRefused("name_too_long", "Use at most 80 characters for the name");
    }
    setNameError(undefined);
    setJoinError(undefined);
    setLeft(null);
    setJoining(true);
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
      const me: Joined = { ...answer, displayName };
      joinedRef.current = me;
      mutedRef.current = false;
      setMuted(false);
      setEnded(null);
      setJoinedAt(Date.now());
      setJoined(me);
      setLastToken(me.participantToken);
      // Not transcribed at one's request: the microphone is never opened, so no audio leaves the browser.
      if (available && me.transcribed) void startAudio(me);
      bridgeRef.current.emit("joined", { participantId: me.participantId, role: me.role, displayName });
      return me;
    } catch (error) {
      // A name problem is shown at the name field; the server's refusals and network trouble under the form.
      if (error instanceof JoinRefused && (error.code === "refused" || error.code === "unreachable")) setJoinError(error.message);
      throw error;
    } finally {
      setJoining(false);
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
    setCommandBusy(true);
    setCommandError(undefined);
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
      return ((await res.json()) as { transcription: LiveTranscriptionState }).transcription;
    } catch (error) {
      setCommandError((error as Error).message);
      throw error;
    } finally {
      setCommandBusy(false);
    }
  }

  /** start/stopTranscription() of the embed: the reasons a call cannot work, before asking the server. */
  async function hostCommand(action: "start" | "stop") {
    const me = joinedRef.current;
    if (!me) throw new EmbedCallError("not_joined", "Join the room first (join())");
    if (me.role !== "host") throw new EmbedCallError("not_host", "Only the host can start and stop the transcription; open the room with the host link (hostRoomUrl)");
    const current = liveRef.current.transcription;
    if (current.startTrigger === "none") throw new EmbedCallError("not_available", "Transcription is not available in this room");
    if (current.startTrigger !== "manual") {
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
  const isHost = joined?.role === "host";
  const present = usePresentParticipants(base, joined !== null);
  const clock = useSessionClock(joinedAt);

  // The transcription stopping (the host, or the last person leaving) is said, with when; the text stays on screen.
  const previous = useRef(live.transcription);
  useEffect(() => {
    const before = previous.current;
    previous.current = live.transcription;
    if (before.state === "in_progress" && live.transcription.state !== "in_progress") {
      const at = new Date();
      setEnded({ at, transcriptionId: before.transcriptionId, byHost: before.startTrigger === "manual" });
      const id = before.transcriptionId;
      if (id) setFinished((all) => (all.some((f) => f.transcriptionId === id) ? all : [...all, { transcriptionId: id, at }]));
      bridgeRef.current.emit("transcription-stopped", { transcriptionId: id });
    }
    if (before.state !== "in_progress" && live.transcription.state === "in_progress") {
      bridgeRef.current.emit("transcription-started", { transcriptionId: live.transcription.transcriptionId });
    }
    const wasOff = before.state === "in_progress" && before.offTheRecordSince !== null;
    const isOff = live.transcription.state === "in_progress" && live.transcription.offTheRecordSince !== null;
    if (!wasOff && isOff) bridgeRef.current.emit("transcription-paused", { transcriptionId: live.transcription.transcriptionId, since: live.transcription.offTheRecordSince });
    if (wasOff && !isOff && live.transcription.state === "in_progress") bridgeRef.current.emit("transcription-resumed", { transcriptionId: live.transcription.transcriptionId });
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
    setMuted(mutedRef.current);
    if (mutedRef.current) setLevel(0);
  };
  const autoStart = available && (trigger === "automatic" || trigger === "automatic-2nd-participant");

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

      {!joined ? (
        <Card className="p-6">
          <form onSubmit={join} className="space-y-4" noValidate>
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
                <p className="text-sm"><Badge tone="brand">Host</Badge> <span className="text-zinc-600 dark:text-zinc-400">You join with the host link{trigger === "manual" ? " and can start and stop the transcription." : "."}</span></p>
              ) : (
                <Alert tone="error">This host link&apos;s key is not valid for this room; you will join as a guest.</Alert>
              )
            )}
            {autoStart && (
              <Alert tone="warning" data-testid="consent-notice">
                <strong>Transcription starts by itself in this room</strong>
                {trigger === "automatic-2nd-participant" ? " once two people are here" : " when you join"}. By joining you agree that what you say is
                turned into text, shown to the others and saved for the room&apos;s owners, unless you choose not to be transcribed below. Your voice is never recorded.
              </Alert>
            )}
            {available && !autoStart && <TranscriptionNotice transcription={live.transcription} />}
            {left && <Alert tone={left.tone}>{left.text}</Alert>}
            <Field label="Your name" name="displayName" autoComplete="name" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} error={nameError} autoFocus />
            {available && <TranscribeChoice optOut={optOut} onChange={setOptOut} />}
            {joinError && <Alert tone="error">{joinError}</Alert>}
            <Button type="submit" disabled={joining} className="w-full sm:w-auto">
              {joining ? "Joining…" : optOut ? "Join without being transcribed" : autoStart ? "Agree and join" : "Join"}
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

      {!joined ? (
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
              <span className="truncate font-medium" data-testid="me">{joined.displayName}</span>
              {isHost ? <Badge tone="brand">Host</Badge> : <Badge>Guest</Badge>}
              <span className="font-mono text-xs tabular-nums text-zinc-600 dark:text-zinc-400" title="Time since you joined" data-testid="session-timer">
                {clock}
              </span>
            </div>
            {joined.transcribed ? (
              <MicStatus mic={mic} level={level} available={available} upload={upload} muted={muted} offRecord={offRecordSince !== null} onRetry={() => void startAudio(joined)} />
            ) : (
              available && <NotTranscribedStatus />
            )}
            <div ref={controlsRef} className="ml-auto flex flex-wrap items-center gap-2">
              {available && mic.kind === "on" && (
                <Button variant="secondary" aria-pressed={muted} onClick={toggleMute}>
                  {muted ? "Unmute" : "Mute"}
                </Button>
              )}
              {isHost && trigger === "manual" && (
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
          {(commandError || (isHost && trigger !== "manual" && available)) && (
            <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
              {commandError ? (
                <Alert tone="error">{commandError}</Alert>
              ) : (
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  {trigger === "automatic"
                    ? "Transcription starts when the first person joins and stops when the last one leaves."
                    : "Transcription starts when two people are present and stops when the last one leaves."}
                </p>
              )}
            </div>
          )}
          {mic.kind === "problem" && (
            <div className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
              <Alert tone="error">
                <span className="font-semibold">{mic.problem === "denied" ? "Microphone denied. " : mic.problem === "server" ? "" : "Microphone problem. "}</span>
                {mic.message}
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
                  : trigger === "manual"
                    ? isHost
                      ? "Start the transcription when everyone is ready."
                      : "Waiting for the host to start the transcription."
                    : trigger === "automatic-2nd-participant"
                      ? "Transcription starts when a second person joins."
                      : "Transcription is not running."
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
