// Two real app instances on one PostgreSQL database: audio goes to A, the live stream is read from A and from B
// (how much later B hears each final), and a client on B that keeps dropping and resuming with Last-Event-ID.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase } from "@/lib/db/client";
import { runMigrations } from "@/lib/db/migrate";
import { toneSpeech } from "@/lib/testing/fake-engine";
import { startLocalS3Server, type LocalS3Server } from "@/lib/storage/local-s3-server";
import { startLocalServer, type LocalServer } from "./local-server";
import { pacedPcmStream } from "./paced-audio";
import { VerbatimClient, type LiveEvent } from "./verbatim-client";

export type Cluster = { a: LocalServer; b: LocalServer; stop(): Promise<void> };

const LOCAL_POSTGRES = process.env.VERBATIM_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A new, migrated database on `baseUrl`'s server; the returned function drops it. */
async function freshDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const name = `verbatim_cluster_${randomBytes(6).toString("hex")}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end();
    throw new Error(`Cannot create a database on ${baseUrl} (${(error as Error).message}); this part needs PostgreSQL (--database-url).`);
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString() });
  await runMigrations(handle);
  await handle.close();
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * A fresh PostgreSQL database (on `databaseUrl`'s server, else VERBATIM_TEST_DATABASE_URL's, else the local one), a
 * Deepgram protocol server in this process that answers at once (utterances by loudness), and two `npm start` servers
 * on it that share their keys.
 */
export async function startCluster(log: (line: string) => void = () => {}, databaseUrl?: string | null): Promise<Cluster> {
  const { startDeepgramServer } = await import("@/lib/testing/deepgram-server");
  const deepgram = await startDeepgramServer({ apiKey: "cluster-key", recognize: "energy" });
  let database: { url: string; drop(): Promise<void> } | undefined;
  let s3: LocalS3Server | undefined;
  const servers: LocalServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
    await s3?.close();
    await deepgram.close();
  };
  try {
    database = await freshDatabase(databaseUrl ?? LOCAL_POSTGRES);
    // What every instance on one database must share (an instance on per-host secrets or storage refuses to start
    // beside another): the secrets and the hosted storage, here s3rver on loopback.
    s3 = await startLocalS3Server({ buckets: ["verbatim-transcripts"] });
    const env = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      VERBATIM_HOSTED_S3_BUCKET: "verbatim-transcripts",
      VERBATIM_HOSTED_S3_REGION: s3.region,
      VERBATIM_HOSTED_S3_ACCESS_KEY_ID: s3.accessKeyId,
      VERBATIM_HOSTED_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      VERBATIM_HOSTED_S3_ENDPOINT: s3.endpoint,
      VERBATIM_ENCRYPTION_KEYS: `cluster:${randomBytes(32).toString("base64")}`,
      VERBATIM_SPEECH_ENGINES: "deepgram",
      VERBATIM_SPEECH_ENGINE: "deepgram",
      DEEPGRAM_API_KEY: "cluster-key",
      VERBATIM_DEEPGRAM_URL: deepgram.url,
    };
    // One after the other: the first builds the app when the source changed, the second reuses the build.
    for (const name of ["A", "B"]) {
      log(`Starting instance ${name}…`);
      servers.push(await startLocalServer({ databaseUrl: database.url, env, readyTimeoutMs: 20 * 60_000, log }));
    }
    return { a: servers[0], b: servers[1], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type Final = { id: string; text: string; at: number };

/** Reads a live stream's finals (with the moment each arrived) until `signal` aborts; resolves when the stream ends. */
async function collectFinals(events: AsyncGenerator<LiveEvent>, out: Final[], onEvent: (e: LiveEvent) => void = () => {}) {
  try {
    for await (const e of events) {
      onEvent(e);
      if (e.type === "segment" && e.segment.final) out.push({ id: e.id!, text: e.segment.text, at: performance.now() });
    }
  } catch {
    // aborted
  }
}

export type CrossInstanceOutcome = {
  /** Finals as A's own live stream gave them, in order. */
  onA: Final[];
  onB: Final[];
  /** Per final heard on both: ms B heard it after A did. */
  extraDelayMs: number[];
  /** The client on B that dropped its connection `reconnects` times and resumed each time with Last-Event-ID. */
  resume: { reconnects: number; missed: number; repeated: number; received: number; saidWhileAway: number };
};

const WORDS = ["good morning everyone", "let us start", "with the budget", "please send me the report", "by friday", "we need three more people", "for the project", "yes", "thanks bye"];

/**
 * A participant joins on A and streams `utterances` sentences at real time to A. Meanwhile A's and B's live streams
 * are read, and a third client on B drops its connection after every second final, stays away a moment (missing
 * some), and resumes from the last id it read.
 */
export async function crossInstanceLive(cluster: Cluster, opts: { utterances?: number; log?: (line: string) => void } = {}): Promise<CrossInstanceOutcome> {
  const log = opts.log ?? (() => {});
  const n = opts.utterances ?? 16;
  const onA = new VerbatimClient(cluster.a.url, cluster.a.apiKey);
  const onB = new VerbatimClient(cluster.b.url, cluster.a.apiKey); // one database: A's key works on B
  const meeting = await onA.createMeeting({ startTrigger: "automatic" });
  const room = meeting.roomName;
  await onA.join(room, { participantId: "ana", displayName: "Ana" });

  const stop = new AbortController();
  const finalsA: Final[] = [];
  const finalsB: Final[] = [];
  const readA = collectFinals(await onA.openLive(room, stop.signal), finalsA);
  const readB = collectFinals(await onB.openLive(room, stop.signal), finalsB);

  // The client that keeps dropping: every second final it closes, waits, and comes back with the last id it read.
  const resumed: Final[] = [];
  let reconnects = 0;
  /** When the resuming client was away: finals A heard then reached it only through the replay. */
  const away: [number, number][] = [];
  const resuming = (async () => {
    let lastId: string | undefined;
    while (!stop.signal.aborted) {
      const connection = new AbortController();
      const onStop = () => connection.abort();
      stop.signal.addEventListener("abort", onStop, { once: true });
      let finalsHere = 0;
      const events = await onB.openLive(room, connection.signal, { lastEventId: lastId }).catch(() => null);
      if (!events) break;
      if (lastId) {
        reconnects++;
        away.at(-1)![1] = performance.now();
      }
      await collectFinals(events, resumed, (e) => {
        if ("id" in e && e.id) lastId = e.id;
        if (e.type === "segment" && e.segment.final && ++finalsHere >= 2) connection.abort();
      });
      stop.signal.removeEventListener("abort", onStop);
      away.push([performance.now(), Infinity]);
      // Away: briefly, or long enough for a final or two to be said meanwhile.
      await new Promise((r) => setTimeout(r, reconnects % 2 === 0 ? 2_500 : 600));
    }
  })();

  const speech = toneSpeech(
    Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]),
    { pauseMs: 700 },
  );
  log(`  ${n} utterances at real time to A (${Math.round(speech.pcm.length / 32_000)} s)…`);
  await onA.streamAudio(room, "ana", pacedPcmStream(speech.pcm));
  // The last final comes when the stream ends; wait until both streams and the resuming client have it.
  const deadline = Date.now() + 30_000;
  const allIn = () => finalsA.length >= n && finalsB.length >= finalsA.length && new Set(resumed.map((f) => f.id)).size >= finalsA.length;
  while (!allIn() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 500)); // anything repeated would come now
  stop.abort();
  await Promise.all([readA, readB, resuming]);
  await onA.leave(room, "ana").catch(() => {});

  const atB = new Map(finalsB.map((f) => [f.id, f.at]));
  const extraDelayMs = finalsA.filter((f) => atB.has(f.id)).map((f) => atB.get(f.id)! - f.at);
  const got = resumed.map((f) => f.id);
  const missed = finalsA.filter((f) => !got.includes(f.id)).length;
  const saidWhileAway = finalsA.filter((f) => away.some(([from, to]) => f.at > from && f.at < to)).length;
  return {
    onA: finalsA,
    onB: finalsB,
    extraDelayMs,
    resume: { reconnects, missed, repeated: got.length - new Set(got).size, received: got.length, saidWhileAway },
  };
}
