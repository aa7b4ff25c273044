// Final segments on their way to the database: a bounded, ordered queue per session that rides out a database outage.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { transcriptSegments } from "@/lib/db/schema";
import { databaseErrorSummary } from "@/lib/db/unavailable";
import { backoffMs, sleep, type BackoffOptions } from "@/lib/retry/backoff";

export type SegmentRow = Omit<typeof transcriptSegments.$inferInsert, "id" | "segmentKey" | "createdAt">;

/**
 * How many final segments may wait for the database before new audio is refused (503 with Retry-After), per session
 * and for the whole instance. A segment is a few hundred bytes, so the instance bound holds memory to a few MB; one
 * speaker makes about one segment every few seconds, so a session's bound rides out many minutes of outage. Segments
 * of audio already accepted are always kept, even past the bound: only new audio is refused.
 */
export const SEGMENT_QUEUE_LIMITS = { perSession: 1_000, perInstance: 10_000 };
export type SegmentQueueLimits = typeof SEGMENT_QUEUE_LIMITS;

/** Retries of a failed write: soon after a hiccup, then every few seconds while the database is away. */
export const SEGMENT_WRITE_BACKOFF: BackoffOptions = { firstMs: 200, maxMs: 5_000 };

/** Rows written in one statement when a backlog drains. */
const BATCH_ROWS = 100;

// Instance-wide counts, on globalThis: Next.js may load this module more than once in one process.
const key = Symbol.for("verbatim.segment-queue");
type Registry = { total: number; byTranscription: Map<string, number> };
type Holder = { [key]?: Registry };
function registry(): Registry {
  const holder = globalThis as Holder;
  holder[key] ??= { total: 0, byTranscription: new Map() };
  return holder[key];
}

function count(transcriptionId: string, delta: number) {
  const r = registry();
  r.total += delta;
  const n = (r.byTranscription.get(transcriptionId) ?? 0) + delta;
  if (n > 0) r.byTranscription.set(transcriptionId, n);
  else r.byTranscription.delete(transcriptionId);
}

/** Final segments of a transcription accepted on this instance and not yet stored: it must not be saved before they are. */
export function unwrittenSegments(transcriptionId: string): number {
  return registry().byTranscription.get(transcriptionId) ?? 0;
}

/** Final segments waiting for the database on this instance, all sessions together. */
export function unwrittenSegmentsOnInstance(): number {
  return registry().total;
}

type Entry = { row: SegmentRow & { segmentKey: string }; written: Promise<void>; done: () => void; settled?: (stored: boolean) => void };

export type SegmentQueueOptions = {
  db: () => Promise<Db>;
  limits?: SegmentQueueLimits;
  backoff?: BackoffOptions;
  /** Called when `full` changes, so the session can say so. */
  onChange?: () => void;
  /** Names the session in log lines. */
  label: string;
};

/**
 * Writes final segments in the order they were accepted, one batch at a time; a failed write is retried with backoff
 * until the database answers, and never skipped. Each row carries a key chosen once, so a write whose answer was lost
 * with the connection is not stored twice when it is retried.
 */
export class SegmentQueue {
  private readonly pending: Entry[] = [];
  private draining = false;
  private dropped = false;
  private failures = 0;
  private wasFull = false;
  private readonly stop = new AbortController();
  /** While writes fail: since when, and why (logged, not shown to users). */
  outage: { since: Date; error: string } | undefined;

  constructor(private readonly opts: SegmentQueueOptions) {}

  get size(): number {
    return this.pending.length;
  }

  private get limits(): SegmentQueueLimits {
    return this.opts.limits ?? SEGMENT_QUEUE_LIMITS;
  }

  /** Whether new audio must be refused: this session's queue, or the instance's, holds as many segments as it may. */
  get full(): boolean {
    return this.pending.length >= this.limits.perSession || unwrittenSegmentsOnInstance() >= this.limits.perInstance;
  }

  /**
   * Queues a final segment; resolves once it is stored (never rejects: it is retried until then). `settled` hears
   * true once it is stored, or false if the queue is dropped before (a simulated crash).
   */
  enqueue(row: SegmentRow, settled?: (stored: boolean) => void): Promise<void> {
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    this.pending.push({ row: { ...row, segmentKey: randomUUID() }, written, done, settled });
    count(row.transcriptionId, 1);
    this.noticeChange();
    if (!this.draining && !this.dropped) {
      this.draining = true;
      void this.drain();
    }
    return written;
  }

  /** Resolves when everything queued so far is stored. */
  drained(): Promise<void> {
    return this.pending.at(-1)?.written ?? Promise.resolve();
  }

  /** Forgets the queue, as a crash would (tests simulate one); what is queued is not written. */
  drop() {
    this.dropped = true;
    this.stop.abort();
    for (const e of this.pending.splice(0)) {
      count(e.row.transcriptionId, -1);
      e.settled?.(false);
    }
  }

  private async drain() {
    while (this.pending.length > 0 && !this.dropped) {
      const batch = this.pending.slice(0, BATCH_ROWS);
      try {
        const db = await this.opts.db();
        await db
          .insert(transcriptSegments)
          .values(batch.map((e) => e.row))
          .onConflictDoNothing({ target: [transcriptSegments.transcriptionId, transcriptSegments.segmentKey] });
      } catch (error) {
        if (this.dropped) break;
        this.failures++;
        if (!this.outage) {
          this.outage = { since: new Date(), error: databaseErrorSummary(error) };
          console.error(`Storing final segments failed (${this.opts.label}); ${this.pending.length} kept in order and retried: ${this.outage.error}`);
          this.noticeChange();
        }
        await sleep(backoffMs(this.failures, this.opts.backoff ?? SEGMENT_WRITE_BACKOFF), this.stop.signal);
        continue;
      }
      this.pending.splice(0, batch.length);
      for (const e of batch) {
        count(e.row.transcriptionId, -1);
        e.done();
        e.settled?.(true);
      }
      if (this.outage) {
        console.log(`Storing final segments works again (${this.opts.label}) after ${this.failures} failed attempt(s).`);
        this.outage = undefined;
      }
      this.failures = 0;
      this.noticeChange();
    }
    this.draining = false;
  }

  private noticeChange() {
    const full = this.full;
    if (full === this.wasFull) return;
    this.wasFull = full;
    this.opts.onChange?.();
  }
}
