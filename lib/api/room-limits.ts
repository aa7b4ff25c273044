// Limits for anonymous room traffic (a room link or a participant token, no API key): joins per room and per client address, and audio per participant at real time.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/lib/db/client";
import { RetryLaterError } from "@/lib/errors";
import { clientAddress } from "@/lib/net/client-address";
import { consumeBudget, retryAfterSeconds, type Budget } from "./rate-limit";

/** Joins into one room a minute (re-joins after a reload count too), and from one client address into any room. */
export const ROOM_JOIN_BUDGET: Budget = { prefix: "room-join", points: 30, durationSeconds: 60 };
export const ADDRESS_JOIN_BUDGET: Budget = { prefix: "room-join-address", points: 20, durationSeconds: 60 };

/** Audio a participant may send: twice real time over 30 s, so a client catching up after a network gap is not refused. */
export const AUDIO_WINDOW_SECONDS = 30;
export const AUDIO_REALTIME_FACTOR = 2;
const BYTES_PER_MS = 32; // 16 kHz mono s16le

// In memory: every audio request of a room is handled by the instance that holds its session (others forward it there).
const audioLimiter = new RateLimiterMemory({
  points: AUDIO_WINDOW_SECONDS * 1000 * AUDIO_REALTIME_FACTOR,
  duration: AUDIO_WINDOW_SECONDS,
  keyPrefix: "audio",
});

/** Refuses (429, Retry-After) an anonymous join over the room's or the address's budget. */
export async function assertAnonymousJoinAllowed(db: Db, roomId: string, request: Request): Promise<void> {
  const byRoom = await consumeBudget(db, ROOM_JOIN_BUDGET, roomId);
  if (!byRoom.allowed) {
    throw new RetryLaterError("rate_limited", "Too many people are joining this room right now; try again shortly.", retryAfterSeconds(byRoom));
  }
  const byAddress = await consumeBudget(db, ADDRESS_JOIN_BUDGET, clientAddress(request.headers));
  if (!byAddress.allowed) {
    throw new RetryLaterError("rate_limited", "Too many joins from your network; try again shortly.", retryAfterSeconds(byAddress));
  }
}

/** Takes `bytes` of PCM from the participant's audio budget; the wait in ms when it is spent (0: go ahead). */
export async function takeAudioBudget(roomId: string, participantId: string, bytes: number): Promise<number> {
  const ms = Math.ceil(bytes / BYTES_PER_MS);
  if (ms === 0) return 0;
  try {
    await audioLimiter.consume(`${roomId}:${participantId}`, ms);
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
    throw rejection;
  }
}

/** A chunk beyond the participant's audio budget: 429 with Retry-After (the browser retries the same chunk). */
export async function assertAudioChunkAllowed(roomId: string, participantId: string, bytes: number): Promise<void> {
  const waitMs = await takeAudioBudget(roomId, participantId, bytes);
  if (waitMs > 0) {
    throw new RetryLaterError("rate_limited", "Audio is arriving faster than real time; slow down.", Math.ceil(waitMs / 1000));
  }
}

/** A long audio body read no faster than the participant's budget allows: the reader waits instead of failing. */
export function pacedAudio(body: ReadableStream<Uint8Array>, roomId: string, participantId: string): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(piece, controller) {
        // At most a second of audio at a time, so any piece fits in the budget.
        for (let at = 0; at < piece.byteLength; at += 32_000) {
          const part = piece.subarray(at, at + 32_000);
          let wait = await takeAudioBudget(roomId, participantId, part.byteLength);
          while (wait > 0) {
            await new Promise((resolve) => setTimeout(resolve, wait));
            wait = await takeAudioBudget(roomId, participantId, part.byteLength);
          }
          controller.enqueue(part);
        }
      },
    }),
  );
}
