// The dashboard's over-capacity alerts: this instance's own (while utterances wait too long for a recognizer, new
// sessions are refused), and any other instance of the cluster that said so at its last renewal.
import { Alert } from "@/components/ui/alert";
import type { PoolStats } from "@/lib/speech/recognizer-pool";

/** Nothing unless an instance is over capacity; admins get the cause and the setting, staff what it means for them. */
export function CapacityAlert({ pool, others = [], isAdmin }: { pool: PoolStats | null; others?: string[]; isAdmin: boolean }) {
  return (
    <>
      {pool?.overCapacity && (
        <Alert tone="warning" className="mb-6" data-testid="capacity-alert">
          <strong>This server is transcribing as many people as it can.</strong> New sessions cannot start here for now;
          sessions already running go on and keep every word.{" "}
          {isAdmin
            ? `Utterances had to wait longer than VERBATIM_ENGINE_POOL_WAIT_MS for a recognizer (${pool.max} in all; now ${pool.inUse} in use, ${pool.queued} waiting). Raise VERBATIM_ENGINE_POOL_MAX if the machine has spare CPU, or add an instance.`
            : "Try again in a minute."}
        </Alert>
      )}
      {others.length > 0 && (
        <Alert tone="warning" className="mb-6" data-testid="cluster-capacity-alert">
          <strong>
            {others.length === 1
              ? "Another Verbatim server is transcribing as many people as it can."
              : `${others.length} other Verbatim servers are transcribing as many people as they can.`}
          </strong>{" "}
          New sessions sent there are refused for now; sessions already running go on and keep every word.{" "}
          {isAdmin
            ? `Over capacity: ${others.join(", ")}. Raise VERBATIM_ENGINE_POOL_MAX there if the machine has spare CPU, or add an instance.`
            : "If a session does not start, try again in a minute."}
        </Alert>
      )}
    </>
  );
}
