// Runs once when the server process starts: fail fast on a bad configuration, then start background workers.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { appEnv } = await import("./lib/config/env");
  const env = appEnv();
  if (env.VERBATIM_TEST_TONE_ENGINE) {
    // Tests and the local cluster: the tone-word engine, selected with VERBATIM_SPEECH_ENGINES=fake.
    const [{ addSpeechEngineForTests }, { createFakeEngine }] = await Promise.all([import("./lib/speech/registry"), import("./lib/testing/fake-engine")]);
    addSpeechEngineForTests(createFakeEngine());
  }
  const { startBackgroundWork, StartRefusedError } = await import("./lib/server/start");
  try {
    await startBackgroundWork();
  } catch (error) {
    if (!(error instanceof StartRefusedError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
