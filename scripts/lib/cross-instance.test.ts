// Two real server processes on one PostgreSQL database: what is recognized on A reaches a live client on B (the same
// finals, ids and order), and a client on B that keeps dropping its connection and resuming misses and repeats nothing.
import { afterAll, beforeAll, expect, it } from "vitest";
import { crossInstanceLive, startCluster, type Cluster } from "./cross-instance-scenario";
import { percentile } from "./stats";

let cluster: Cluster;
beforeAll(async () => {
  // The first run builds the app (minutes on a busy machine); later runs reuse the build.
  cluster = await startCluster((line) => console.log(line));
}, 25 * 60_000);
afterAll(async () => {
  await cluster?.stop();
});

it("carries live finals from A to B and resumes on B with nothing missed or repeated", async () => {
  const outcome = await crossInstanceLive(cluster, { utterances: 14, log: (line) => console.log(line) });
  console.log(
    `B after A: p50 ${Math.round(percentile(outcome.extraDelayMs, 50))} ms, p95 ${Math.round(percentile(outcome.extraDelayMs, 95))} ms; ` +
      `resume: ${outcome.resume.reconnects} reconnects, ${outcome.resume.missed} missed, ${outcome.resume.repeated} repeated, ${outcome.resume.saidWhileAway} said while away`,
  );
  expect(outcome.onA.length).toBe(14);
  expect(outcome.onB.map((f) => [f.id, f.text])).toEqual(outcome.onA.map((f) => [f.id, f.text]));
  expect(outcome.resume.reconnects).toBeGreaterThanOrEqual(3);
  // Some finals were said while that client was away: they reached it only through the replay.
  expect(outcome.resume.saidWhileAway).toBeGreaterThanOrEqual(1);
  expect(outcome.resume).toMatchObject({ missed: 0, repeated: 0, received: 14 });
}, 10 * 60_000);

it("answers a malformed Last-Event-ID on B with a 400 that says what it expects", async () => {
  const meeting = await fetch(`${cluster.a.url}/api/v1/meetings`, {
    method: "POST",
    headers: { authorization: `Bearer ${cluster.a.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ endDate: new Date(Date.now() + 3600_000).toISOString(), liveTranscription: { startTrigger: "automatic" } }),
  }).then((r) => r.json() as Promise<{ roomName: string }>);
  const res = await fetch(`${cluster.b.url}/api/v1/rooms/${meeting.roomName.replace(/^\//, "")}/live`, { headers: { "Last-Event-ID": "yesterday" } });
  expect(res.status).toBe(400);
  expect(JSON.stringify(await res.json())).toContain("Last-Event-ID");
});
