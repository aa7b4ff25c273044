// `npm run bench -- --only capacity`: the speech-gated PocketSphinx engine in this process: CPU per speaking stream, streams held, meetings held, memory per silent participant.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { gateSpeechEngine } from "@/lib/speech/gated-stream";
import { PCM_BYTES_PER_SECOND, pcmBytesForMs } from "@/lib/speech/pcm";
import { createPocketSphinxEngine, pocketSphinxCommandLine, pocketSphinxWorker, WORKER_LINGER_MS, type PocketSphinxWorker } from "@/lib/speech/pocketsphinx/pocketsphinx";
import { RecognizerPool } from "@/lib/speech/recognizer-pool";
import type { EngineStream, SpeechEngine } from "@/lib/speech/types";
import { roomTone, speechBounds, synthesizeSpeech, withRoomTone, writeWav, type ComposedSpeech, type FliteVoice } from "@/lib/testing/speech";
import { BENCH_SENTENCES, benchTrack } from "./bench-speech";
import { percentile, roundOrNull } from "./stats";
import { matchUtterances, type ReceivedFinal, type SentMark } from "./utterance-latency";

const run = promisify(execFile);
type Say = (line: string) => void;

/** All speaking at once: held while finals come p95 within this and at most this share is missed (as the server ramp). */
const ALL_SPEAK_P95_MS = 2000;
const ALL_SPEAK_MAX_MISSED = 0.1;
/** Meetings: held while finals come p95 within this, and none is missed. */
const MEETING_P95_MS = 1500;
const CHUNK_MS = 100;
/** Rooms of six tried in turn, until one level falls behind: 6 to 60 participants (the goal is 48; past it, the headroom). */
const MEETING_ROOMS = [1, 2, 4, 6, 8, 10];
/** Everyone speaking: 4, 6, 8 streams, then one more at a time (where a machine's limit is, each stream counts). */
function speakingLevels(max: number): number[] {
  const levels: number[] = [];
  for (let n = 4; n <= max; n += n < 8 ? 2 : 1) levels.push(n);
  return levels;
}

/** The all-speaking ramp's pool for n streams: room for each stream's utterance and the next one while it finishes. */
const rampPoolMax = (poolMax: number, n: number) => Math.max(poolMax, 2 * n);

/** CPU of this process's exited children (the recognizers, which exit at the end of their utterance), in ms. */
function childrenCpuMs(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

/** Resident memory of this process and its live children (idle warm recognizers included), in MB. */
function treeRssMb(): number {
  let kb = 0;
  const rssOf = (pid: string) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  kb += rssOf("self");
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid) kb += rssOf(entry);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

let worker: PocketSphinxWorker | undefined;

/**
 * The PocketSphinx decoder worker, one for the whole run as a server has one (its model loads once). A server sizes it
 * as its pool; so does the bench, for the largest pool it uses (the all-speaking ramp's). A worker smaller than the
 * pool lending to it loads the decoders past its size only when an utterance asks, during the burst: the ramp then
 * measured those loads, not decoding.
 */
async function benchWorker(maxDecoders: number): Promise<PocketSphinxWorker> {
  if (worker) return worker;
  const w = pocketSphinxWorker({ interim: true, maxDecoders });
  if ("problem" in w) throw new Error(w.problem);
  const check = await w.check(); // started and loaded now, not in the first measurement
  if (!check.ok) throw new Error(check.problem);
  worker = w;
  return w;
}

/** The engine as the server runs it by default: speech-gated, decoders lent from the pool, in the worker. */
export async function gatedPocketSphinx(pool: RecognizerPool): Promise<SpeechEngine> {
  const w = await benchWorker(pool.max);
  return gateSpeechEngine(createPocketSphinxEngine({ interim: true }), w.openUtterance, { pool, lingerMs: WORKER_LINGER_MS });
}

/** CPU of the engine processes: recognizers that exited, and the long-lived worker (/proc/PID/stat), in ms. */
function engineCpuMs(): number {
  return childrenCpuMs() + (worker?.host.cpuMs() ?? 0);
}

type TrackRun = { speech: ComposedSpeech; latenciesMs: number[]; missed: number };

/** Feeds every track at real time from one clock (100 ms chunks), then ends them; finals timed from the sending of their last speech. */
export async function runTracks(engine: SpeechEngine, speeches: ComposedSpeech[]): Promise<{ tracks: TrackRun[]; engineCpuMs: number; audioMs: number }> {
  const streams: EngineStream[] = speeches.map(() => engine.open({ language: "en" }));
  const finals: ReceivedFinal[][] = speeches.map(() => []);
  const marks: SentMark[][] = speeches.map(() => []);
  streams.forEach((s, i) => s.onSegment((seg) => seg.final && seg.text && finals[i].push({ startMs: seg.startMs, endMs: seg.endMs, at: performance.now() })));
  const cpuBefore = engineCpuMs();
  const chunk = pcmBytesForMs(CHUNK_MS);
  const longest = Math.max(...speeches.map((s) => s.pcm.length));
  const t0 = performance.now();
  for (let at = 0, k = 0; at < longest; at += chunk, k++) {
    await Promise.all(
      speeches.map(async (speech, i) => {
        if (at >= speech.pcm.length) return;
        const piece = speech.pcm.subarray(at, at + chunk);
        await streams[i].write(piece);
        marks[i].push({ audioEndMs: ((at + piece.length) / PCM_BYTES_PER_SECOND) * 1000, sentAt: performance.now() });
      }),
    );
    const wait = t0 + (k + 1) * CHUNK_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const lagMs = performance.now() - t0 - (longest / PCM_BYTES_PER_SECOND) * 1000;
  if (lagMs > 1000) process.stderr.write(`    (the feed fell ${Math.round(lagMs)} ms behind real time: this process did not get the CPU)\n`);
  await new Promise((r) => setTimeout(r, 2500)); // the last finals, before the ends flush anything
  await Promise.all(streams.map((s) => s.end()));
  await new Promise((r) => setTimeout(r, 300)); // the recognizers have exited and been counted
  const tracks = speeches.map((speech, i) => ({ speech, ...matchUtterances(speech.utterances, finals[i], marks[i]) }));
  const audioMs = speeches.reduce((sum, s) => sum + (s.pcm.length / PCM_BYTES_PER_SECOND) * 1000, 0);
  return { tracks, engineCpuMs: engineCpuMs() - cpuBefore, audioMs };
}

function summarize(tracks: TrackRun[]) {
  const latencies = tracks.flatMap((t) => t.latenciesMs);
  const total = tracks.reduce((n, t) => n + t.speech.utterances.length, 0);
  const missed = tracks.reduce((n, t) => n + t.missed, 0);
  return { p95: percentile(latencies, 95), total, missed };
}

/**
 * The recognizer's own limit on this machine: its CPU per ms of audio offline (pocketsphinx_continuous -infile), with
 * every core decoding at once, as the streams share them (cores decoding side by side share caches and memory, and are
 * slower each than one alone). Each core gets the tracks one after another in one file, as a recording transcribed
 * offline: one model load over all of them, not one per short track.
 */
async function offlineCpuPerAudioMs(speeches: ComposedSpeech[], cores: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-capacity-"));
  try {
    const files = await Promise.all(
      Array.from({ length: cores }, async (_, c) => {
        const file = path.join(dir, `core${c}.wav`);
        // Each core starts at another track, so they are not decoding the same audio at the same moment.
        await writeWav(file, Buffer.concat(speeches.map((_, i) => speeches[(i + c) % speeches.length].pcm)));
        return file;
      }),
    );
    const before = childrenCpuMs();
    await Promise.all(files.map((file) => {
      const { binary, args } = pocketSphinxCommandLine({}, ["-infile", file, "-time", "no"]);
      return run(binary, args, { maxBuffer: 16 * 1024 * 1024 });
    }));
    const audioMs = cores * speeches.reduce((sum, s) => sum + (s.pcm.length / PCM_BYTES_PER_SECOND) * 1000, 0);
    return (childrenCpuMs() - before) / audioMs;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const MEETING_VOICES: readonly FliteVoice[] = ["slt", "rms", "awb", "slt", "rms", "awb"];

/**
 * One room of six taking turns: each turn one person says a sentence; the next begins after a pause of 0.4–1.2 s, or,
 * every fourth turn, 250 ms before the last one ends (a little overlap). Each participant's track is room tone with
 * their own turns in it.
 */
async function meetingRoom(room: number, turns: number): Promise<ComposedSpeech[]> {
  const lead = 1000 + ((room * 457) % 2000);
  const placed: { who: number; atMs: number; pcm: Buffer; text: string; voice: FliteVoice }[] = [];
  let cursor = lead;
  for (let t = 0; t < turns; t++) {
    const who = (t + room) % 6;
    const text = BENCH_SENTENCES[(room * 7 + t) % BENCH_SENTENCES.length];
    const voice = MEETING_VOICES[who];
    const pcm = withRoomTone(await synthesizeSpeech(text, voice));
    const overlap = t % 4 === 3 ? -250 : 400 + ((room * 131 + t * 277) % 800);
    const atMs = t === 0 ? cursor : cursor + overlap;
    placed.push({ who, atMs, pcm, text, voice });
    cursor = atMs + (pcm.length / PCM_BYTES_PER_SECOND) * 1000;
  }
  const totalMs = cursor + 2000;
  return Array.from({ length: 6 }, (_, who) => {
    const pcm = roomTone(totalMs, { seed: room * 10 + who + 1 });
    const utterances: ComposedSpeech["utterances"] = [];
    for (const p of placed.filter((x) => x.who === who)) {
      const offset = pcmBytesForMs(p.atMs);
      p.pcm.copy(pcm, offset, 0, Math.min(p.pcm.length, pcm.length - offset));
      const bounds = speechBounds(p.pcm)!;
      utterances.push({ text: p.text, voice: p.voice, startMs: p.atMs + bounds.startMs, endMs: p.atMs + bounds.endMs });
    }
    return { pcm, utterances };
  });
}

export async function capacityFigures(say: Say, opts: { maxStreams: number; maxRooms: number; poolMax: number }): Promise<Record<string, number | null>> {
  const figures: Record<string, number | null> = {};
  const cores = os.availableParallelism();
  say(`Capacity (speech-gated PocketSphinx, interim text on, in this process, pool of ${opts.poolMax}): load average ${os.loadavg()[0].toFixed(1)}`);
  await benchWorker(rampPoolMax(opts.poolMax, opts.maxStreams));

  // 1. Memory added by silent participants: no recognizer is started for them.
  {
    const pool = new RecognizerPool({ max: opts.poolMax, waitMs: 2000 });
    const engine = await gatedPocketSphinx(pool);
    const n = 50;
    const tone = roomTone(5000, { amplitude: 80 });
    const before = treeRssMb();
    const streams = Array.from({ length: n }, () => engine.open({ language: "en" }));
    for (let at = 0; at < tone.length; at += pcmBytesForMs(CHUNK_MS)) await Promise.all(streams.map((s) => s.write(tone.subarray(at, at + pcmBytesForMs(CHUNK_MS)))));
    const during = treeRssMb();
    await Promise.all(streams.map((s) => s.end()));
    figures.rss_mb_per_silent_participant = roundOrNull(Math.max(0, during - before) / n, 2);
    say(`  ${n} silent participants: ${(during - before).toFixed(1)} MB more (engine and this process) → ${figures.rss_mb_per_silent_participant} MB each; recognizers lent: ${pool.stats().inUse}`);
  }

  // 2. Everyone speaking at once (interim on): streams held, engine CPU per speaking stream, and the offline limit.
  const rampSpeech = await Promise.all(Array.from({ length: opts.maxStreams }, (_, i) => benchTrack(i + 2, 4)));
  // Four tracks: every voice of the ramp (they cost differently).
  const offlineBeforeMs = await offlineCpuPerAudioMs(rampSpeech.slice(0, 4), cores);
  say(`  Offline (pocketsphinx_continuous -infile on every core): ${(offlineBeforeMs * 100).toFixed(1)}% of a core per second of audio → at most ${(cores / offlineBeforeMs).toFixed(1)} streams on ${cores} cores`);
  // The same first level with the engine ungated (a recognizer per track for the whole track), in the same load: the
  // machine is shared, so this is what the gated figures compare against.
  {
    const result = await runTracks(createPocketSphinxEngine({ interim: true }), rampSpeech.slice(0, 4));
    const s = summarize(result.tracks);
    figures.ungated_engine_cpu_pct_per_stream = roundOrNull((result.engineCpuMs / result.audioMs) * 100, 1);
    figures.ungated_eou_final_p95_ms_4_streams = roundOrNull(s.p95);
    say(`    4 speaking, ungated (for comparison): p95 ${Math.round(s.p95)} ms, missed ${s.missed}/${s.total}, engine ${figures.ungated_engine_cpu_pct_per_stream}% of a core per stream (load ${os.loadavg()[0].toFixed(1)})`);
  }
  let held = 0;
  let firstLevelCpuPct: number | undefined;
  let engineMs = 0;
  let audioMs = 0;
  for (const n of speakingLevels(opts.maxStreams)) {
    const pool = new RecognizerPool({ max: rampPoolMax(opts.poolMax, n), waitMs: 2000 });
    const result = await runTracks(await gatedPocketSphinx(pool), rampSpeech.slice(0, n));
    const s = summarize(result.tracks);
    const ok = s.missed / s.total <= ALL_SPEAK_MAX_MISSED && s.p95 <= ALL_SPEAK_P95_MS;
    say(`  ${String(n).padStart(3)} speaking: p95 ${Math.round(s.p95)} ms, missed ${s.missed}/${s.total}, engine ${((result.engineCpuMs / result.audioMs) * 100).toFixed(1)}% of a core per stream (load ${os.loadavg()[0].toFixed(1)}) — ${ok ? "held" : "behind"}`);
    figures[`eou_final_p95_ms_${n}_streams`] ??= roundOrNull(s.p95);
    firstLevelCpuPct ??= (result.engineCpuMs / result.audioMs) * 100;
    if (!ok) break;
    held = n;
    engineMs += result.engineCpuMs;
    audioMs += result.audioMs;
  }
  figures.realtime_streams_gated = held;
  // Over the levels held; when none was (a busy machine), the first level's, which is still the engine's cost per stream.
  figures.engine_cpu_pct_per_speaking_stream = roundOrNull(audioMs > 0 ? (engineMs / audioMs) * 100 : (firstLevelCpuPct ?? NaN), 1);
  // How close the gated pipeline gets to the recognizer's own limit: streams held × offline CPU per stream ÷ cores.
  // The machine's speed moves over minutes (a shared host): the limit is measured again after the ramp, and averaged.
  const offlineAfterMs = await offlineCpuPerAudioMs(rampSpeech.slice(0, 4), cores);
  const offlinePerMs = (offlineBeforeMs + offlineAfterMs) / 2;
  figures.engine_offline_cpu_pct = roundOrNull(offlinePerMs * 100, 1);
  say(`  Offline again: ${(offlineAfterMs * 100).toFixed(1)}% of a core per second of audio; mean ${figures.engine_offline_cpu_pct}%`);
  figures.realtime_efficiency = roundOrNull((held * offlinePerMs) / cores, 2);

  // 3. Meetings: rooms of six taking turns, with the server's pool (or --pool-max).
  let roomsHeld = 0;
  for (const rooms of MEETING_ROOMS.filter((r) => r <= opts.maxRooms)) {
    const speeches = (await Promise.all(Array.from({ length: rooms }, (_, r) => meetingRoom(r, 8)))).flat();
    const pool = new RecognizerPool({ max: opts.poolMax, waitMs: 2000 });
    const result = await runTracks(await gatedPocketSphinx(pool), speeches);
    const s = summarize(result.tracks);
    const ok = s.missed === 0 && s.p95 <= MEETING_P95_MS;
    say(`  ${String(rooms * 6).padStart(3)} participants (${rooms} rooms): p95 ${Math.round(s.p95)} ms, missed ${s.missed}/${s.total}, pool overflows ${pool.stats().overCapacityEvents} (max ${pool.max}, load ${os.loadavg()[0].toFixed(1)}) — ${ok ? "held" : "behind"}`);
    if (!ok) break;
    roomsHeld = rooms;
  }
  figures.meeting_participants_realtime = roomsHeld * 6;
  return figures;
}
