// The segment queue on a real (embedded) database with faults put in its client: a write whose answer is lost is not
// stored twice, and a cut database delays the writes without reordering or dropping any.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { transcriptSegments } from "@/lib/db/schema";
import { cuttablePglite } from "@/lib/testing/db-outage";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { createTestTranscript } from "@/lib/transcripts/testing";
import { SegmentQueue, unwrittenSegments } from "./segment-queue";

describe("segment queue", () => {
  let database: Awaited<ReturnType<typeof cuttablePglite>>;
  let accountId: string;
  let transcriptionId: string;
  beforeAll(async () => {
    database = await cuttablePglite();
    const { account } = await createAccountWithAdmin(
      database.handle.db,
      { accountName: "Q", name: "Q", email: "q@example.com", password: "correct horse battery" },
      { onlyIfEmpty: false, via: "cli" },
    );
    accountId = account.id;
    transcriptionId = (await createTestTranscript(database.handle.db, accountId, { state: "in_progress", store: false })).id;
  });
  afterAll(() => database.handle.close());

  const segment = (text: string, startMs: number) => ({ accountId, transcriptionId, participantId: "p", displayName: "P", startMs, endMs: startMs + 500, text });
  const stored = async () =>
    (
      await database.handle.db
        .select({ text: transcriptSegments.text })
        .from(transcriptSegments)
        .where(eq(transcriptSegments.transcriptionId, transcriptionId))
        .orderBy(asc(transcriptSegments.id))
    ).map((r) => r.text);

  it("stores each segment once, in order, through a lost answer and an outage", async () => {
    const queue = new SegmentQueue({ db: async () => database.handle.db, label: "test", backoff: { firstMs: 20, maxMs: 100 } });
    database.loseNextAnswer(); // the first insert runs, but the queue hears only a reset connection and tries again
    const first = queue.enqueue(segment("one", 0));
    await first;
    database.cut();
    const later = [queue.enqueue(segment("two", 1000)), queue.enqueue(segment("three", 2000))];
    await new Promise((r) => setTimeout(r, 300));
    expect(queue.size).toBe(2);
    expect(unwrittenSegments(transcriptionId)).toBe(2);
    database.restore();
    await Promise.all(later);
    expect(unwrittenSegments(transcriptionId)).toBe(0);
    expect(await stored()).toEqual(["one", "two", "three"]);
  });

  it("is full at its bound: this session's, or the instance's", async () => {
    database.cut();
    const small = new SegmentQueue({ db: async () => database.handle.db, label: "small", limits: { perSession: 2, perInstance: 100 }, backoff: { firstMs: 20, maxMs: 50 } });
    const other = new SegmentQueue({ db: async () => database.handle.db, label: "other", limits: { perSession: 100, perInstance: 3 }, backoff: { firstMs: 20, maxMs: 50 } });
    const writes = [small.enqueue(segment("a", 3000))];
    expect(small.full).toBe(false);
    writes.push(small.enqueue(segment("b", 4000)));
    expect(small.full).toBe(true);
    expect(other.full).toBe(false);
    writes.push(other.enqueue(segment("c", 5000)));
    expect(other.full).toBe(true); // three wait on this instance, its bound
    database.restore();
    await Promise.all(writes);
    expect(small.full || other.full).toBe(false);
  });
});
