// How long the browser, the server and a participant's liveness wait for one another: named together because they
// must agree (lib/session-timing.test.ts checks how they relate).
//
// - A page that loses the network keeps its unsent audio (BROWSER_AUDIO_QUEUE_MS) at least as long as the server keeps
//   the participant (PARTICIPANT_IDLE_TIMEOUT_MS): after that the participant has left and its audio is refused, so a
//   shorter queue would drop audio the server could still have transcribed.
// - The page sends a heartbeat (PARTICIPANT_HEARTBEAT_MS) often enough that two may be lost in a row and the
//   participant still does not time out.
// - A gap in a track (SERVER_MAX_GAP_MS, filled with silence) is at most the idle timeout: a client silent for longer
//   has left; a longer gap can only come from a client that kept its heartbeat while dropping audio, and is refused
//   rather than turned into minutes of silence.

/** Every audio chunk is 250 ms of 16 kHz mono s16le (api.md's convention). */
export const AUDIO_CHUNK_MS = 250;

/** Unsent audio the room page holds while the server cannot be reached; beyond it the oldest chunks are dropped. */
export const BROWSER_AUDIO_QUEUE_MS = 2 * 60_000;

/** How far ahead of the awaited chunk a chunk may be: the most silence one gap in a track can become. */
export const SERVER_MAX_GAP_MS = 60_000;

/** How often the room page tells the server its participant is still there. */
export const PARTICIPANT_HEARTBEAT_MS = 20_000;

/** A participant not heard from for this long has left (default of VERBATIM_PARTICIPANT_IDLE_SECONDS). */
export const PARTICIPANT_IDLE_TIMEOUT_MS = 90_000;
