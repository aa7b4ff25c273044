// `npm run simulate`: a room with participants streaming WAV files as their audio, through the public API; the demo and the load generator.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseSimulateArgs, parseParticipantSpec, SIMULATE_USAGE, UsageError, type SimulateParticipant } from "./lib/simulate-args";
import { writeDemoConversation } from "./lib/demo-conversation";
import { loadWavAsPcm } from "./lib/wav-input";
import { startLocalServer, type LocalServer } from "./lib/local-server";
import { pacedPcmStream } from "./lib/paced-audio";
import { ApiError, roomKeyFrom, VerbatimClient, type Transcription, type TranscriptionState } from "./lib/verbatim-client";
import { runSession, waitForTranscription } from "./lib/session-runner";
import { InterimLine } from "./lib/interim-line";

async function main(argv: string[]): Promise<number> {
  const opts = parseSimulateArgs(argv);
  if (opts.help) {
    console.log(SIMULATE_USAGE);
    return 0;
  }
  // Progress goes to stderr; stdout carries the transcript (and, with --json, the JSON line last). On a terminal, a
  // last line shows what each speaker is saying right now (interim text).
  const live = process.stderr.isTTY ? new InterimLine(process.stderr) : null;
  const say = (line: string) => (live ? live.print(line) : process.stderr.write(`${line}\n`));

  let participants: SimulateParticipant[] = opts.participants;
  let tempDemoDir: string | undefined;
  if (participants.length === 0 && opts.generateDir !== null) {
    // A temp dir is removed at the end; --generate-dir keeps the files.
    const dir = opts.generateDir || (tempDemoDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-demo-")));
    say(`Synthesizing a two-voice demo conversation with flite into ${dir}…`);
    const demo = await writeDemoConversation(dir);
    participants = demo.specs.map(parseParticipantSpec);
  }
  const tracks = await Promise.all(
    participants.map(async (p) => ({ ...p, ...(await loadWavAsPcm(p.wavPath)) })),
  );
  for (const t of tracks) say(`${t.displayName}: ${t.wavPath} (${t.seconds.toFixed(1)} s)`);

  let own: LocalServer | undefined;
  // Ctrl-C: stop the private server, also while it is still starting (the first run builds for minutes).
  const starting = new AbortController();
  const stopOwn = () => {
    starting.abort();
    // Still starting: startLocalServer notices within a second, stops what it started, and the run ends with its error.
    if (own) void own.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOwn);
  process.once("SIGTERM", stopOwn);
  try {
    if (!opts.server) own = await startLocalServer({ log: say, databaseUrl: opts.databaseUrl, signal: starting.signal });
    const server = opts.server ?? { url: own!.url, apiKey: own!.apiKey };
    const client = new VerbatimClient(server.url, server.apiKey);

    const meeting = opts.room
      ? await client.findMeeting(opts.room)
      : await client.createMeeting({ startTrigger: opts.trigger, roomNamePrefix: "sim", language: opts.language });
    if (!meeting) throw new UsageError(`The account of this API key has no room "${opts.room}" (the Rooms page lists them)`);
    // The room's own trigger and language (an existing room's, or the account defaults a new one took).
    const { transcription: roomState } = await client.roomState(meeting.roomName);
    const trigger = roomState.startTrigger;
    say(`Room ${meeting.roomName} (trigger ${trigger}, language ${roomState.language}): ${meeting.roomUrl}`);

    const session = await runSession(client, {
      roomName: meeting.roomName,
      roomKey: roomKeyFrom(meeting.hostRoomUrl),
      manual: trigger === "manual",
      participants: tracks.map((t) => ({ participantId: t.participantId, displayName: t.displayName, audio: () => pacedPcmStream(t.pcm, { speed: opts.speed }) })),
      onSegment: (s) => {
        live?.update(s);
        if (s.final) say(`  [${formatMs(s.startMs)}] ${s.displayName}: ${s.text}`);
      },
      onState: (t: TranscriptionState) => say(`Transcription ${t.state}${t.transcriptionId ? ` (${t.transcriptionId})` : ""}`),
      log: say,
    });

    if (!session.transcriptionId) {
      const why = trigger === "none" ? "transcription is off in this room" : "the server reported none";
      say(`No transcription was made: ${why}.`);
      emit(opts.json, { transcriptionId: null, state: null, filename: null, markdown: null, roomName: meeting.roomName });
      return trigger === "none" ? 0 : 1;
    }
    say(`Waiting for the transcript (${session.transcriptionId})…`);
    const finished: Transcription = await waitForTranscription(client, session.transcriptionId, { timeoutMs: opts.timeoutMs, roomName: meeting.roomName });
    session.stopLive();
    say(`Transcription ${finished.state} ${Date.now() - session.lastLeftAt} ms after the last participant left (speech engine: ${String(finished.engine ?? "not recorded")}).`);
    let markdown: string | null = null;
    if (finished.state === "ready") {
      try {
        markdown = await client.transcriptMarkdown(finished.transcriptionId);
      } catch (error) {
        say(`The transcript is ready but could not be downloaded: ${(error as Error).message}`);
        if (own && error instanceof ApiError && error.status >= 500) say(`Server log (last lines):\n${own.logTail()}`);
      }
    }
    if (!opts.json) {
      if (markdown) console.log(markdown);
      else console.log(`Transcription ${finished.transcriptionId} is ${finished.state}${finished.error ? `: ${String(finished.error)}` : ""}.`);
    }
    emit(opts.json, {
      transcriptionId: finished.transcriptionId,
      state: finished.state,
      filename: finished.filename,
      markdown,
      roomName: meeting.roomName,
      language: finished.language ?? roomState.language,
      engine: finished.engine ?? null,
    });
    return finished.state === "ready" && markdown !== null ? 0 : 1;
  } catch (error) {
    // A server error of our own private server: its log says why.
    if (own && error instanceof ApiError && error.status >= 500) say(`Server log (last lines):\n${own.logTail()}`);
    throw error;
  } finally {
    process.off("SIGINT", stopOwn);
    process.off("SIGTERM", stopOwn);
    if (tempDemoDir) fs.rmSync(tempDemoDir, { recursive: true, force: true });
    if (own) {
      say("Stopping the private server…");
      await own.stop();
    }
  }
}

function emit(json: boolean, result: Record<string, unknown>) {
  if (json) console.log(JSON.stringify(result));
}

function formatMs(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${SIMULATE_USAGE}`);
    else if (error instanceof ApiError) console.error(`Error: ${error.message}`);
    else console.error(error instanceof Error ? `Error: ${error.message}` : error);
    process.exit(1);
  });
