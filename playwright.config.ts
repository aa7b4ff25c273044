import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// A fresh embedded database for every run: the onboarding test needs an empty install.
const dataDir = process.env.E2E_DATA_DIR ?? "/tmp/verbatim-e2e";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
    },
  },
  projects: [
    { name: "onboarding", testMatch: /onboarding\.setup\.ts/ },
    { name: "app", testMatch: /.*\.spec\.ts/, dependencies: ["onboarding"], use: { storageState: "e2e/.auth/admin.json" } },
  ],
  webServer: {
    command: `rm -rf ${dataDir} && npm start`,
    url: `${baseURL}/sign-in`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      VERBATIM_DATA_DIR: dataDir,
      VERBATIM_PUBLIC_URL: baseURL,
      VERBATIM_WEBHOOK_ALLOW_PRIVATE: "1",
      // settings.spec tests a bucket on s3rver, on loopback.
      VERBATIM_S3_ALLOW_PRIVATE: "1",
      // upload-retry.spec: a bucket that is down fails after 3 tries in a few seconds instead of about 19 minutes.
      VERBATIM_UPLOAD_RETRY_DELAYS_MS: "1000,1000",
    },
  },
});
