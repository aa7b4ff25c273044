// The pipeline's background work (flushing tracks, saving transcripts), kept visible so tests, the simulator and shutdown can wait for it.

// Kept on globalThis: Next.js may load this module more than once in one server process.
const key = Symbol.for("verbatim.pipeline-tasks");
type Holder = { [key]?: Set<Promise<unknown>> };
function tasks(): Set<Promise<unknown>> {
  const holder = globalThis as Holder;
  holder[key] ??= new Set();
  return holder[key];
}

/** Runs background work (flushing tracks, saving transcripts) and keeps it visible to settlePipelineTasks. */
export function trackTask(work: Promise<unknown>) {
  const running = tasks();
  const settled = work.catch((error) => console.error("Pipeline background task failed:", error));
  running.add(settled);
  void settled.finally(() => running.delete(settled));
}

/** Resolves when every background task (including ones they start) has finished: for tests, the simulator and shutdown. */
export async function settlePipelineTasks(): Promise<void> {
  const running = tasks();
  while (running.size > 0) await Promise.all([...running]);
}
