// Bench: the latency the pipeline adds to Deepgram's answers, over a local Deepgram protocol server in this process.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { transcriptSegments } from "@/lib/db/schema";
import { pacedPcmStream } from "./paced-audio";
import { percentile, roundOrNull } from "./stats";
import type { ComposedSpeech } from "@/lib/testing/speech";

export type DeepgramOverhead = {
  /** Per final: ms from the server sending it to the segment published on the live bus. */
  publishedMs: number[];
  /** Per final: ms from the server sending it to the segment's row being stored. */
  storedMs: number[];
  /** Finals the server sent that never reached the database. */
  unmatched: number;
};

/**
 * A room session in this process, through the same pipeline functions the routes call (join, stream, leave), with the
 * engine set to Deepgram against a local server that answers at once (utterances found by loudness, no recognizer, so a
 * busy machine's recognizer does not hold the answers back). Times run from the moment the server sent a final.
 */
export async function measureDeepgramOverhead(speeches: ComposedSpeech[], log: (line: string) => void): Promise<DeepgramOverhead> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-bench-deepgram-"));
  const { startDeepgramServer } = await import("@/lib/testing/deepgram-server");
  const server = await startDeepgramServer({ apiKey: "bench-key", recognize: "energy" });
  Object.assign(process.env, {
    VERBATIM_DATA_DIR: dataDir,
    VERBATIM_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    VERBATIM_SPEECH_ENGINE: "deepgram",
    DEEPGRAM_API_KEY: "bench-key",
    VERBATIM_DEEPGRAM_URL: server.url,
  });
  const { resetAppEnvForTests } = await import("@/lib/config/env");
  const { resetAppKeyringForTests } = await import("@/lib/config/keyring");
  resetAppEnvForTests();
  resetAppKeyringForTests();
  const { openDatabase, useDatabase } = await import("@/lib/db/client");
  const { runMigrations } = await import("@/lib/db/migrate");
  const { createAccountWithAdmin } = await import("@/lib/accounts/accounts");
  const { createRoom } = await import("@/lib/rooms/rooms");
  const { createMeetingSchema } = await import("@/lib/rooms/validation");
  const { speechEngineStatus } = await import("@/lib/speech/status");
  const { subscribeLive } = await import("@/lib/pipeline/live/live-bus");
  const { joinParticipant, leaveParticipant } = await import("@/lib/pipeline/participants");
  const { acceptAudioStream, openSessionFor } = await import("@/lib/pipeline/participant-audio");
  const { settlePipelineTasks } = await import("@/lib/pipeline/tasks");

  const handle = await openDatabase({ pgliteMemory: true });
  try {
    await runMigrations(handle);
    const stored: { text: string; at: number }[] = [];
    // The pipeline's database, with the moment each transcript segment's insert completes noted. Every other call,
    // and every other method of the insert (onConflictDoNothing), is the real one: only awaiting the query is watched.
    const watched = <Q extends PromiseLike<unknown>>(query: Q, rows: { text: string }[]): Q =>
      new Proxy(query, {
        get(target, prop, receiver) {
          if (prop === "then") {
            return (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) =>
              target.then((result) => {
                const at = performance.now();
                for (const row of rows) stored.push({ text: row.text, at });
                return result;
              }).then(resolve, reject);
          }
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? (...args: unknown[]) => {
            const next = value.apply(target, args);
            return next && typeof next.then === "function" ? watched(next, rows) : next;
          } : value;
        },
      });
    const db = new Proxy(handle.db, {
      get(target, prop, receiver) {
        if (prop !== "insert") return Reflect.get(target, prop, receiver);
        return (table: unknown) => {
          const builder = target.insert(table as typeof transcriptSegments);
          if (table !== transcriptSegments) return builder;
          return new Proxy(builder, {
            get(b, p, r) {
              if (p !== "values") return Reflect.get(b, p, r);
              return (rows: typeof transcriptSegments.$inferInsert | (typeof transcriptSegments.$inferInsert)[]) =>
                watched(b.values(rows as typeof transcriptSegments.$inferInsert), Array.isArray(rows) ? rows : [rows]);
            },
          });
        };
      },
    }) as Db;
    useDatabase({ ...handle, db });
    const status = await speechEngineStatus("deepgram", { refresh: true });
    if (!status.ok) throw new Error(`Deepgram engine not ready: ${status.problem}`);

    const { account, user } = await createAccountWithAdmin(db, { accountName: "Bench", name: "Bench", email: "bench@example.com", password: "bench passphrase 1" }, { onlyIfEmpty: true, via: "cli" });
    const admin = { accountId: account.id, userId: user.id, role: "admin" as const, label: user.email, via: "session" as const };
    const { room } = await createRoom(db, admin, createMeetingSchema.parse({ endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "bench", liveTranscription: { startTrigger: "automatic", language: "en" } }));

    const sent: { text: string; at: number }[] = [];
    server.onSent(({ message, at }) => {
      if (message.type !== "Results" || message.is_final !== true) return;
      const alt = (message.channel as { alternatives: { transcript: string }[] }).alternatives[0];
      if (alt.transcript.trim()) sent.push({ text: alt.transcript.trim(), at });
    });
    const published: { text: string; at: number }[] = [];
    const unsubscribe = subscribeLive(room.id, (event) => {
      if (event.type === "segment" && event.data.final) published.push({ text: event.data.text, at: performance.now() });
    });

    const ids = speeches.map((_, i) => `bench-dg-${i}`);
    for (const id of ids) await joinParticipant(db, room, { participantId: id, displayName: id }, { apiKey: true });
    const session = await openSessionFor(db, room);
    log(`  ${speeches.length} tracks at real time (${Math.round(Math.max(...speeches.map((s) => s.pcm.length)) / 32_000)} s)…`);
    await Promise.all(speeches.map((speech, i) => acceptAudioStream(db, session, ids[i], pacedPcmStream(speech.pcm))));
    for (const id of ids) await leaveParticipant(db, room, id);
    await settlePipelineTasks();
    unsubscribe();

    // Each final the server sent, matched to the first not yet matched publication and row with its text.
    const take = (list: { text: string; at: number }[], text: string, after: number) => {
      const i = list.findIndex((x) => x.text === text && x.at >= after);
      return i < 0 ? undefined : list.splice(i, 1)[0].at;
    };
    const result: DeepgramOverhead = { publishedMs: [], storedMs: [], unmatched: 0 };
    for (const s of sent) {
      const pub = take(published, s.text, s.at);
      const row = take(stored, s.text, s.at);
      if (pub === undefined || row === undefined) result.unmatched++;
      else {
        result.publishedMs.push(pub - s.at);
        result.storedMs.push(row - s.at);
      }
    }
    return result;
  } finally {
    await handle.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function overheadFigures(o: DeepgramOverhead) {
  return {
    deepgram_overhead_p95_ms: roundOrNull(percentile(o.storedMs, 95), 1),
    published_p95: roundOrNull(percentile(o.publishedMs, 95), 1),
    published_p50: roundOrNull(percentile(o.publishedMs, 50), 1),
    stored_p50: roundOrNull(percentile(o.storedMs, 50), 1),
  };
}
