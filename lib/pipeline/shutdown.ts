// A graceful stop of the live pipeline (SIGTERM on a deploy or restart): no new audio, every engine stream flushed and stored, leases handed back.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { roomSessions } from "@/lib/db/schema";
import { instanceId } from "@/lib/pipeline/lease";
import { forgetInstance } from "@/lib/pipeline/instances";
import { abandonRuntimes, beginPipelineShutdown, ownedRuntimes } from "@/lib/pipeline/runtime-registry";

export type ShutdownReport = { sessions: number; flushed: number; released: number; timedOut: boolean };

/**
 * Stops taking audio (503 with Retry-After), ends every engine stream so the utterance being spoken becomes a final
 * segment, waits until every final segment is stored, then hands each session's lease back, so that the next instance
 * (or this one restarted) takes the session at once and participants who send again resume the same transcription.
 * Sessions not flushed within `graceMs` are handed back as they are: what was stored stays, like after a crash.
 */
export async function shutdownPipeline(db: Db, opts: { graceMs: number }): Promise<ShutdownReport> {
  beginPipelineShutdown();
  const runtimes = [...ownedRuntimes()];
  let flushed = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), opts.graceMs)));
  const all = Promise.all(
    runtimes.map(([, rt]) =>
      rt.flushForShutdown().then(
        () => void flushed++,
        (error) => console.error(`Flushing session ${rt.sessionId} at shutdown failed:`, error),
      ),
    ),
  );
  const outcome = await Promise.race([all.then(() => "flushed" as const), deadline]);
  clearTimeout(timer);
  const ids = runtimes.map(([id]) => id);
  let released = 0;
  if (ids.length > 0) {
    try {
      const rows = await db
        .update(roomSessions)
        .set({ ownerInstance: null, ownerAddress: null, leaseExpiresAt: null })
        .where(and(inArray(roomSessions.id, ids), eq(roomSessions.ownerInstance, instanceId()), isNull(roomSessions.endedAt)))
        .returning({ id: roomSessions.id });
      released = rows.length;
    } catch (error) {
      console.error("Handing the session leases back failed (they run out on their own within VERBATIM_LEASE_SECONDS):", error);
    }
  }
  await forgetInstance(db).catch((error) => console.error("Removing this instance from app_instances failed:", error));
  abandonRuntimes(ids);
  return { sessions: runtimes.length, flushed, released, timedOut: outcome === "timeout" };
}
