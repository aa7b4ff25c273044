// Benchmark support for scripts/bench.ts: seeds many transcriptions fast (set-based SQL) and times list pages and searches.
import { performance } from "node:perf_hooks";
import { and, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptions } from "@/lib/db/schema";
import { listTranscriptions } from "./list";
import type { TranscriptionSort } from "./validation";

// Common words appear in most transcripts; the rare ones in a few, so searches hit both kinds of plans.
const COMMON_WORDS = [
  "budget", "roadmap", "customer", "release", "meeting", "agenda", "review", "design", "launch", "quarter", "revenue",
  "hiring", "feedback", "priority", "deadline", "project", "team", "update", "question", "decision", "risk", "plan",
  "report", "support", "contract", "pricing", "marketing", "sales", "product", "engineering", "invoice", "schedule",
];
const RARE_WORDS = ["zeppelin", "quokka", "marzipan", "obsidian", "tamarind", "xylophone", "kilimanjaro", "gazpacho"];
const ROOMS = 200;
const SEGMENTS_PER_TRANSCRIPT = 4;

/**
 * Adds `n` ready transcriptions (with sessions, two participants each and four segments of text) to the account,
 * spread over rooms "/bench-…" and the past months; then refreshes the planner's statistics. Runs in one
 * transaction; about 10 s per 100 000 on PostgreSQL.
 */
export async function seedTranscriptions(db: Db, accountId: string, n: number): Promise<void> {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a positive whole number, got ${n}`);
  const words = sql.raw(`array[${[...COMMON_WORDS, ...RARE_WORDS].map((w) => `'${w}'`).join(",")}]::text[]`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into rooms (id, account_id, room_name, room_key_sealed, start_date, end_date, language, created_at)
      select gen_random_uuid(), ${accountId}::uuid, '/bench-' || i || '-' || substr(md5(random()::text), 1, 16), 'bench',
             now(), now() + interval '1 year', 'en', now()
        from generate_series(1, ${ROOMS}) as i`);
    await tx.execute(sql`drop table if exists bench_seed`);
    await tx.execute(sql`
      create temp table bench_seed on commit drop as
      select i,
             gen_random_uuid() as session_id,
             gen_random_uuid() as transcription_id,
             date_trunc('milliseconds', now() - (i * interval '3 minutes') - random() * interval '2 minutes') as started_at,
             (30 + floor(random() * 7200))::int as duration
        from generate_series(1, ${n}) as i`);
    await tx.execute(sql`
      create temp table bench_rooms on commit drop as
      select id, room_name, (row_number() over (order by room_name)) - 1 as idx
        from rooms where account_id = ${accountId}::uuid and room_name like '/bench-%'`);
    await tx.execute(sql`
      insert into room_sessions (id, account_id, room_id, started_at, ended_at)
      select s.session_id, ${accountId}::uuid, r.id, s.started_at, s.started_at + s.duration * interval '1 second'
        from bench_seed s join bench_rooms r on r.idx = s.i % (select count(*) from bench_rooms)`);
    await tx.execute(sql`
      insert into session_participants (account_id, room_session_id, participant_id, display_name, role, joined_at, left_at)
      select ${accountId}::uuid, s.session_id, 'p' || k, (array['Ana','Ben','Chloé','Dev','Eun-ji','Farid'])[1 + (s.i + k) % 6],
             case when k = 1 then 'host' else 'guest' end, s.started_at, s.started_at + s.duration * interval '1 second'
        from bench_seed s cross join generate_series(1, 2) as k`);
    await tx.execute(sql`
      insert into transcriptions (id, account_id, room_id, room_session_id, room_name, language, phase, started_at, ended_at,
                                  duration_seconds, filename, storage_type, destination, storage_key)
      select s.transcription_id, ${accountId}::uuid, r.id, s.session_id, r.room_name, 'en',
             case when s.i % 50 = 0 then 'upload_failed' else 'ready' end,
             s.started_at, s.started_at + s.duration * interval '1 second', s.duration,
             substr(r.room_name, 2) || '-' || to_char(s.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '.md',
             case when s.i % 7 = 0 then 'SELF_HOSTED' else 'HOSTED' end,
             '{"destination":{"provider":"hosted"},"sealedFor":' || to_json(${accountId}::text)::text || '}', null
        from bench_seed s join bench_rooms r on r.idx = s.i % (select count(*) from bench_rooms)`);
    // Words are drawn per row: the "s.i" reference keeps the subquery correlated (evaluated for every row).
    await tx.execute(sql`
      insert into transcript_segments (account_id, transcription_id, participant_id, display_name, start_ms, end_ms, text)
      select ${accountId}::uuid, s.transcription_id, 'p' || (1 + k % 2), (array['Ana','Ben','Chloé','Dev','Eun-ji','Farid'])[1 + (s.i + 1 + k % 2) % 6],
             k * 5000, k * 5000 + 4000,
             (select string_agg(w.words[1 + floor(random() * ${COMMON_WORDS.length})::int], ' ')
                from generate_series(1, 12 + (s.i + k) % 3), (select ${words} as words) as w)
             || case when (s.i * 7 + k) % 997 = 0 then ' ' || (${words})[${COMMON_WORDS.length + 1} + (s.i % ${RARE_WORDS.length})] else '' end
        from bench_seed s cross join generate_series(0, ${SEGMENTS_PER_TRANSCRIPT - 1}) as k`);
  });
  await db.execute(sql`analyze transcriptions`);
  await db.execute(sql`analyze transcript_segments`);
  await db.execute(sql`analyze session_participants`);
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] * 10) / 10;
}

async function timed(samples: number[], fn: () => Promise<unknown>) {
  const t0 = performance.now();
  await fn();
  samples.push(performance.now() - t0);
}

/**
 * Times the list as the dashboard and the API use it, on the account's transcriptions: first pages and pages deep in
 * each sort order (followed by cursor), and searches for common words, rare words, speaker names and room-name
 * prefixes, with and without filters. Server time (the query and mapping), in milliseconds.
 */
export async function measureListQueries(db: Db, accountId: string): Promise<{ list_rows: number; list_page_p95_ms: number; search_p95_ms: number }> {
  const [{ rows }] = await db.select({ rows: count() }).from(transcriptions).where(eq(transcriptions.accountId, accountId));
  const sorts: TranscriptionSort[] = [
    { field: "startDate", direction: "desc" },
    { field: "startDate", direction: "asc" },
    { field: "roomName", direction: "asc" },
    { field: "roomName", direction: "desc" },
    { field: "durationInSeconds", direction: "desc" },
    { field: "durationInSeconds", direction: "asc" },
  ];
  // Warm-up: plans and caches, as on a running server.
  for (const sort of sorts) await listTranscriptions(db, accountId, { sort, limit: 50 });
  await listTranscriptions(db, accountId, { search: "budget", limit: 50 });

  const listSamples: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const sort of sorts) {
      let cursor: string | undefined;
      for (let page = 0; page < 8; page++) {
        let next: string | null = null;
        await timed(listSamples, async () => {
          next = (await listTranscriptions(db, accountId, { sort, cursor, limit: 50 })).nextCursor;
        });
        if (!next) break;
        cursor = next;
      }
    }
    await timed(listSamples, () => listTranscriptions(db, accountId, { state: "failed", limit: 50 }));
    await timed(listSamples, () => listTranscriptions(db, accountId, { storageType: "SELF_HOSTED", sort: { field: "durationInSeconds", direction: "desc" }, limit: 50 }));
    await timed(listSamples, () => listTranscriptions(db, accountId, { from: new Date(Date.now() - 30 * 86400_000), to: new Date(Date.now() - 20 * 86400_000), limit: 50 }));
  }

  const [someRoom] = await db
    .select({ roomName: transcriptions.roomName })
    .from(transcriptions)
    .where(and(eq(transcriptions.accountId, accountId)))
    .limit(1);
  const roomPrefix = someRoom ? someRoom.roomName.split("-").slice(0, 2).join("-") : "bench";
  const searches: { search: string; sort?: TranscriptionSort; state?: "ready" | "failed" }[] = [
    { search: "budget" },
    { search: "roadmap customer" },
    { search: "zeppelin" },
    { search: "quok" },
    { search: "kilimanjaro gazpacho" },
    { search: "Chloé" },
    { search: roomPrefix },
    { search: "nothingmatchesthis" },
    { search: "budget", sort: { field: "durationInSeconds", direction: "desc" } },
    { search: "release", sort: { field: "roomName", direction: "asc" } },
    { search: "marzipan", state: "ready" },
    { search: "invoice", state: "failed" },
  ];
  const searchSamples: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const s of searches) {
      let cursor: string | undefined;
      for (let page = 0; page < 2; page++) {
        let next: string | null = null;
        await timed(searchSamples, async () => {
          next = (await listTranscriptions(db, accountId, { ...s, cursor, limit: 50 })).nextCursor;
        });
        if (!next) break;
        cursor = next;
      }
    }
  }
  return { list_rows: Number(rows), list_page_p95_ms: p95(listSamples), search_p95_ms: p95(searchSamples) };
}
