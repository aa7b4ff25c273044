// Registers the live-session routes (/api/v1/rooms/{roomName}/...) with the OpenAPI document, from the zod schemas the routes validate with.
import { z } from "zod";
import { registerApiRoute } from "@/lib/api/openapi";
import { PARTICIPANT_HEARTBEAT_MS, PARTICIPANT_IDLE_TIMEOUT_MS } from "@/lib/session-timing";
import {
  chunkParamsSchema,
  downloadLinksParamsSchema,
  downloadLinksResponseSchema,
  hostCommandBodySchema,
  joinBodySchema,
  joinResponseSchema,
  offRecordActions,
  participantParamsSchema,
  roomParamsSchema,
  roomStateSchema,
  transcriptionStateSchema,
} from "./session/validation";

const tags = ["Live sessions"];
const auth =
  "Authenticate with the participant token from the join answer (header `X-Participant-Token`), or with an API key of the room's account (a media server), which may act for any participant.";
const routing =
  "Any server instance may receive the request: one that does not hold the room's session forwards it to the one that does (503 with Retry-After while that one cannot be reached; it is taken over when its lease runs out).";

registerApiRoute({
  method: "get",
  path: "/rooms/{roomName}",
  operationId: "getRoom",
  summary: "A room's live state",
  description:
    "Public for holders of the room name; no secrets. `roomSessionId` is null when no session is open. Participant ids are listed only for an API key of the room's account.",
  tags,
  params: roomParamsSchema,
  responses: { 200: { description: "The room's state", schema: roomStateSchema } },
});

registerApiRoute({
  method: "post",
  path: "/rooms/{roomName}/participants",
  operationId: "joinRoom",
  summary: "Join a room",
  description:
    "The first join opens the room session (room.session.started) and every join records room.client.joined; the start trigger applies. The host role needs the room key. Joining again while present is idempotent (same session) and restarts the participant's chunk numbering at 0; a `participantId` already taken in the open session is only given back with its own participant token, an API key, or (for a host) the room key, otherwise 409. A locked room admits only the host (room key) and API keys (403 for others). Without an API key, joins are limited per room and per client address (429 with Retry-After); a room holds at most VERBATIM_ROOM_MAX_PARTICIPANTS (503 with Retry-After). A room past its end date plus one hour accepts no new session (409). With `transcribe: false` the participant joins not transcribed, at their request: their audio is dropped before any speech engine, the answer and the room state say `transcribed: false`, and the transcript's header names them under \"Not transcribed at their request\". " +
    routing,
  tags,
  params: roomParamsSchema,
  body: joinBodySchema,
  responses: { 201: { description: "Joined", schema: joinResponseSchema }, 403: { description: "The room is locked" }, 409: { description: "The participantId is taken, or the room accepts no new session" }, 429: { description: "Too many joins; see Retry-After" }, 503: { description: "The room is full (`code` `room_full`), or this server transcribes as many people as it can (`over_capacity`); see Retry-After" } },
});

registerApiRoute({
  method: "delete",
  path: "/rooms/{roomName}/participants/{participantId}",
  operationId: "leaveRoom",
  summary: "Leave a room",
  description: "Idempotent. The last leave ends the session and any transcription, whose transcript is then saved. " + auth,
  tags,
  params: participantParamsSchema,
  responses: { 204: { description: "Left (or was not present)" }, 401: { description: "No token or key" } },
});

registerApiRoute({
  method: "post",
  path: "/rooms/{roomName}/participants/{participantId}/heartbeat",
  operationId: "sendHeartbeat",
  summary: "Say a participant is still present",
  description:
    `A participant not heard from for VERBATIM_PARTICIPANT_IDLE_SECONDS (default ${PARTICIPANT_IDLE_TIMEOUT_MS / 1000}) is taken to have left without saying so (a crashed browser, a lost network) and leaves, with the usual events and triggers. Audio chunks and an open audio stream count as signs of life; a client that sends no audio for a while (muted, no microphone, a media server between streams) calls this every ${PARTICIPANT_HEARTBEAT_MS / 1000} s, as the room page does. 404 when the participant is not in the session (for example after an idle timeout: join again), 409 when the session has ended. ` +
    auth,
  tags,
  params: participantParamsSchema,
  responses: {
    204: { description: "Noted" },
    401: { description: "No token or key" },
    404: { description: "The participant is not in the room's session; join again" },
    409: { description: "The session has ended" },
  },
});

registerApiRoute({
  method: "put",
  path: "/rooms/{roomName}/participants/{participantId}/audio",
  operationId: "streamAudio",
  summary: "Stream a participant's audio (media server)",
  description:
    "One long request body of 16 kHz mono signed 16-bit little-endian PCM (`Content-Type: audio/L16;rate=16000;channels=1`), read only as fast as the speech engine takes it (backpressure). Answered when the body ends with `{ receivedBytes }`. Audio is never stored; while no transcription runs, it is off the record, the participant is in a breakout group or joined with `transcribe: false`, it is read and dropped before any speech engine. 400 for an odd byte count, 409 when the participant already streams or sends chunks, 415 for another audio format, 503 with Retry-After when the session cannot take audio for now (`code`: `database_unavailable` when final segments waiting for the database reached their bound, `shutting_down` while the server restarts): what was read before is transcribed and kept, send the rest again after Retry-After. " +
    auth +
    " " +
    routing,
  tags,
  params: participantParamsSchema,
  responses: {
    200: { description: "The body ended", schema: z.object({ receivedBytes: z.number().int() }) },
    409: { description: "Wrong mode, or ended session" },
    415: { description: "Not 16 kHz mono L16" },
    503: { description: "Cannot take audio for now (`code` `database_unavailable` or `shutting_down`); send again after Retry-After" },
  },
});

registerApiRoute({
  method: "post",
  path: "/rooms/{roomName}/participants/{participantId}/audio/chunks/{seq}",
  operationId: "uploadAudioChunk",
  summary: "Send one numbered audio chunk (browser)",
  description:
    "One chunk (≤ 1 s, ≤ 64 KiB, even byte count; 250 ms = 8000 bytes by convention) of the same PCM; `seq` is 0, 1, 2, … per participant track. `transcribed: false` in the answer: the chunk was dropped before any engine (no transcription running, off the record, a breakout group, or a participant who joined not transcribed). A repeated chunk answers 200 `{ duplicate: true }` and is ignored, so a client may retry; a chunk that never arrives is replaced by silence after a short wait. 400 for a malformed chunk or number (the session goes on), 413 for an oversize chunk, 503 when the engine is behind, the database is unavailable or the server restarts (retry after Retry-After; the chunk was not taken). " +
    auth,
  tags,
  params: chunkParamsSchema,
  responses: {
    200: { description: "A repeated chunk, ignored", schema: z.object({ duplicate: z.literal(true) }) },
    202: { description: "Accepted", schema: z.object({ accepted: z.literal(true), transcribed: z.boolean() }) },
    413: { description: "Chunk too large" },
    429: { description: "With a participant token: audio faster than twice real time over 30 s; retry after Retry-After" },
    503: {
      description:
        "The engine is behind (`overloaded`), the database is unavailable (`database_unavailable`), the server restarts (`shutting_down`), or the server instance holding the room's session is not answering (`owner_unreachable`: another takes it over within the lease) or changing (`owner_changing`); retry after Retry-After. `resend_from` (once, after the session moved from an instance that died): send your chunks again from `resendFrom`, the first one that instance had not made final",
    },
  },
});

for (const action of ["start", "stop"] as const) {
  registerApiRoute({
    method: "post",
    path: `/rooms/{roomName}/transcription/${action}`,
    operationId: action === "start" ? "startTranscription" : "stopTranscription",
    summary: `${action === "start" ? "Start" : "Stop"} a manual transcription (host)`,
    description: `Host only: a host participant token, the room key in the body, or an API key. 403 for a non-host, and for any command under an automatic trigger; 409 when transcription is not available in this room (trigger none or turned off)${action === "start" ? ", already running, or past the 12-hour limit; 503 when the speech engine is not available (the transcription is recorded as failed with the reason)" : " or not running"}.`,
    tags,
    params: roomParamsSchema,
    body: hostCommandBodySchema,
    responses: { 200: { description: "The transcription state", schema: z.object({ transcription: transcriptionStateSchema }) } },
  });
}

for (const action of offRecordActions) {
  registerApiRoute({
    method: "post",
    path: `/rooms/{roomName}/transcription/${action}`,
    operationId: action === "pause" ? "pauseTranscription" : "resumeTranscription",
    summary: action === "pause" ? "Go off the record (host)" : "Go back on the record (host)",
    description:
      (action === "pause"
        ? "Takes the running transcription off the record, under any start trigger: the speech engines are flushed first, so every word said before is kept; from then on every participant's audio is dropped by the server before any engine, and nothing said reaches the transcript until `resume`. The saved transcript shows the gap with its times (`*Off the record 00:03:10–00:05:42*`). `transcription.offTheRecordSince` in the answer, the room state and the live `state` event says since when. "
        : "Puts the transcription back on the record: audio from now on is transcribed again, at its true time in the transcript. ") +
      `Host only: a host participant token, the room key in the body, or an API key of the room's account (another account's room: 404). 403 for anyone else; 409 when no session is open, nothing is being transcribed${action === "pause" ? ", or it is already off the record" : ", or it is not off the record"}.`,
    tags,
    params: roomParamsSchema,
    body: hostCommandBodySchema,
    responses: {
      200: { description: "The transcription state", schema: z.object({ transcription: transcriptionStateSchema }) },
      403: { description: "Not the host" },
      409: { description: "Nothing to pause or resume" },
    },
  });
}
const lastEventIdDescription =
  'Resume point: the `id` of the last event received ("<transcriptionId>:<n>", or "0"). The stream then first sends every final segment stored after it (the rest of that transcription, then those of the room\'s later transcriptions), then the live tail, with nothing repeated, on any instance. Browsers\' EventSource sends it by itself when it reconnects. A value this server never sends, or one naming a transcription of another room, is a 400.';

registerApiRoute({
  method: "get",
  path: "/rooms/{roomName}/live",
  operationId: "streamLiveTranscript",
  summary: "Live transcript (Server-Sent Events)",
  description:
    "`event: segment` with `{ participantId, displayName, startMs, endMs, text, final }` (times in ms from the transcription's start). While someone speaks, interim segments (`final: false`) carry the utterance so far, each replacing the speaker's previous one; the final segment replaces them all, and an interim with empty `text` withdraws the speaker's interim text (it was noise). `event: state` with `{ transcription }` first and on every change, and a comment heartbeat every 15 s. Public for holders of the room name (an API key of the room's account works too, for an integration). " +
    "Every event has an `id`: a final segment's is its place in the stream, `<transcriptionId>:<n>` (n grows with each final of that transcription and is stored with it); an interim or state event repeats the id of the last final sent before it (`0` before any), so resuming from any id neither skips nor repeats a final. " +
    "To resume after a dropped connection send that id as `Last-Event-ID` (or `?lastEventId=` where headers cannot be set; the header wins): the finals said meanwhile come first, from the stored segments, then the live tail. Interim text is not stored and is not replayed. " +
    "Any instance serves the stream: events recognized on another instance arrive through PostgreSQL LISTEN/NOTIFY.",
  tags,
  params: roomParamsSchema,
  query: z.object({ lastEventId: z.string().optional().openapi({ description: lastEventIdDescription + " Used only when the header is absent." }) }),
  headers: z.object({ "Last-Event-ID": z.string().optional().openapi({ description: lastEventIdDescription }) }),
  responses: {
    200: { description: "text/event-stream" },
    400: { description: "Last-Event-ID is not an id of this stream", schema: z.object({ error: z.literal("Validation failed"), details: z.array(z.object({ path: z.string(), message: z.string() })) }) },
  },
});

registerApiRoute({
  method: "post",
  path: "/rooms/{roomName}/transcriptions/{transcriptionId}/download-links",
  operationId: "createRoomDownloadLinks",
  summary: "Signed download links to a session's transcript",
  description:
    "What the room page's Download buttons use: links to the Markdown, plain text and WebVTT files of a finished transcription of this room, signed by the server (HMAC, bound to the transcription and the format) and valid for 10 minutes. The host may always ask (the room key in the body, or a host's participant token), as may an API key of the account; a participant of that session may ask with its token when the room lets participants download (`liveTranscription.participantDownloads`, else the account's setting, off by default), otherwise 403 with the reason. 409 while the transcription is running or being saved. Opening a link needs no other credential: `GET /api/v1/downloads/{transcriptionId}/{format}?expires=…&signature=…` answers the file, 410 once expired, 403 when the link was altered.",
  tags,
  params: downloadLinksParamsSchema,
  body: hostCommandBodySchema,
  responses: {
    200: { description: "The links", schema: downloadLinksResponseSchema },
    401: { description: "No participant token, room key or API key" },
    403: { description: "Participants may not download in this room, or the token is for another session" },
    409: { description: "Not ready yet (running or being saved), or the transcription never started" },
  },
});

registerApiRoute({
  method: "get",
  path: "/downloads/{transcriptionId}/{format}",
  operationId: "openDownloadLink",
  summary: "Open a signed download link",
  description:
    "The link from createRoomDownloadLinks is the credential: no API key or token is needed (the bearer security below does not apply). Answers the file as an attachment. 403 when the signature does not match (a changed or forged link), 410 when it has expired, 404 when the transcript was deleted.",
  tags,
  params: z.object({ transcriptionId: z.string(), format: z.enum(["md", "txt", "vtt"]) }),
  query: z.object({ expires: z.string().describe("Epoch ms, as signed"), signature: z.string().describe("64 hex digits") }),
  responses: {
    200: { description: "The transcript file (text/markdown, text/plain or text/vtt)" },
    403: { description: "The link is not valid" },
    410: { description: "The link has expired" },
  },
});
