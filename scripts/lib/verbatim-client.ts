// A small HTTP client of Verbatim's public API and live-session contract, for the simulator and the benchmark.
import { readSse, type SseEvent } from "./sse";
import type { ParticipantRole } from "@/lib/db/schema";
import type { LiveSegment } from "@/lib/pipeline/live/live-bus";

export const PCM_CONTENT_TYPE = "audio/L16;rate=16000;channels=1";

export type TranscriptionState = { state: "idle" | "in_progress"; transcriptionId: string | null; startTrigger: string; language: string };
export type RoomState = { roomName: string; transcription: TranscriptionState; participants: { participantId: string; displayName: string; role: string }[] };
export type JoinAnswer = { participantId: string; participantToken: string; roomSessionId: string; role: ParticipantRole; transcription: TranscriptionState };
export type Meeting = { meetingId: string; roomName: string; roomUrl: string; startDate: string; endDate: string; hostRoomUrl?: string };
export type Transcription = {
  transcriptionId: string;
  roomSessionId: string;
  roomName: string;
  filename: string;
  state: "in_progress" | "ready" | "failed";
  durationInSeconds?: number | null;
  storageType?: string;
  language?: string;
  /** The speech engine that produced it (servers that record it). */
  engine?: string | null;
  [key: string]: unknown;
};
export type { LiveSegment } from "@/lib/pipeline/live/live-bus";

/** An answer other than the one expected, with the server's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    let message = body;
    try {
      const parsed = JSON.parse(body) as { error?: string; details?: { path: string; message: string }[] };
      if (parsed.error) message = parsed.error + (parsed.details?.length ? `: ${parsed.details.map((d) => `${d.path} ${d.message}`).join("; ")}` : "");
    } catch {
      // not JSON: keep the text
    }
    super(`${method} ${path} answered ${status}: ${message.slice(0, 500) || "(empty body)"}`);
    this.name = "ApiError";
  }
}

const enc = encodeURIComponent;

export class VerbatimClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async call<T>(method: string, path: string, opts: { json?: unknown; expect?: number[]; headers?: Record<string, string>; body?: BodyInit; signal?: AbortSignal } = {}): Promise<{ status: number; data: T }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.apiKey}`, ...opts.headers };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    // A short request that hangs is an error, not a silent wait; a streamed body may take as long as its audio.
    const signal = opts.signal ?? (body instanceof ReadableStream ? undefined : AbortSignal.timeout(60_000));
    const init: RequestInit & { duplex?: "half" } = { method, headers, body, signal };
    // A streamed request body must be sent half-duplex (fetch's rule for ReadableStream bodies).
    if (body instanceof ReadableStream) init.duplex = "half";
    const res = await fetch(this.baseUrl + path, init);
    const text = await res.text();
    if (!(opts.expect ?? [200, 201, 202, 204]).includes(res.status)) throw new ApiError(res.status, method, path, text);
    return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T };
  }

  async createMeeting(input: { startTrigger: string; roomNamePrefix?: string; endDate?: Date; language?: string | null }): Promise<Meeting> {
    const endDate = input.endDate ?? new Date(Date.now() + 6 * 3600_000);
    const { data } = await this.call<Meeting>("POST", "/api/v1/meetings", {
      json: {
        endDate: endDate.toISOString(),
        roomNamePrefix: input.roomNamePrefix,
        fields: ["hostRoomUrl"],
        liveTranscription: { startTrigger: input.startTrigger, language: input.language ?? null },
      },
      expect: [201],
    });
    return data;
  }

  /** An existing room of the account by its name (with the host link, for a manual trigger); null when there is none. */
  async findMeeting(roomName: string): Promise<Meeting | null> {
    let cursor: string | null = null;
    do {
      const query: string = `limit=100${cursor ? `&cursor=${enc(cursor)}` : ""}`;
      const { data } = await this.call<{ results: Meeting[]; cursor: string | null }>("GET", `/api/v1/meetings?${query}`, { expect: [200] });
      const found = data.results.find((m) => m.roomName === roomName);
      if (found) return (await this.call<Meeting>("GET", `/api/v1/meetings/${enc(found.meetingId)}?fields=hostRoomUrl`, { expect: [200] })).data;
      cursor = data.cursor;
    } while (cursor);
    return null;
  }

  async deleteMeeting(meetingId: string): Promise<void> {
    await this.call("DELETE", `/api/v1/meetings/${enc(meetingId)}`, { expect: [204, 404] });
  }

  async roomState(roomName: string): Promise<RoomState> {
    return (await this.call<RoomState>("GET", `/api/v1/rooms/${enc(bare(roomName))}`, { expect: [200] })).data;
  }

  async join(roomName: string, p: { participantId: string; displayName: string; roomKey?: string }): Promise<JoinAnswer> {
    return (await this.call<JoinAnswer>("POST", `/api/v1/rooms/${enc(bare(roomName))}/participants`, { json: p, expect: [200, 201] })).data;
  }

  async leave(roomName: string, participantId: string): Promise<void> {
    await this.call("DELETE", `/api/v1/rooms/${enc(bare(roomName))}/participants/${enc(participantId)}`, { expect: [204] });
  }

  /** The media-server way: one long streaming body of 16 kHz mono s16le PCM, answered when it ends. */
  async streamAudio(roomName: string, participantId: string, body: ReadableStream<Uint8Array>, signal?: AbortSignal): Promise<{ receivedBytes?: number }> {
    const path = `/api/v1/rooms/${enc(bare(roomName))}/participants/${enc(participantId)}/audio`;
    return (await this.call<{ receivedBytes?: number }>("PUT", path, { body, headers: { "Content-Type": PCM_CONTENT_TYPE }, expect: [200, 202, 204], signal })).data ?? {};
  }

  /** The browser way: one numbered chunk. */
  async postChunk(roomName: string, participantId: string, seq: number, pcm: Uint8Array): Promise<{ duplicate?: boolean; accepted?: boolean }> {
    const path = `/api/v1/rooms/${enc(bare(roomName))}/participants/${enc(participantId)}/audio/chunks/${seq}`;
    return (await this.call<{ duplicate?: boolean; accepted?: boolean }>("POST", path, { body: new Uint8Array(pcm), headers: { "Content-Type": PCM_CONTENT_TYPE }, expect: [200, 202] })).data;
  }

  async startTranscription(roomName: string): Promise<unknown> {
    return (await this.call("POST", `/api/v1/rooms/${enc(bare(roomName))}/transcription/start`, { json: {}, expect: [200] })).data;
  }

  async stopTranscription(roomName: string): Promise<unknown> {
    return (await this.call("POST", `/api/v1/rooms/${enc(bare(roomName))}/transcription/stop`, { json: {}, expect: [200] })).data;
  }

  /** GET /transcriptions/{id}; null when this server has no such route or record (404). */
  async transcription(id: string): Promise<Transcription | null> {
    const { status, data } = await this.call<Transcription>("GET", `/api/v1/transcriptions/${enc(id)}`, { expect: [200, 404] });
    return status === 404 ? null : data;
  }

  /** The transcript file's text through its access link; null when there is none (e.g. a customer's own bucket: 403). */
  async transcriptMarkdown(id: string): Promise<string | null> {
    const { status, data } = await this.call<{ accessLink: string }>("GET", `/api/v1/transcriptions/${enc(id)}/access-link?validForSeconds=300`, { expect: [200, 403, 404] });
    if (status !== 200) return null;
    const link = new URL(data.accessLink, this.baseUrl);
    // The link carries its own authorization; it is fetched from this server even if the public URL names another host.
    const res = await fetch(new URL(link.pathname + link.search, this.baseUrl));
    if (!res.ok) throw new ApiError(res.status, "GET", link.pathname, await res.text());
    return res.text();
  }

  /**
   * Connects to the room's live events (segments and state changes); resolves once connected, iterates until `signal`
   * aborts or the server closes. With `lastEventId` (the `id` of the last event read before a disconnect) the server
   * first replays the finals missed since.
   */
  async openLive(roomName: string, signal: AbortSignal, opts: { lastEventId?: string } = {}): Promise<AsyncGenerator<LiveEvent>> {
    const path = `/api/v1/rooms/${enc(bare(roomName))}/live`;
    const headers: Record<string, string> = { Accept: "text/event-stream", Authorization: `Bearer ${this.apiKey}` };
    if (opts.lastEventId) headers["Last-Event-ID"] = opts.lastEventId;
    const res = await fetch(this.baseUrl + path, { headers, signal });
    if (!res.ok || !res.body) throw new ApiError(res.status, "GET", path, await res.text());
    return liveEvents(res.body, signal);
  }

  /** GET /transcriptions?roomName=…: the room's transcriptions, newest first as the server sorts them; null without the route. */
  async transcriptionsOfRoom(roomName: string): Promise<Transcription[] | null> {
    const { status, data } = await this.call<{ results: Transcription[] }>("GET", `/api/v1/transcriptions?roomName=${enc(roomName)}&sortBy=startDate:desc`, { expect: [200, 404] });
    return status === 404 ? null : data.results;
  }
}

/** `id`: the event's SSE id, to resume from after a disconnect. */
export type LiveEvent =
  | { type: "segment"; segment: LiveSegment; id?: string }
  | { type: "state"; transcription: TranscriptionState; id?: string }
  | { type: "other"; event: SseEvent };

async function* liveEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<LiveEvent> {
  for await (const event of readSse(body, signal)) {
    if (event.event === "segment") yield { type: "segment", segment: JSON.parse(event.data) as LiveSegment, id: event.id };
    else if (event.event === "state") yield { type: "state", transcription: (JSON.parse(event.data) as { transcription: TranscriptionState }).transcription, id: event.id };
    else yield { type: "other", event };
  }
}

/** The room name as the paths take it: without the leading slash. */
export function bare(roomName: string): string {
  return roomName.replace(/^\//, "");
}

/** The host key from a hostRoomUrl (…?roomKey=…). */
export function roomKeyFrom(hostRoomUrl: string | undefined): string | undefined {
  if (!hostRoomUrl) return undefined;
  return new URL(hostRoomUrl).searchParams.get("roomKey") ?? undefined;
}
