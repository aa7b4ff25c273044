// A deploy in the middle of a sentence, against a real server process: SIGTERM while a media server streams, restart, and count the words that did not make it into the transcript.
import { composeSpeech, normalizeWords } from "@/lib/testing/speech";
import type { LocalServer } from "./local-server";
import { pacedPcmStream } from "./paced-audio";
import { VerbatimClient } from "./verbatim-client";

const SPOKEN = ["Good morning everyone. Let us start with the budget.", "Please send me the report by Friday."];
const CUT_OFF = "The new office opens in the spring.";

export type SigtermOutcome = {
  /** Words of the sentences spoken before the SIGTERM, as the engine recognizes them uninterrupted (the reference). */
  spoken: string[];
  transcript: string;
  /** Reference words missing from the transcript (counted with repetition). */
  wordsLost: number;
  /** How the first server process ended. */
  exit: string;
  /** What the media server's stream was answered at the SIGTERM. */
  streamAnswer: string;
};

/**
 * One participant streams two sentences and goes straight on into a third; SIGTERM reaches the server right after the
 * second sentence, before any pause could end its utterance: only the shutdown's flush makes it final. The server
 * is started again (same data, port and instance id), the participant leaves there, and the saved transcript is read.
 */
export async function sigtermMidSentence(server: LocalServer, log: (line: string) => void = () => {}): Promise<SigtermOutcome> {
  const client = new VerbatimClient(server.url, server.apiKey);
  // The reference: what this engine makes of the same two sentences when nothing interrupts them.
  const whole = await composeSpeech([
    { text: SPOKEN[0], voice: "slt", pauseAfterMs: 1500 },
    { text: SPOKEN[1], voice: "slt", pauseAfterMs: 1500 },
  ]);
  const spoken = await transcribeOnce(client, whole.pcm);
  log(`Reference: ${spoken.join(" ")}`);

  const meeting = await client.createMeeting({ startTrigger: "automatic" });
  const join = await client.join(meeting.roomName, { participantId: "ana", displayName: "Ana" });
  const transcriptionId = join.transcription.transcriptionId!;
  const { pcm, utterances } = await composeSpeech([
    { text: SPOKEN[0], voice: "slt", pauseAfterMs: 1500 },
    { text: SPOKEN[1], voice: "slt", pauseAfterMs: 0 },
    { text: CUT_OFF, voice: "slt" },
  ]);
  // Just into the third sentence, so the server has read all of the second.
  const sigtermAtMs = utterances[1].endMs + 300;
  let signalled = false;
  const stream = pacedPcmStream(pcm, {
    onPiece: (audioEndMs) => {
      if (signalled || audioEndMs < sigtermAtMs) return;
      signalled = true;
      log(`SIGTERM at ${Math.round(audioEndMs)} ms of audio`);
      server.signal("SIGTERM");
    },
  });
  const streamAnswer = await client.streamAudio(meeting.roomName, "ana", stream).then(
    (answer) => `200 ${JSON.stringify(answer)}`,
    (error: Error) => error.message.slice(0, 200),
  );
  const exit = await server.exited();
  log(`The server ${exit}; the stream was answered: ${streamAnswer}`);

  await server.restart();
  await client.leave(meeting.roomName, "ana");
  const transcript = await savedTranscript(client, transcriptionId);
  const remaining = transcriptWords(transcript);
  let wordsLost = 0;
  for (const word of spoken) {
    const at = remaining.indexOf(word);
    if (at < 0) wordsLost++;
    else remaining.splice(at, 1);
  }
  return { spoken, transcript, wordsLost, exit, streamAnswer };
}

/** The words of a saved transcript's lines, without times and names. */
function transcriptWords(markdown: string): string[] {
  const lines = markdown.split("\n").filter((l) => l.startsWith("**["));
  return normalizeWords(lines.map((l) => l.replace(/^\*\*\[[^\]]*\] [^:]*:\*\*/, "")).join(" "));
}

async function savedTranscript(client: VerbatimClient, transcriptionId: string): Promise<string> {
  let state = await client.transcription(transcriptionId);
  for (let i = 0; i < 600 && state?.state === "in_progress"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    state = await client.transcription(transcriptionId);
  }
  if (state?.state !== "ready") throw new Error(`Transcription ${transcriptionId} is ${state?.state ?? "missing"}, not ready.`);
  return (await client.transcriptMarkdown(transcriptionId)) ?? "";
}

/** One uninterrupted session of `pcm` (streamed fast); its transcript's words. */
async function transcribeOnce(client: VerbatimClient, pcm: Buffer): Promise<string[]> {
  const meeting = await client.createMeeting({ startTrigger: "automatic" });
  const join = await client.join(meeting.roomName, { participantId: "ana", displayName: "Ana" });
  await client.streamAudio(meeting.roomName, "ana", pacedPcmStream(pcm, { speed: 8 }));
  await client.leave(meeting.roomName, "ana");
  return transcriptWords(await savedTranscript(client, join.transcription.transcriptionId!));
}
