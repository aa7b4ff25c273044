import { configDefaults, defineConfig } from "vitest/config";
import path from "node:path";

/**
 * Tests that recognize real speech (flite voices through PocketSphinx, directly or behind a local Deepgram or
 * OpenAI-compatible server): minutes on a 2-core machine. `npm run test:unit` is the fast lane without them; session
 * and ingest logic are covered there on the tone-word engine (app/api/v1/rooms/fast-lane.test.ts). `npm test` runs all.
 */
const SPEECH_TESTS = [
  "**/*.speech.test.ts",
  "lib/speech/pocketsphinx/**",
  "lib/speech/{deepgram,openai-transcribe,vad,gated-stream}.test.ts",
  "lib/testing/speech.test.ts",
  "lib/pipeline/track-ingest.test.ts",
  "app/api/v1/rooms/{e2e-speech,e2e-deepgram,openai-speech,recovery}.test.ts",
];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts"],
    exclude: process.env.VERBATIM_TEST_LANE === "fast" ? [...configDefaults.exclude, ...SPEECH_TESTS] : configDefaults.exclude,
    environment: "node",
    // The S3 tests talk to s3rver and other S3-shaped servers on loopback, which the address policy refuses by default.
    env: { VERBATIM_S3_ALLOW_PRIVATE: "1" },
    // Generous: the suite must pass on a busy machine (tests start servers, recognizers and the CLI); a hang still fails.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
