// Matches a track's spoken utterances to the final segments that came back, and measures end-of-utterance → final latency.

export type SpokenUtterance = { startMs: number; endMs: number };
/** A final segment as received: times on the session's clock, `at` when it arrived (ms, same clock as `sentAt`). */
export type ReceivedFinal = { startMs: number; endMs: number; at: number };
/** When the audio up to `audioEndMs` (track time) had been sent. */
export type SentMark = { audioEndMs: number; sentAt: number };

export type LatencyMatch = { latenciesMs: number[]; missed: number; offsetMs: number };

/** Slack for the recognizer's idea of where speech ends versus the energy-based one. */
const END_SLACK_MS = 300;

/** The moment the audio up to `audioMs` had been sent: the first mark at or past it. */
export function sentAtFor(marks: readonly SentMark[], audioMs: number): number | undefined {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].audioEndMs >= audioMs) hi = mid;
    else lo = mid + 1;
  }
  return marks[lo]?.sentAt;
}

/**
 * Segment times are on the session clock (track time plus when the track joined the transcription), so the offset is
 * estimated first: the median distance from each final's start to the nearest utterance start, seeded by the first pair.
 */
export function estimateOffset(utterances: readonly SpokenUtterance[], finals: readonly ReceivedFinal[]): number {
  if (utterances.length === 0 || finals.length === 0) return 0;
  const byStart = [...finals].sort((a, b) => a.startMs - b.startMs);
  const seed = byStart[0].startMs - utterances[0].startMs;
  const diffs = byStart.map((f) => {
    const t = f.startMs - seed;
    let best = utterances[0];
    for (const u of utterances) if (Math.abs(u.startMs - t) < Math.abs(best.startMs - t)) best = u;
    return f.startMs - best.startMs;
  });
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)];
}

/**
 * For each utterance: the first final (by arrival) that overlaps its end, and the time from sending its last speech
 * sample to that final's arrival. An utterance no final covers is missed.
 */
export function matchUtterances(utterances: readonly SpokenUtterance[], finals: readonly ReceivedFinal[], marks: readonly SentMark[]): LatencyMatch {
  const offsetMs = estimateOffset(utterances, finals);
  const byArrival = [...finals].sort((a, b) => a.at - b.at);
  const latenciesMs: number[] = [];
  let missed = 0;
  for (const u of utterances) {
    const sentAt = sentAtFor(marks, u.endMs);
    const final = byArrival.find((f) => f.endMs - offsetMs >= u.endMs - END_SLACK_MS && f.startMs - offsetMs <= u.endMs);
    if (sentAt === undefined || !final) missed++;
    else latenciesMs.push(final.at - sentAt);
  }
  return { latenciesMs, missed, offsetMs };
}

/** An interim segment as received (non-empty text only), on the same clocks as ReceivedFinal. */
export type ReceivedInterim = ReceivedFinal;

export type InterimMatch = {
  /** Utterances with interim text before their final segment, out of `timed` (those a final covered). */
  covered: number;
  timed: number;
  /** For each covered utterance: from sending its first speech sample to the arrival of its first interim text. */
  firstTextMs: number[];
};

/**
 * How live the interim text is: for each utterance a final covered, whether interim text overlapping it arrived before
 * that final, and how long after the utterance began the first did.
 */
export function matchInterims(
  utterances: readonly SpokenUtterance[],
  finals: readonly ReceivedFinal[],
  interims: readonly ReceivedInterim[],
  marks: readonly SentMark[],
): InterimMatch {
  const offsetMs = estimateOffset(utterances, finals);
  const byArrival = [...finals].sort((a, b) => a.at - b.at);
  const interimsByArrival = [...interims].sort((a, b) => a.at - b.at);
  const result: InterimMatch = { covered: 0, timed: 0, firstTextMs: [] };
  for (const u of utterances) {
    const final = byArrival.find((f) => f.endMs - offsetMs >= u.endMs - END_SLACK_MS && f.startMs - offsetMs <= u.endMs);
    const startedAt = sentAtFor(marks, u.startMs);
    if (!final || startedAt === undefined) continue;
    result.timed++;
    const first = interimsByArrival.find((i) => i.at <= final.at && i.startMs - offsetMs <= u.endMs && i.endMs - offsetMs >= u.startMs);
    if (!first) continue;
    result.covered++;
    result.firstTextMs.push(Math.max(0, first.at - startedAt));
  }
  return result;
}
