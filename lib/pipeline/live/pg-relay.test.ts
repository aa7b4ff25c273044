// The relay's receiving side on real PostgreSQL: another instance's NOTIFY (sent here from a separate connection, in
// the relay's wire format) reaches this process's live bus; a final sent without its text is read from the database;
// payloads stay under PostgreSQL's limit, a long interim keeping its newest words.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import type { DbHandle } from "@/lib/db/client";
import { useDatabase } from "@/lib/db/client";
import { transcriptSegments } from "@/lib/db/schema";
import { createTestDatabase } from "@/lib/db/testing";
import { createTestTranscript } from "@/lib/transcripts/testing";
import { subscribeLive, type LiveEvent } from "./live-bus";
import { encodeLiveEvent, ensureLiveRelay, LIVE_CHANNEL, MAX_PAYLOAD_BYTES } from "./pg-relay";

const interim = (text: string): LiveEvent => ({
  type: "segment",
  transcriptionId: "00000000-0000-4000-8000-000000000001",
  data: { participantId: "ana", displayName: "Ana", startMs: 0, endMs: 100, text, final: false },
});

describe("live relay payloads", () => {
  it("keeps a long interim's newest words under the limit, and sends a long final without its text", () => {
    const long = Array.from({ length: 3000 }, (_, i) => `wörd${i}`).join(" ");
    const payload = encodeLiveEvent("room-1", interim(long))!;
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const wire = JSON.parse(payload);
    expect(wire.cut).toBe(true);
    expect(wire.d.text.startsWith("…")).toBe(true);
    expect(wire.d.text.endsWith("wörd2999")).toBe(true);
    expect(long.endsWith(wire.d.text.slice(1))).toBe(true);

    const final: LiveEvent = { ...interim(long), seq: 7 } as LiveEvent;
    (final as { data: { final: boolean } }).data.final = true;
    const finalWire = JSON.parse(encodeLiveEvent("room-1", final)!);
    expect(finalWire).toMatchObject({ r: "room-1", k: "segment", q: 7 });
    expect(finalWire.d).toBeUndefined();

    const short = JSON.parse(encodeLiveEvent("room-1", interim("hello"))!);
    expect(short.d.text).toBe("hello");
    expect(short.cut).toBeUndefined();
  });
});

describe("live relay on PostgreSQL", () => {
  let handle: DbHandle;
  let other: postgres.Sql;
  let accountId: string;
  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    useDatabase(handle);
    await ensureLiveRelay();
    other = postgres(handle.url!, { max: 1, onnotice: () => {} });
    ({
      account: { id: accountId },
    } = await createAccountWithAdmin(handle.db, { accountName: "R", name: "R", email: "r@example.com", password: "correct horse battery" }, { onlyIfEmpty: false, via: "cli" }));
  });
  afterAll(async () => {
    await other?.end();
    await handle?.close();
  });

  /** The next event of a room on this process's bus. */
  const nextEvent = (roomId: string) =>
    new Promise<LiveEvent>((resolve) => {
      const stop = subscribeLive(roomId, (e) => {
        stop();
        resolve(e);
      });
    });

  it("delivers another instance's interim and state events here, and ignores what is not its format", async () => {
    const got = nextEvent("room-a");
    await other.notify(LIVE_CHANNEL, "not json");
    await other.notify(LIVE_CHANNEL, encodeLiveEvent("room-a", interim("good morning"))!.replace(/"o":"[^"]+"/, '"o":"another-instance"'));
    const e = await got;
    expect(e).toMatchObject({ type: "segment", data: { text: "good morning", final: false } });

    const state = nextEvent("room-a");
    await other.notify(LIVE_CHANNEL, JSON.stringify({ o: "another-instance", r: "room-a", k: "state", d: { transcription: { state: "idle", transcriptionId: null } } }));
    expect(await state).toMatchObject({ type: "state", data: { transcription: { state: "idle" } } });
  });

  it("reads a final sent without its text from the stored segments", async () => {
    const t = await createTestTranscript(handle.db, accountId, { state: "in_progress", store: false });
    await handle.db.insert(transcriptSegments).values({ accountId, transcriptionId: t.id, participantId: "ben", displayName: "Ben", startMs: 10, endMs: 900, text: "a long line", liveSeq: 42 });
    const got = nextEvent("room-b");
    await other.notify(LIVE_CHANNEL, JSON.stringify({ o: "another-instance", r: "room-b", k: "segment", t: t.id, q: 42 }));
    expect(await got).toMatchObject({ type: "segment", transcriptionId: t.id, seq: 42, data: { text: "a long line", displayName: "Ben", final: true } });
  });
});
