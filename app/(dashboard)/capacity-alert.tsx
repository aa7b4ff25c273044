// The dashboard's "this server is over capacity" alert: while utterances wait too long for a recognizer, new sessions are refused.
import { Alert } from "@/components/ui/alert";
import type { PoolStats } from "@/lib/speech/recognizer-pool";

/** Nothing unless the pool is over capacity; admins get the cause and the setting, staff what it means for them. */
export function CapacityAlert({ pool, isAdmin }: { pool: PoolStats | null; isAdmin: boolean }) {
  if (!pool?.overCapacity) return null;
  return (
    <Alert tone="warning" className="mb-6" data-testid="capacity-alert">
      <strong>This server is transcribing as many people as it can.</strong> New sessions cannot start here for now;
      sessions already running go on and keep every word.{" "}
      {isAdmin
        ? `Utterances had to wait longer than VERBATIM_ENGINE_POOL_WAIT_MS for a recognizer (${pool.max} in all; now ${pool.inUse} in use, ${pool.queued} waiting). Raise VERBATIM_ENGINE_POOL_MAX if the machine has spare CPU, or add an instance.`
        : "Try again in a minute."}
    </Alert>
  );
}
