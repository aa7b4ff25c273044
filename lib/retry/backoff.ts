// The one backoff schedule: capped exponential waits, with "equal jitter" or none. Used by the segment queue (database
// outages), the OpenAI-compatible client, webhook deliveries, the browser's chunk uploader and the failover scenario's
// client; Deepgram's reconnect runs the exponential-backoff package's loop, and upload retries follow the operator's
// list (VERBATIM_UPLOAD_RETRY_DELAYS_MS).

export type BackoffOptions = {
  /** The wait after the first failure. */
  firstMs: number;
  /** No wait is longer than this. */
  maxMs: number;
  /** Each wait is this many times the one before (before the cap). */
  factor?: number;
  /** "equal" (the default): uniform in the upper half of the wait; "none": the wait itself (a single client, nothing to spread). */
  jitter?: "equal" | "none";
};

/**
 * Milliseconds to wait after failure number `failures` (1-based): `firstMs × factor^(failures−1)`, capped at `maxMs`,
 * drawn uniformly from its upper half ("equal jitter"), so many writers that failed together do not retry together,
 * yet none retries much sooner than the schedule says (full jitter could end a schedule long before its promised span).
 */
export function backoffMs(failures: number, opts: BackoffOptions, rand: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.firstMs * (opts.factor ?? 2) ** Math.max(0, failures - 1));
  if (opts.jitter === "none") return base;
  return Math.round(base / 2 + (Math.min(Math.max(rand(), 0), 1) * base) / 2);
}

/** Resolves after `ms`, or at once when `signal` is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
