// Live events between instances on PostgreSQL: one NOTIFY per event on one channel, every instance LISTENs and hands
// what others published to its own live bus. NOTIFY has no replay; the stored segments are the replay.
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { getDbHandle, type Db, type DbHandle, type PubSub } from "@/lib/db/client";
import { transcriptSegments } from "@/lib/db/schema";
import { nameOrPlaceholder } from "@/lib/transcripts/render";
import { deliverLive, requestLiveResync, setLiveRelay, type LiveEvent, type LiveSegment } from "@/lib/pipeline/live/live-bus";

export const LIVE_CHANNEL = "verbatim_live";
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; this leaves room for the envelope's growth. */
export const MAX_PAYLOAD_BYTES = 7_500;

/** This process, so that it skips its own notifications (it delivered them itself already). */
const processToken = randomUUID();

/** The payload: who sent it, the room, and the event (a final's data may be left out: the receiver reads the row). */
type Wire = {
  o: string;
  r: string;
  k: "segment" | "state";
  t?: string;
  q?: number;
  d?: unknown;
  /** Set when an interim's text was cut to fit. */
  cut?: true;
};

const bytes = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * The NOTIFY payload of an event, under MAX_PAYLOAD_BYTES: a final too long to carry goes without its data (the
 * receivers read it from the database, where it is stored before it is sent); an interim too long keeps its newest
 * words, after "…", since it is not stored anywhere.
 */
export function encodeLiveEvent(roomId: string, event: LiveEvent): string | null {
  const wire: Wire = { o: processToken, r: roomId, k: event.type, d: event.data };
  if (event.type === "segment") Object.assign(wire, { t: event.transcriptionId, q: event.seq });
  let payload = JSON.stringify(wire);
  if (bytes(payload) <= MAX_PAYLOAD_BYTES) return payload;
  if (event.type === "state") return null; // never this long: a state has a few short fields
  if (event.seq !== undefined) return JSON.stringify({ ...wire, d: undefined });
  const data = event.data;
  let text = data.text;
  while (bytes(payload) > MAX_PAYLOAD_BYTES && text.length > 0) {
    const over = bytes(payload) - MAX_PAYLOAD_BYTES;
    text = text.slice(Math.max(1, Math.ceil(over / 2) + 1));
    payload = JSON.stringify({ ...wire, d: { ...data, text: `…${text}` }, cut: true });
  }
  return bytes(payload) <= MAX_PAYLOAD_BYTES ? payload : null;
}

async function decode(db: Db, wire: Wire): Promise<LiveEvent | null> {
  if (wire.k === "state") return { type: "state", data: wire.d as { transcription: never } };
  if (wire.d) return { type: "segment", data: wire.d as LiveSegment, transcriptionId: wire.t, seq: wire.q };
  if (!wire.t || wire.q === undefined) return null;
  const [row] = await db
    .select()
    .from(transcriptSegments)
    .where(and(eq(transcriptSegments.transcriptionId, wire.t), eq(transcriptSegments.liveSeq, wire.q)));
  if (!row) return null;
  const data: LiveSegment = { participantId: row.participantId, displayName: nameOrPlaceholder(row.displayName), startMs: row.startMs, endMs: row.endMs, text: row.text, final: true };
  return { type: "segment", data, transcriptionId: wire.t, seq: wire.q };
}

type RelayState = { handle: DbHandle; ready: Promise<() => Promise<void>> };
const key = Symbol.for("verbatim.live-relay");
type Holder = { [key]?: RelayState };

/**
 * Starts the relay once per process and database (on PostgreSQL) and resolves when this instance listens, so that a
 * stream opened after it hears every event another instance sends from then on. On PGlite there is one process:
 * nothing to do.
 */
export async function ensureLiveRelay(): Promise<void> {
  const handle = await getDbHandle();
  const holder = globalThis as Holder;
  let state = holder[key];
  if (state?.handle !== handle) {
    if (state) {
      // Another database for this process (tests): the old one's listener goes.
      setLiveRelay(null);
      void state.ready.then((unlisten) => unlisten()).catch(() => {});
    }
    state = { handle, ready: start(handle) };
    holder[key] = state;
    const started = state;
    started.ready.catch(() => {
      if (holder[key] === started) delete holder[key];
    });
  }
  await state.ready;
}

async function start(handle: DbHandle): Promise<() => Promise<void>> {
  if (!handle.pubsub) return async () => {};
  const pubsub = handle.pubsub;
  const unlisten = await listen(pubsub, handle.db);
  let sending: Promise<void> = Promise.resolve();
  setLiveRelay({
    // One NOTIFY at a time: the pool's connections would otherwise reorder them.
    send: (roomId, event) => {
      const payload = encodeLiveEvent(roomId, event);
      if (payload === null) return Promise.resolve();
      sending = sending.then(() => pubsub.notify(LIVE_CHANNEL, payload)).catch((error) => console.error("Live NOTIFY failed:", (error as Error).message));
      return sending;
    },
  });
  return unlisten;
}

async function listen(pubsub: PubSub, db: Db): Promise<() => Promise<void>> {
  let receiving: Promise<void> = Promise.resolve();
  let listening = false;
  return pubsub.listen(
    LIVE_CHANNEL,
    (payload) => {
      let wire: Wire;
      try {
        wire = JSON.parse(payload) as Wire;
      } catch {
        return;
      }
      if (wire.o === processToken) return;
      // In arrival order, even when a final has to be read from the database first.
      receiving = receiving
        .then(() => decode(db, wire))
        .then((event) => void (event && deliverLive(wire.r, event)))
        .catch((error) => console.error("Live event from another instance dropped:", (error as Error).message));
    },
    () => {
      // The listening connection came back: what was sent meanwhile is lost; streams read the stored finals again.
      if (listening) requestLiveResync();
      listening = true;
    },
  );
}
