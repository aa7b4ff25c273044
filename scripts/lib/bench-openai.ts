// The benchmark's figures for the OpenAI-compatible engine and the voice activity detector (issue 13).
import { performance } from "node:perf_hooks";
import { PCM_BYTES_PER_SECOND, pcmBytesForMs } from "@/lib/speech/pcm";
import { createOpenAiTranscribeEngine } from "@/lib/speech/openai-transcribe";
import { VoiceActivityDetector } from "@/lib/speech/vad";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ComposedSpeech } from "@/lib/testing/speech";
import { benchTrack } from "./bench-speech";
import { percentile, roundOrNull } from "./stats";

const CHUNK_MS = 100;

/**
 * Per utterance: from the write() that lets the detector decide the utterance is over (its pause has lasted the
 * hangover) to the final segment, over a local server that answers at once. That is what the engine adds: WAV,
 * multipart, HTTP, parsing and ordering. The hangover itself is the detector's setting, not overhead.
 */
async function overheadRun(baseUrl: string, speech: ComposedSpeech): Promise<number[]> {
  const chunkBytes = pcmBytesForMs(CHUNK_MS);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < speech.pcm.length; offset += chunkBytes) chunks.push(speech.pcm.subarray(offset, offset + chunkBytes));
  // The same detector on the same chunks decides at the same chunks as the engine's own.
  const probe = await VoiceActivityDetector.create();
  const decidingChunks = chunks.flatMap((chunk, i) => probe.push(chunk).filter((e) => e.type === "end").map(() => i));
  probe.destroy();

  const engine = createOpenAiTranscribeEngine({ baseUrl, model: "bench", concurrency: 4 });
  const stream = engine.open({ language: "en" });
  const finals: number[] = [];
  stream.onSegment((s) => s.final && finals.push(performance.now()));
  stream.onError((e) => {
    throw e;
  });
  const writtenAt: number[] = [];
  const started = performance.now();
  for (const [i, chunk] of chunks.entries()) {
    const wait = started + i * CHUNK_MS - performance.now(); // real time, as a browser sends it
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    writtenAt.push(performance.now());
    await stream.write(chunk);
  }
  await stream.end();
  return decidingChunks.slice(0, finals.length).map((chunk, k) => finals[k] - writtenAt[chunk]);
}

/**
 * A transcription server that answers every request at once with one verbose_json segment, without reading the form:
 * whatever time passes is the engine's (it runs in this process, so its work would count against the engine).
 */
async function startInstantServer() {
  const answer = JSON.stringify({ task: "transcribe", language: "english", duration: 1, text: "bench words", segments: [{ id: 0, start: 0.3, end: 1, text: " bench words" }] });
  const requests: number[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests.push(performance.now());
      res.writeHead(200, { "content-type": "application/json" }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export async function openAiFigures(say: (line: string) => void): Promise<Record<string, number | null>> {
  const figures: Record<string, number | null> = {};
  const tracks = await Promise.all(Array.from({ length: 4 }, (_, i) => benchTrack(i, 8)));

  // 1. The detector's CPU: every track through a fresh detector in 100 ms chunks, timed by this process's CPU clock.
  for (const t of tracks) {
    const warm = await VoiceActivityDetector.create(); // warm-up: loading and compiling
    warm.push(t.pcm);
    warm.destroy();
  }
  const rounds = 5;
  const cpuBefore = process.cpuUsage();
  let audioMs = 0;
  for (let r = 0; r < rounds; r++) {
    for (const t of tracks) {
      const vad = await VoiceActivityDetector.create();
      const step = pcmBytesForMs(CHUNK_MS);
      for (let offset = 0; offset < t.pcm.length; offset += step) vad.push(t.pcm.subarray(offset, offset + step));
      vad.flush();
      vad.destroy();
      audioMs += (t.pcm.length / PCM_BYTES_PER_SECOND) * 1000;
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  figures.vad_cpu_pct_per_stream = roundOrNull((((cpu.user + cpu.system) / 1000) / audioMs) * 100, 3);
  say(`Voice activity detector: ${Math.round(audioMs / 1000)} s of audio, ${figures.vad_cpu_pct_per_stream}% of a core per stream`);

  // 2. The engine's own latency over a server that answers at once (no recognition), 4 tracks at real time.
  const server = await startInstantServer();
  try {
    // Warm-up: the process's first request pays once for loading and compiling the HTTP client and multipart code.
    await createOpenAiTranscribeEngine({ baseUrl: server.baseUrl, model: "bench" }).check();
    say("OpenAI-compatible engine overhead: 4 tracks of 8 utterances at real time, over a local server that answers at once…");
    const overheads = (await Promise.all(tracks.map((t) => overheadRun(server.baseUrl, t)))).flat();
    figures.openai_overhead_p95_ms = roundOrNull(percentile(overheads, 95), 1);
    say(`  ${overheads.length} utterances: p50 ${roundOrNull(percentile(overheads, 50), 1)} ms, p95 ${figures.openai_overhead_p95_ms} ms (${server.requests.length} requests)`);
  } finally {
    await server.close();
  }
  return figures;
}
