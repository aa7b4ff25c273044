import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
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
