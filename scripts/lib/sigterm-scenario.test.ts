// A deploy loses nothing: a real server process gets SIGTERM in the middle of a sentence, is started again, and the sentence is in the transcript.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "./local-server";
import { sigtermMidSentence } from "./sigterm-scenario";

let server: LocalServer;
beforeAll(async () => {
  // The first run builds the app (minutes on a busy machine); later runs reuse the build.
  server = await startLocalServer({ log: (line) => console.log(line), readyTimeoutMs: 20 * 60_000 });
}, 25 * 60_000);
afterAll(async () => {
  await server?.stop();
});

it("flushes the sentence being spoken at SIGTERM, exits cleanly, and the restarted server saves it", async () => {
  const outcome = await sigtermMidSentence(server, (line) => console.log(line));
  console.log(outcome.transcript);
  expect(outcome.exit).toBe("exited with code 0");
  expect(outcome.streamAnswer).not.toMatch(/^200/); // the rest of the stream was refused, not taken and dropped
  expect(outcome.wordsLost).toBe(0);
  expect(outcome.transcript.toLowerCase()).toMatch(/report/);
}, 25 * 60_000);
