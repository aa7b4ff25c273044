// An instance dies mid-session (kill -9) in a cluster behind the proxy: browser-like participants buffer and retry their audio chunks; how long until each of the dead owner's rooms takes audio again, and which words are missing from the transcripts.
import postgres from "postgres";
import { backoffMs, sleep } from "@/lib/retry/backoff";
import { TONE_WORDS, toneSpeech } from "@/lib/testing/fake-engine";
import type { Cluster, ClusterInstance } from "./cluster";
import { VerbatimClient, type LiveEvent } from "./verbatim-client";
import { percentile } from "./stats";

const CHUNK_BYTES = 8000; // 250 ms of 16 kHz mono s16le, as the room page sends
const CHUNK_MS = 250;
const PCM = "audio/L16;rate=16000;channels=1";

/** Distinct sentences, so that each can be found whole in a transcript. */
const SENTENCES = [
  "good morning everyone",
  "let us start with the budget",
  "please send me the report by friday",
  "we need three more people for the project",
  "thanks yes no bye",
  "hallo welt danke bitte",
  "guten tag everyone",
  "send the budget report please",
  "we need the project by friday",
  "good morning thanks bye",
  "let us send three more",
  "yes please danke",
];

export type RoomOutcome = {
  roomName: string;
  owner: string;
  /** Owned by the killed instance when it died. */
  orphaned: boolean;
  /** Owned by the drained (SIGTERM) instance when it was told to stop. */
  drained: boolean;
  /** Kill → first chunk accepted again after the first refusal (orphaned rooms only). */
  resumeMs: number | null;
  /** SIGTERM → first chunk accepted again after the first refusal (drained rooms only; null when never refused). */
  drainResumeMs: number | null;
  sentences: string[];
  /** Sentences missing (not found whole) from the saved transcript. */
  missingSentences: string[];
  /** Spoken words missing from the transcript (the longest common subsequence's shortfall). */
  wordsLost: number;
  transcript: string;
  /** Stored final lines that the live client watching the room through the proxy never received. */
  liveMissed: string[];
  /** Final lines the live client received more than once (by event id). */
  liveRepeated: number;
  /** How often the live client reconnected (with Last-Event-ID) after its stream broke. */
  liveReconnects: number;
};

export type FailoverOutcome = {
  killed: string;
  drainedInstance: string | null;
  owners: Record<string, number>;
  rooms: RoomOutcome[];
  resumeP95Ms: number | null;
  wordsLost: number;
};

/** The room page's chunk queue: in order, the same number again after a failure (5xx, 429, network), backing off to 1 s or the Retry-After. */
class BrowserLikeSender {
  private queue: { seq: number; body: Uint8Array<ArrayBuffer> }[] = [];
  /** Chunks taken, kept for a minute: a server taking the session over may ask for them again (503 resend_from). */
  private sent: { seq: number; body: Uint8Array<ArrayBuffer> }[] = [];
  private seq = 0;
  private pumping: Promise<void> | null = null;
  readonly accepted: number[] = [];
  readonly refused: number[] = [];
  resends = 0;
  fatal: string | null = null;

  constructor(
    private readonly url: (seq: number) => string,
    private readonly token: string,
  ) {}

  push(pcm: Buffer) {
    this.queue.push({ seq: this.seq++, body: new Uint8Array(pcm) });
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private async pump() {
    let failures = 0;
    while (this.queue.length > 0 && !this.fatal) {
      const chunk = this.queue[0];
      let retryAfterMs = 0;
      try {
        const res = await fetch(this.url(chunk.seq), {
          method: "POST",
          headers: { "content-type": PCM, "x-participant-token": this.token },
          body: chunk.body,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await res.text();
        if (res.ok) {
          this.sent.push(this.queue.shift()!);
          if (this.sent.length > 240) this.sent.shift();
          this.accepted.push(Date.now());
          failures = 0;
          continue;
        }
        if ([401, 403, 404, 409].includes(res.status)) {
          this.fatal = `chunk ${chunk.seq}: ${res.status} ${text.slice(0, 200)}`;
          return;
        }
        if (res.status === 503) {
          let body: { code?: string; resendFrom?: number } = {};
          try {
            body = JSON.parse(text);
          } catch {
            // not ours (the proxy's own 503 page)
          }
          if (body.code === "resend_from" && typeof body.resendFrom === "number") {
            const again = this.sent.filter((c) => c.seq >= body.resendFrom! && c.seq < chunk.seq);
            this.sent = this.sent.filter((c) => c.seq < body.resendFrom!);
            this.queue.unshift(...again);
            this.resends++;
            continue;
          }
        }
        retryAfterMs = Math.min(30_000, Number(res.headers.get("retry-after") ?? 0) * 1000) || 0;
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          this.queue.shift(); // a bad chunk is skipped, as the page does
          continue;
        }
      } catch {
        // network error: the same chunk again
      }
      this.refused.push(Date.now());
      failures++;
      await sleep(Math.max(retryAfterMs, backoffMs(failures, { firstMs: 250, maxMs: 1000, jitter: "none" })));
    }
  }
}

/**
 * A live client of one room through the proxy, as an integration would hold one: the room's live events with an API
 * key; when the stream breaks (its instance died or drained) it reconnects with the last event id, and keeps every
 * final line by id.
 */
class LiveWatcher {
  readonly finals = new Map<string, string>();
  repeated = 0;
  reconnects = 0;
  private lastEventId: string | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly client: VerbatimClient,
    private readonly roomName: string,
  ) {}

  /** Resolves once the first connection is open. */
  async start(): Promise<void> {
    const first = await this.client.openLive(this.roomName, this.abort.signal);
    this.running = this.loop(first);
  }

  private async loop(first: AsyncGenerator<LiveEvent>): Promise<void> {
    let events: AsyncGenerator<LiveEvent> | null = first;
    while (!this.abort.signal.aborted) {
      try {
        events ??= await this.client.openLive(this.roomName, this.abort.signal, { lastEventId: this.lastEventId });
        for await (const event of events) {
          if (event.type === "other") continue;
          if (event.id) this.lastEventId = event.id;
          if (event.type !== "segment" || !event.segment.final || !event.id) continue;
          if (this.finals.has(event.id)) this.repeated++;
          else this.finals.set(event.id, event.segment.text);
        }
      } catch {
        // the instance went away mid-stream, or the proxy had no instance for a moment
      }
      events = null;
      if (this.abort.signal.aborted) break;
      this.reconnects++;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => {});
  }
}

/** From `since` to the first chunk accepted after the first refusal since then (the audio was taken elsewhere). */
function resumedAfter(sender: BrowserLikeSender, since: number): number | null {
  const refused = sender.refused.find((t) => t >= since);
  if (refused === undefined) return null;
  const accepted = sender.accepted.find((t) => t > refused);
  return accepted === undefined ? null : accepted - since;
}

/** Words of `expected` missing from `got` (length of expected minus their longest common subsequence). */
export function wordsMissing(expected: string[], got: string[]): number {
  const prev = new Array(got.length + 1).fill(0);
  for (let i = 1; i <= expected.length; i++) {
    let diag = 0;
    for (let j = 1; j <= got.length; j++) {
      const up = prev[j];
      prev[j] = expected[i - 1] === got[j - 1] ? diag + 1 : Math.max(prev[j], prev[j - 1]);
      diag = up;
    }
  }
  return expected.length - prev[got.length];
}

const toneWordsOf = (text: string) => text.toLowerCase().match(/[a-z]+/g)?.filter((w) => (TONE_WORDS as readonly string[]).includes(w)) ?? [];

/** The saved transcript through its access link (a presigned link to the S3 storage, fetched as it is). */
async function transcriptText(cluster: Cluster, transcriptionId: string): Promise<string> {
  const res = await fetch(`${cluster.url}/api/v1/transcriptions/${transcriptionId}/access-link?validForSeconds=300`, { headers: { authorization: `Bearer ${cluster.apiKey}` } });
  const { accessLink } = (await res.json()) as { accessLink: string };
  const file = await fetch(new URL(accessLink, cluster.url));
  if (!file.ok) throw new Error(`The transcript file answered ${file.status}`);
  return file.text();
}

async function joinAnonymously(baseUrl: string, roomName: string, participantId: string) {
  const res = await fetch(`${baseUrl}/api/v1/rooms/${encodeURIComponent(roomName.replace(/^\//, ""))}/participants`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ participantId, displayName: `Speaker ${participantId}` }),
  });
  const body = (await res.json()) as { participantToken: string; roomSessionId: string; error?: string };
  if (res.status !== 201) throw new Error(`Join answered ${res.status}: ${body.error}`);
  return body;
}

/**
 * `rooms` rooms with one browser-like speaker each, spread by the proxy over the instances; `killAfterMs` into the
 * speech, the instance owning the most rooms gets kill -9; every speaker goes on (buffering and retrying), then
 * leaves; the saved transcripts are compared with what was said.
 */
export async function failoverScenario(
  cluster: Cluster,
  opts: { rooms: number; sentencesPerRoom?: number; killAfterMs?: number; drainAfterMs?: number; log?: (line: string) => void },
): Promise<FailoverOutcome> {
  const log = opts.log ?? (() => {});
  const client = new VerbatimClient(cluster.url, cluster.apiKey);
  const sql = postgres(cluster.databaseUrl, { max: 2, onnotice: () => {} });
  const watchers = new Map<string, LiveWatcher>();
  try {
    const perRoom = opts.sentencesPerRoom ?? 8;
    const speakers = [];
    for (let i = 0; i < opts.rooms; i++) {
      const meeting = await client.createMeeting({ startTrigger: "automatic", roomNamePrefix: `failover${i}` });
      const participantId = `p${i}`;
      const joined = await joinAnonymously(cluster.url, meeting.roomName, participantId);
      // Each room says its own rotation of the sentences.
      const sentences = Array.from({ length: perRoom }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]);
      const speech = toneSpeech(sentences, { leadMs: 500, pauseMs: 900 });
      const bare = encodeURIComponent(meeting.roomName.replace(/^\//, ""));
      const sender = new BrowserLikeSender((seq) => `${cluster.url}/api/v1/rooms/${bare}/participants/${participantId}/audio/chunks/${seq}`, joined.participantToken);
      speakers.push({ meeting, participantId, joined, sentences, speech, sender, bare });
    }
    // A live client per room, through the proxy, connected before anyone speaks.
    for (const s of speakers) {
      const watcher = new LiveWatcher(client, s.meeting.roomName);
      await watcher.start();
      watchers.set(s.meeting.roomName, watcher);
    }
    const ownerOf = async (sessionId: string) => ((await sql`select owner_instance from room_sessions where id = ${sessionId}`)[0]?.owner_instance as string | null) ?? "none";
    const owners: Record<string, number> = {};
    const ownerBySession = new Map<string, string>();
    for (const s of speakers) {
      const owner = await ownerOf(s.joined.roomSessionId);
      ownerBySession.set(s.joined.roomSessionId, owner);
      owners[owner] = (owners[owner] ?? 0) + 1;
    }
    log(`Sessions per instance: ${JSON.stringify(owners)}`);
    const victim: ClusterInstance = [...cluster.instances].sort((a, b) => (owners[b.id] ?? 0) - (owners[a.id] ?? 0))[0];

    // Real time: one 250 ms chunk per room every 250 ms; the kill at killAfterMs.
    const totalChunks = Math.max(...speakers.map((s) => Math.ceil(s.speech.pcm.length / CHUNK_BYTES)));
    const killAtChunk = Math.round((opts.killAfterMs ?? 6000) / CHUNK_MS);
    const drainAtChunk = opts.drainAfterMs === undefined ? -1 : Math.round(opts.drainAfterMs / CHUNK_MS);
    const started = Date.now();
    let killedAt = 0;
    let drainedAt = 0;
    let drainVictim: ClusterInstance | null = null;
    const drainedSessions = new Set<string>();
    for (let c = 0; c < totalChunks; c++) {
      if (c === killAtChunk) {
        killedAt = Date.now();
        log(`kill -9 ${victim.id} (owner of ${owners[victim.id] ?? 0} room(s)) at ${c * CHUNK_MS} ms of speech`);
        victim.signal("SIGKILL");
      }
      if (c === drainAtChunk) {
        // The live instance owning the most rooms now (some moved there from the killed one) drains.
        const now: Record<string, string[]> = {};
        for (const s of speakers) {
          const owner = await ownerOf(s.joined.roomSessionId);
          (now[owner] ??= []).push(s.joined.roomSessionId);
        }
        drainVictim = cluster.instances.filter((i) => i.running()).sort((a, b) => (now[b.id]?.length ?? 0) - (now[a.id]?.length ?? 0))[0];
        for (const id of now[drainVictim.id] ?? []) drainedSessions.add(id);
        drainedAt = Date.now();
        log(`SIGTERM ${drainVictim.id} (owner of ${drainedSessions.size} room(s) now) at ${c * CHUNK_MS} ms of speech`);
        drainVictim.signal("SIGTERM");
      }
      for (const s of speakers) {
        const piece = s.speech.pcm.subarray(c * CHUNK_BYTES, (c + 1) * CHUNK_BYTES);
        if (piece.length > 0) s.sender.push(Buffer.from(piece));
      }
      const due = started + (c + 1) * CHUNK_MS;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    }
    await Promise.all(speakers.map((s) => s.sender.drained()));
    // The last utterance ends with the speech's quiet tail; a moment for its final segment, then everyone leaves.
    await new Promise((r) => setTimeout(r, 1500));
    for (const s of speakers) {
      if (s.sender.fatal) throw new Error(`Room ${s.meeting.roomName}: ${s.sender.fatal}`);
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${cluster.url}/api/v1/rooms/${s.bare}/participants/${s.participantId}`, {
          method: "DELETE",
          headers: { "x-participant-token": s.joined.participantToken },
        });
        if (res.status === 204) break;
        if (attempt > 20) throw new Error(`Leaving ${s.meeting.roomName} answered ${res.status}: ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }

    const rooms: RoomOutcome[] = [];
    for (const s of speakers) {
      const transcriptionId = (await sql`select id from transcriptions where room_session_id = ${s.joined.roomSessionId} order by started_at`)[0]?.id as string | undefined;
      if (!transcriptionId) throw new Error(`No transcription in ${s.meeting.roomName}`);
      let markdown: string | null = null;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const t = await client.transcription(transcriptionId);
        if (t?.state === "failed") throw new Error(`The transcription of ${s.meeting.roomName} failed: ${JSON.stringify(t)}`);
        if (t?.state === "ready") {
          markdown = await transcriptText(cluster, transcriptionId);
          break;
        }
        if (Date.now() > deadline) throw new Error(`The transcript of ${s.meeting.roomName} was not ready in time: ${JSON.stringify(t)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // Every final line stored for the session reached the live client (a line that only the killed instance ever
      // heard, never stored, is in neither).
      const watcher = watchers.get(s.meeting.roomName)!;
      await watcher.stop();
      const stored = (await sql`select text from transcript_segments where transcription_id = ${transcriptionId} order by start_ms`).map((r) => r.text as string);
      const heard = [...watcher.finals.values()];
      const liveMissed = stored.filter((line) => {
        const at = heard.indexOf(line);
        if (at === -1) return true;
        heard.splice(at, 1);
        return false;
      });
      const got = toneWordsOf(markdown ?? "");
      const gotLine = ` ${got.join(" ")} `;
      const owner = ownerBySession.get(s.joined.roomSessionId)!;
      const orphaned = owner === victim.id;
      const drained = drainedSessions.has(s.joined.roomSessionId);
      rooms.push({
        roomName: s.meeting.roomName,
        owner,
        orphaned,
        drained,
        resumeMs: orphaned ? resumedAfter(s.sender, killedAt) : null,
        drainResumeMs: drained ? resumedAfter(s.sender, drainedAt) : null,
        sentences: s.sentences,
        missingSentences: s.sentences.filter((x) => !gotLine.includes(` ${x} `)),
        wordsLost: wordsMissing(s.sentences.join(" ").split(" "), got),
        transcript: markdown ?? "",
        liveMissed,
        liveRepeated: watcher.repeated,
        liveReconnects: watcher.reconnects,
      });
    }
    const resumes = rooms.flatMap((r) => (r.resumeMs === null ? [] : [r.resumeMs]));
    return {
      killed: victim.id,
      drainedInstance: drainVictim?.id ?? null,
      owners,
      rooms,
      resumeP95Ms: resumes.length ? percentile(resumes, 95) : null,
      wordsLost: rooms.reduce((n, r) => n + r.wordsLost, 0),
    };
  } finally {
    await Promise.all([...watchers.values()].map((w) => w.stop()));
    await sql.end();
  }
}
