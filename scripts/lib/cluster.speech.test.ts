// Three real instances behind real HAProxy on one PostgreSQL database and s3rver: sessions spread over the instances, one killed with kill -9 mid-session, every transcript complete but for the utterance being spoken on the dead one.
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

  it("kill -9 of an owner mid-session: its rooms go on elsewhere without re-joining; every transcript is complete but for at most the utterance being spoken", async () => {
    const outcome = await failoverScenario(cluster, { rooms: 6, sentencesPerRoom: 8, killAfterMs: 6000 });
    const summary = JSON.stringify({ killed: outcome.killed, owners: outcome.owners, rooms: outcome.rooms.map((r) => ({ ...r, transcript: undefined })) }, null, 1);
    // Round robin spread the sessions: more than one instance owned some.
    expect(Object.keys(outcome.owners).length, summary).toBeGreaterThan(1);
    const orphaned = outcome.rooms.filter((r) => r.orphaned);
    expect(orphaned.length, summary).toBeGreaterThan(0);
    for (const room of outcome.rooms) {
      if (room.orphaned) {
        expect(room.missingSentences.length, summary).toBeLessThanOrEqual(1);
        expect(room.resumeMs, summary).not.toBeNull();
      } else {
        expect(room.missingSentences, summary).toEqual([]);
        expect(room.wordsLost, summary).toBe(0);
      }
    }
    // The killed instance is dead, the others still serve through the proxy.
    expect(cluster.instances.find((i) => i.id === outcome.killed)!.running()).toBe(false);
    expect((await fetch(`${cluster.url}/api/v1/openapi.json`)).status).toBe(200);
  }, 300_000);
});
