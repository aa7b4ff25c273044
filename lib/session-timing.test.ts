// The client and server timings must agree (the reasons are in lib/session-timing.ts).
import { expect, it } from "vitest";
import { parseEnv } from "@/lib/config/env";
import {
  AUDIO_CHUNK_MS,
  BROWSER_AUDIO_QUEUE_MS,
  PARTICIPANT_HEARTBEAT_MS,
  PARTICIPANT_IDLE_TIMEOUT_MS,
  SERVER_MAX_GAP_MS,
} from "./session-timing";

it("the page's audio queue outlasts the idle timeout, two heartbeats may be lost, and a gap fits in the idle timeout", () => {
  expect(BROWSER_AUDIO_QUEUE_MS).toBeGreaterThanOrEqual(PARTICIPANT_IDLE_TIMEOUT_MS);
  expect(3 * PARTICIPANT_HEARTBEAT_MS).toBeLessThan(PARTICIPANT_IDLE_TIMEOUT_MS);
  expect(SERVER_MAX_GAP_MS).toBeLessThanOrEqual(PARTICIPANT_IDLE_TIMEOUT_MS);
  expect(BROWSER_AUDIO_QUEUE_MS % AUDIO_CHUNK_MS).toBe(0);
});

it("the idle timeout's default is the one the page's heartbeat was chosen for", () => {
  expect(parseEnv({}).VERBATIM_PARTICIPANT_IDLE_SECONDS * 1000).toBe(PARTICIPANT_IDLE_TIMEOUT_MS);
});
