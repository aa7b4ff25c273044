// Usage at a glance: transcribed minutes per day and per room, sessions, languages, failed saves and storage used over a range,
// for the dashboard's Usage page, its CSV export and GET /api/v1/usage (one computation for all three).
import { and, count, desc, eq, gte, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { rooms, roomSessions, transcriptions } from "@/lib/db/schema";

export const MAX_USAGE_RANGE_DAYS = 366;
const DAY_MS = 24 * 3600_000;

/** The query as sent (for the OpenAPI document). */
export const usageRangeSchema = z.object({
  from: z.iso.datetime({ offset: true, error: "Give from as an ISO-8601 date and time, such as 2026-11-01T00:00:00Z" }).optional(),
  to: z.iso.datetime({ offset: true, error: "Give to as an ISO-8601 date and time, such as 2026-12-01T00:00:00Z" }).optional(),
});

/** `from` and `to` (ISO-8601); by default the 30 days up to now. At most a year. */
export const usageQuerySchema = usageRangeSchema.transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
    if (to.getTime() - from.getTime() > MAX_USAGE_RANGE_DAYS * DAY_MS) ctx.addIssue({ code: "custom", path: ["from"], message: `Ask for at most ${MAX_USAGE_RANGE_DAYS} days at a time` });
    return { from, to };
  });

export type Usage = {
  from: string;
  to: string;
  totals: { transcribedMinutes: number; transcriptions: number; sessions: number; failed: number };
  /** Each UTC day of the range that had a transcription. */
  days: { date: string; transcribedMinutes: number; transcriptions: number }[];
  rooms: { roomName: string; title: string | null; transcribedMinutes: number; transcriptions: number }[];
  languages: { language: string; transcriptions: number }[];
  /**
   * Transcript files: `savedBytes` saved in the range, `storedBytes` and `storedTranscripts` all the account's saved
   * transcripts hold now (whatever the range; a deleted transcript no longer counts). `unknownSize` counts saved
   * transcripts whose size was not recorded (saved before sizes were kept), left out of both sums.
   */
  storage: { savedBytes: number; storedBytes: number; storedTranscripts: number; unknownSize: number };
  /** The latest failed transcriptions of the range, with why. */
  failures: { transcriptionId: string; roomName: string; startDate: string; error: string }[];
};

const minutes = (seconds: number) => Math.round((seconds / 60) * 10) / 10;

export async function accountUsage(db: Db, accountId: string, range: { from: Date; to: Date }): Promise<Usage> {
  const inRange = and(eq(transcriptions.accountId, accountId), gte(transcriptions.startedAt, range.from), lt(transcriptions.startedAt, range.to));
  // Minutes count what was saved (ready); a failed or running transcription has no settled duration.
  const readySeconds = sql<number>`coalesce(sum(${transcriptions.durationSeconds}) filter (where ${transcriptions.state} = 'ready'), 0)`.mapWith(Number);
  const day = sql<string>`to_char(${transcriptions.startedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const isReady = and(eq(transcriptions.accountId, accountId), eq(transcriptions.state, "ready"));
  const bytes = sql<number>`coalesce(sum(${transcriptions.sizeBytes}), 0)`.mapWith(Number);
  const [days, byRoom, languages, failures, [sessions], [saved], [stored]] = await Promise.all([
    db.select({ date: day, seconds: readySeconds, n: count() }).from(transcriptions).where(inRange).groupBy(day).orderBy(day),
    db
      .select({ roomName: transcriptions.roomName, title: sql<string | null>`max(${rooms.title})`, seconds: readySeconds, n: count() })
      .from(transcriptions)
      .leftJoin(rooms, eq(rooms.id, transcriptions.roomId))
      .where(inRange)
      .groupBy(transcriptions.roomName)
      .orderBy(desc(readySeconds), transcriptions.roomName),
    db.select({ language: transcriptions.language, n: count() }).from(transcriptions).where(inRange).groupBy(transcriptions.language).orderBy(desc(count()), transcriptions.language),
    db
      .select({ id: transcriptions.id, roomName: transcriptions.roomName, startedAt: transcriptions.startedAt, error: transcriptions.error })
      .from(transcriptions)
      .where(and(inRange, eq(transcriptions.state, "failed")))
      .orderBy(desc(transcriptions.startedAt))
      .limit(50),
    db
      .select({ n: count() })
      .from(roomSessions)
      .where(and(eq(roomSessions.accountId, accountId), gte(roomSessions.startedAt, range.from), lt(roomSessions.startedAt, range.to))),
    db.select({ bytes }).from(transcriptions).where(and(inRange, eq(transcriptions.state, "ready"))),
    db
      .select({ bytes, n: count(), unknown: sql<number>`count(*) filter (where ${transcriptions.sizeBytes} is null)`.mapWith(Number) })
      .from(transcriptions)
      .where(isReady),
  ]);
  const failedCount = (
    await db
      .select({ n: count() })
      .from(transcriptions)
      .where(and(inRange, eq(transcriptions.state, "failed")))
  )[0].n;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    totals: {
      transcribedMinutes: minutes(days.reduce((sum, d) => sum + d.seconds, 0)),
      transcriptions: days.reduce((sum, d) => sum + d.n, 0),
      sessions: sessions.n,
      failed: failedCount,
    },
    days: days.map((d) => ({ date: d.date, transcribedMinutes: minutes(d.seconds), transcriptions: d.n })),
    rooms: byRoom.map((r) => ({ roomName: r.roomName, title: r.title, transcribedMinutes: minutes(r.seconds), transcriptions: r.n })),
    languages: languages.map((l) => ({ language: l.language, transcriptions: l.n })),
    storage: { savedBytes: saved.bytes, storedBytes: stored.bytes, storedTranscripts: stored.n, unknownSize: stored.unknown },
    failures: failures.map((f) => ({ transcriptionId: f.id, roomName: f.roomName, startDate: f.startedAt.toISOString(), error: f.error ?? "no reason was recorded" })),
  };
}

/** Bytes in words for people: "812 bytes", "14.2 kB", "3.1 MB" (powers of 1000, as storage bills count). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function csvField(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV with a section per table, for a spreadsheet. */
export function usageCsv(usage: Usage): string {
  const rows: (string | number | null)[][] = [
    ["section", "date_or_room", "title", "transcribed_minutes", "transcriptions", "bytes"],
    ...usage.days.map((d) => ["day", d.date, null, d.transcribedMinutes, d.transcriptions, null]),
    ...usage.rooms.map((r) => ["room", r.roomName, r.title, r.transcribedMinutes, r.transcriptions, null]),
    ...usage.languages.map((l) => ["language", l.language, null, null, l.transcriptions, null]),
    ["storage", "saved_in_range", null, null, null, usage.storage.savedBytes],
    ["storage", "stored_now", null, null, usage.storage.storedTranscripts, usage.storage.storedBytes],
  ];
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
