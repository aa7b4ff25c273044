// The pipeline's periodic sweep: renew this instance's leases, let idle participants go, cut 12-hour transcriptions, take over orphaned sessions.
import { appEnv } from "@/lib/config/env";
import type { Db } from "@/lib/db/client";
import { heartbeatInstance } from "@/lib/pipeline/instances";
import { renewLeases } from "@/lib/pipeline/lease";
import { cutOverdueTranscriptions } from "@/lib/pipeline/overdue-cut";
import { expireIdleParticipants } from "@/lib/pipeline/presence";
import { abandonRuntimes, ownedRuntimes } from "@/lib/pipeline/runtime-registry";
import { recoverOpenSessions } from "@/lib/pipeline/session-recovery";

/** One sweep: renew this instance's leases (and its app_instances row), let idle participants go, cut 12-hour transcriptions, take over orphaned sessions. */
export async function pipelineSweep(db: Db, opts: { graceMs?: number; now?: Date; idleMs?: number } = {}) {
  const now = opts.now ?? new Date();
  // Only the sessions asked about: one opened while the renewal ran has a fresh lease of its own.
  const ids = [...ownedRuntimes().keys()];
  const held = new Set(await renewLeases(db, ids, now));
  await heartbeatInstance(db, now);
  // Lost the lease (a long pause let another instance take over): stop driving that session here.
  abandonRuntimes(
    ids.filter((id) => !held.has(id)),
    { keepQueuedSegments: true },
  );
  await expireIdleParticipants(db, opts.idleMs ?? appEnv().VERBATIM_PARTICIPANT_IDLE_SECONDS * 1000);
  await cutOverdueTranscriptions(db, now);
  return recoverOpenSessions(db, opts);
}
