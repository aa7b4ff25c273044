// The room page's state as one value: where this person is (at the join form, joining, in the room), their microphone
// and host commands while in it, and the notices that outlive a visit. A table of transitions plus one pure function,
// so what the page relies on is tested without a browser (room-state.test.ts).
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { startedByHost } from "@/lib/start-triggers";

/** This page's participant, as the server let them in. */
export type Participant = { participantId: string; participantToken: string; role: "host" | "guest"; displayName: string; transcribed: boolean };

export type MicState = { kind: "off" } | { kind: "starting" } | { kind: "on" } | { kind: "problem"; problem: string; message: string };

/** The host's last command: none under way, one waiting for the server, or the server's refusal, shown until it is stale. */
export type CommandState = { kind: "idle" } | { kind: "busy" } | { kind: "refused"; message: string };

/** What the join form says above the name: why one left, or was let go. */
export type LeftNotice = { text: string; tone: "success" | "error" };

/** At the join form (before joining, or after leaving), waiting for the server to let one in, or in the room. */
export type RoomPhase = Outside | { kind: "joining" } | Inside;
type Outside = { kind: "outside"; left: LeftNotice | null; nameError: string | null; joinError: string | null };
type Inside = { kind: "inside"; me: Participant; joinedAt: number; mic: MicState; muted: boolean; command: CommandState };

/** A notice about the transcription ending, kept until the next join. */
export type Ended = { at: Date; transcriptionId: string | null; byHost: boolean };

export type RoomState = {
  phase: RoomPhase;
  ended: Ended | null;
  /** Transcriptions that ended while this page was open, newest last: each gets its downloads once saved. */
  finished: { transcriptionId: string; at: Date }[];
  /** The last participant token of this page, kept after leaving: it still proves presence in that session, for downloads. */
  lastToken: string | null;
};

export type RoomAction =
  | { type: "joinStarted" }
  | { type: "nameRefused"; message: string }
  /** `message`: the server's refusal or the network trouble, shown under the form; null for a failure with nothing to say. */
  | { type: "joinFailed"; message: string | null }
  | { type: "joined"; me: Participant; at: number }
  /** Left, or let go by the server; `left` null keeps what the form already says (the page closing). */
  | { type: "left"; left: LeftNotice | null }
  | { type: "micChanged"; mic: MicState }
  | { type: "muteSet"; muted: boolean }
  | { type: "commandStarted" }
  | { type: "commandSucceeded" }
  | { type: "commandFailed"; message: string }
  | { type: "transcriptionChanged"; before: LiveTranscriptionState; after: LiveTranscriptionState; at: Date };

const blankForm: Outside = { kind: "outside", left: null, nameError: null, joinError: null };

export const initialRoomState: RoomState = {
  phase: blankForm,
  ended: null,
  finished: [],
  lastToken: null,
};

/** How the room's transcription moved between two of its states, in the order the embedding page hears of it. */
export type TranscriptionChange = "started" | "stopped" | "paused" | "resumed";

export function transcriptionChanges(before: LiveTranscriptionState, after: LiveTranscriptionState): TranscriptionChange[] {
  const wasRunning = before.state === "in_progress";
  const isRunning = after.state === "in_progress";
  const wasOff = wasRunning && before.offTheRecordSince !== null;
  const isOff = isRunning && after.offTheRecordSince !== null;
  // Running before and after, but another transcription: the first stopped and a second started in between (a quick
  // stop and start, or a reconnect that missed both).
  const replaced = wasRunning && isRunning && before.transcriptionId !== after.transcriptionId;
  const changes: TranscriptionChange[] = [];
  if ((wasRunning && !isRunning) || replaced) changes.push("stopped");
  if ((!wasRunning && isRunning) || replaced) changes.push("started");
  if ((!wasOff || replaced) && isOff) changes.push("paused");
  if (wasOff && !isOff && isRunning && !replaced) changes.push("resumed");
  return changes;
}

/** Changes the room only while this page is in it; anything else (a late microphone, a late answer) is stale. */
function whileInside(state: RoomState, change: (phase: Inside) => Partial<Inside>): RoomState {
  return state.phase.kind === "inside" ? { ...state, phase: { ...state.phase, ...change(state.phase) } } : state;
}

type Transitions = { [T in RoomAction["type"]]: (state: RoomState, action: Extract<RoomAction, { type: T }>) => RoomState };

const transitions: Transitions = {
  // A new try clears what the form said about the last one.
  joinStarted: (state) => ({ ...state, phase: { kind: "joining" } }),
  nameRefused: (state, { message }) => (state.phase.kind === "outside" ? { ...state, phase: { ...state.phase, nameError: message } } : state),
  joinFailed: (state, { message }) => ({ ...state, phase: { ...blankForm, joinError: message } }),
  joined: (state, { me, at }) => ({
    phase: { kind: "inside", me, joinedAt: at, mic: { kind: "off" }, muted: false, command: { kind: "idle" } },
    ended: null,
    finished: state.finished,
    lastToken: me.participantToken,
  }),
  left: (state, { left }) => {
    const form = state.phase.kind === "outside" ? state.phase : blankForm;
    return { ...state, phase: { ...form, left: left ?? form.left } };
  },
  micChanged: (state, { mic }) => whileInside(state, () => ({ mic })),
  muteSet: (state, { muted }) => whileInside(state, () => ({ muted })),
  commandStarted: (state) => whileInside(state, () => ({ command: { kind: "busy" } })),
  commandSucceeded: (state) => whileInside(state, () => ({ command: { kind: "idle" } })),
  commandFailed: (state, { message }) => whileInside(state, () => ({ command: { kind: "refused", message } })),
  transcriptionChanged: (state, { before, after, at }) => {
    const changes = transcriptionChanges(before, after);
    if (changes.length === 0) return state;
    let next = state;
    if (changes.includes("stopped")) {
      const id = before.transcriptionId;
      next = {
        ...next,
        ended: { at, transcriptionId: id, byHost: startedByHost(before.startTrigger) },
        finished: id === null || next.finished.some((f) => f.transcriptionId === id) ? next.finished : [...next.finished, { transcriptionId: id, at }],
      };
    }
    // A refusal was about the state it was refused in ("already running"): once that state is gone, so is the reason.
    return whileInside(next, (phase) => (phase.command.kind === "refused" ? { command: { kind: "idle" } } : {}));
  },
};

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  return (transitions[action.type] as (state: RoomState, action: RoomAction) => RoomState)(state, action);
}
