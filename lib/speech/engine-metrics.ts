// Counters the engines keep for operators (/metrics): recognizer restarts after a crash.
let restarts = 0;

/** An engine restarted a recognizer that died mid-stream. */
export function countEngineRestart(): void {
  restarts++;
}

export function engineRestartCount(): number {
  return restarts;
}
