// Three real instances behind real HAProxy on one PostgreSQL database and s3rver: sessions spread over the instances, one killed with kill -9 mid-session, every transcript complete but for the utterance being spoken on the dead one; a live client of each room through the proxy misses no final line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "./cluster";
import { failoverScenario, wordsMissing } from "./failover-scenario";

describe("wordsMissing", () => {
  it("counts the spoken words that are not in the transcript, in order", () => {
    expect(wordsMissing(["a", "b", "c"], ["a", "b", "c"])).toBe(0);
    expect(wordsMissing(["a", "b", "c", "d"], ["a", "d"])).toBe(2);
    expect(wordsMissing(["a", "b"], ["b", "a"])).toBe(1);
  });
});

describe("a cluster of three instances behind HAProxy", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // The tone-word engine keeps the CPU low; the lease as shipped (10 s).
    cluster = await startCluster({ instances: 3, env: { VERBATIM_TEST_TONE_ENGINE: "1", VERBATIM_SPEECH_ENGINES: "fake" }, readyTimeoutMs: 240_000 });
  }, 600_000);
  afterAll(async () => cluster?.stop(), 60_000);

  it("kill -9 of an owner mid-session, then SIGTERM of another: their rooms go on elsewhere without re-joining; every transcript is complete but for at most the utterance being spoken on the killed one; live clients through the proxy miss no final line", async () => {
    const outcome = await failoverScenario(cluster, { rooms: 6, sentencesPerRoom: 14, killAfterMs: 6000, drainAfterMs: 19_000 });
    const summary = JSON.stringify({ ...outcome, rooms: outcome.rooms.map((r) => ({ ...r, transcript: r.missingSentences.length ? r.transcript : undefined })) }, null, 1);
    // Round robin spread the sessions: more than one instance owned some.
    expect(Object.keys(outcome.owners).length, summary).toBeGreaterThan(1);
    expect(outcome.rooms.filter((r) => r.orphaned).length, summary).toBeGreaterThan(0);
    expect(outcome.rooms.filter((r) => r.drained).length, summary).toBeGreaterThan(0);
    const longest = Math.max(...outcome.rooms.flatMap((r) => r.sentences.map((x) => x.split(" ").length)));
    for (const room of outcome.rooms) {
      if (room.orphaned) {
        // The utterance being spoken when the owner died was never final there: the new owner asked the client
        // for it again (resend_from), so at worst it is missing, and in practice nothing is.
        expect(room.wordsLost, summary).toBeLessThanOrEqual(longest);
        expect(room.missingSentences.length, summary).toBeLessThanOrEqual(room.drained ? 2 : 1);
        expect(room.resumeMs, summary).not.toBeNull();
      } else {
        // A drain flushes the last words before handing the session over: no word is missing (the utterance being
        // spoken at the SIGTERM may end up in two lines, one from each instance).
        expect(room.wordsLost, summary).toBe(0);
        if (!room.drained) expect(room.missingSentences, summary).toEqual([]);
      }
    }
    // A live client of each room, connected through the proxy and reconnecting with Last-Event-ID when its instance
    // went away, received every stored final line, none twice.
    for (const room of outcome.rooms) {
      expect(room.liveMissed, summary).toEqual([]);
      expect(room.liveRepeated, summary).toBe(0);
    }
    expect(outcome.rooms.some((r) => r.liveReconnects > 0), summary).toBe(true);
    // Rooms of the drained instance that were refused audio at the SIGTERM got it accepted elsewhere.
    for (const room of outcome.rooms.filter((r) => r.drained && r.drainResumeMs !== null)) expect(room.drainResumeMs, summary).toBeLessThan(30_000);
    // The killed and the drained instances are gone, the last one still serves through the proxy.
    expect(cluster.instances.filter((i) => i.running()).map((i) => i.id), summary).toHaveLength(1);
    expect((await fetch(`${cluster.url}/api/v1/openapi.json`)).status).toBe(200);
  }, 300_000);
});
