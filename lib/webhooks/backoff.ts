// The webhook retry schedule: exponential backoff with jitter, first retry within 10 s, retries spanning more than 24 hours.
/*
 * After failed attempt n (n = 1 is the first delivery), the next attempt waits
 *   base(n)  = min(10 s × 4^(n−1), 6 h)
 *   delay(n) = base(n)/2 + rand × base(n)/2          ("equal jitter": uniform in [base/2, base])
 *
 *   retry  base      delay range          cumulative (min … max)
 *     1    10 s      5 s – 10 s           5 s … 10 s
 *     2    40 s      20 s – 40 s          25 s … 50 s
 *     3    2 m 40 s  1 m 20 s – 2 m 40 s  1 m 45 s … 3 m 30 s
 *     4    10 m 40 s 5 m 20 s – 10 m 40 s 7 m 5 s … 14 m 10 s
 *     5    42 m 40 s 21 m 20 s – 42 m 40 s 28 m 25 s … 56 m 50 s
 *     6    2 h 50 m  1 h 25 m – 2 h 50 m  1 h 54 m … 3 h 48 m
 *  7..14   6 h       3 h – 6 h            25 h 54 m … 51 h 48 m after retry 14
 * After attempt 15 (the 14th retry) fails, the delivery is given up (null).
 *
 * Why not "full jitter" (uniform in [0, base]): a run of small random numbers could then end the schedule long before
 * 24 hours, breaking the promise in api.md. Half the delay fixed keeps that promise for every draw; the random half
 * still spreads a burst of failed deliveries (an endpoint down for everyone) over time. Decorrelated jitter needs the
 * previous delay as state; this function keeps only the attempt number, which the job row already stores.
 */

import { backoffMs } from "@/lib/retry/backoff";

export const FIRST_RETRY_BASE_MS = 10_000;
export const RETRY_GROWTH_FACTOR = 4;
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
/** Retries after the first attempt; with it, a delivery is tried at most MAX_WEBHOOK_RETRIES + 1 times. */
export const MAX_WEBHOOK_RETRIES = 14;

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based) before the next one, or null when that was
 * the last attempt. `rand` returns a number in [0, 1) like Math.random; pass a fixed one in tests.
 */
export function retryDelayMs(attempt: number, rand: () => number = Math.random): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  if (attempt > MAX_WEBHOOK_RETRIES) return null;
  const r = rand();
  if (!Number.isFinite(r)) throw new RangeError("rand must return a finite number");
  return backoffMs(attempt, { firstMs: FIRST_RETRY_BASE_MS, factor: RETRY_GROWTH_FACTOR, maxMs: MAX_RETRY_DELAY_MS }, () => r);
}
