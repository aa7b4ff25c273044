// Recovery of sessions left open by a crash or a dead instance: take them over, resume them if their participants come back, else close and save them.
import { isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { roomSessions } from "@/lib/db/schema";
import { mayOwn } from "@/lib/pipeline/lease";
import { expireAbsent } from "@/lib/pipeline/presence";
import { ownedRuntimes, runtimeFor } from "@/lib/pipeline/runtime-registry";
import { trackTask } from "@/lib/pipeline/tasks";

/** How long participants of a recovered session have to come back (any join or audio) before they count as gone. */
export const RECOVERY_GRACE_MS = 60_000;

export type RecoveryReport = { recovered: string[]; skipped: string[] };

/**
 * Takes over every open session no live instance holds (this instance's own from before a restart, or a dead
 * instance's whose lease ran out). Each gets a runtime built from the database; participants who show up within
 * `graceMs` resume where they were (their in-progress transcription goes on), the others are marked gone, which
 * ends the session with the last one and saves the transcript from the stored segments.
 */
export async function recoverOpenSessions(db: Db, opts: { graceMs?: number; now?: Date } = {}): Promise<RecoveryReport> {
  const now = opts.now ?? new Date();
  const graceMs = opts.graceMs ?? RECOVERY_GRACE_MS;
  const open = await db.select().from(roomSessions).where(isNull(roomSessions.endedAt));
  const report: RecoveryReport = { recovered: [], skipped: [] };
  const owned = ownedRuntimes();
  for (const session of open) {
    if (owned.has(session.id) || !mayOwn(session, now)) {
      report.skipped.push(session.id);
      continue;
    }
    try {
      const rt = await runtimeFor(db, session);
      report.recovered.push(session.id);
      rt.expireAbsentAfter(graceMs, () => trackTask(expireAbsent(db, session.id, session.roomId)));
    } catch {
      report.skipped.push(session.id); // another instance took it first
    }
  }
  return report;
}
