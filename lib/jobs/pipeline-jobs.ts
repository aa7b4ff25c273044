// The pipeline's background work in a server process: engine report and session recovery at start, then lease renewal, 12-hour cuts and upload retries.
import { getDb } from "@/lib/db/client";
import { reportSpeechEngineAtStartup } from "@/lib/speech/status";
import { leaseRenewMs } from "@/lib/pipeline/lease";
import { pipelineSweep, recoverOpenSessions } from "@/lib/pipeline/recovery";
import { retryDueUploads } from "@/lib/pipeline/finalize";

const UPLOAD_RETRY_TICK_MS = 1_000;

const key = Symbol.for("verbatim.pipeline-jobs");
type Holder = { [key]?: { stop: () => void } };

/** Starts once per process; returns a stop function (tests, shutdown). Errors are logged, never thrown into the server. */
export async function startPipelineJobs(): Promise<() => void> {
  const holder = globalThis as Holder;
  if (holder[key]) return holder[key].stop;
  const db = await getDb();
  // Not awaited: the check runs the recognizer once (up to 15 s); the first join waits for its cached answer instead.
  void reportSpeechEngineAtStartup().catch((error) => console.error("Speech engine check failed:", error));
  try {
    const { recovered } = await recoverOpenSessions(db);
    if (recovered.length) console.log(`Recovered ${recovered.length} session(s) left open by a previous run; waiting for their participants.`);
  } catch (error) {
    console.error("Session recovery at start-up failed:", error);
  }
  let sweeping = false;
  let retrying = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    pipelineSweep(db)
      .catch((error) => console.error("Pipeline sweep failed:", error))
      .finally(() => (sweeping = false));
  }, leaseRenewMs());
  const uploads = setInterval(() => {
    if (retrying) return;
    retrying = true;
    retryDueUploads(db)
      .catch((error) => console.error("Transcript upload retry failed:", error))
      .finally(() => (retrying = false));
  }, UPLOAD_RETRY_TICK_MS);
  sweep.unref();
  uploads.unref();
  const stop = () => {
    clearInterval(sweep);
    clearInterval(uploads);
    delete holder[key];
  };
  holder[key] = { stop };
  return stop;
}
