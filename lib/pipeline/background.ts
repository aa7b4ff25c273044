// The pipeline's background work in a server process: engine report and session recovery at start, then the lease
// sweep (renewals, idle participants, 12-hour cuts, recovery) and the upload retry worker.
import { getDbHandle } from "@/lib/db/client";
import { startSweep } from "@/lib/jobs/sweep";
import { reportSpeechEngineAtStartup } from "@/lib/speech/status";
import { leaseRenewMs } from "@/lib/pipeline/lease";
import { pipelineSweep } from "@/lib/pipeline/lease-sweep";
import { recoverOpenSessions } from "@/lib/pipeline/session-recovery";
import { startUploadRetryWorker } from "@/lib/pipeline/upload-retry-worker";

const key = Symbol.for("verbatim.pipeline-jobs");
type Holder = { [key]?: { stop: () => Promise<void> } };

/** Starts once per process; returns a stop function (tests, shutdown). Errors are logged, never thrown into the server. */
export async function startPipelineJobs(): Promise<() => Promise<void>> {
  const holder = globalThis as Holder;
  if (holder[key]) return holder[key].stop;
  const handle = await getDbHandle();
  const db = handle.db;
  // Not awaited: the check runs the recognizer once (up to 15 s); the first join waits for its cached answer instead.
  void reportSpeechEngineAtStartup().catch((error) => console.error("Speech engine check failed:", error));
  try {
    const { recovered } = await recoverOpenSessions(db);
    if (recovered.length) console.log(`Recovered ${recovered.length} session(s) left open by a previous run; waiting for their participants.`);
  } catch (error) {
    console.error("Session recovery at start-up failed:", error);
  }
  const sweep = startSweep(() => pipelineSweep(db), { name: "Pipeline sweep", everyMs: leaseRenewMs(), firstAfterMs: leaseRenewMs() });
  const uploads = await startUploadRetryWorker(handle);
  const stop = async () => {
    delete holder[key];
    await Promise.all([sweep.stop(), uploads.stop()]);
  };
  holder[key] = { stop };
  return stop;
}
