// Issue #12 through the real server: the room link alone cannot take over a participant or the host, customers' S3
// endpoints cannot reach inside the network, a locked room says so, and the room page works under the CSP.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";

test("a stranger with the room link cannot learn participant ids or take over the host", async ({ page, request }) => {
  const key = await createApiKeyInDashboard(page, "Security e2e");
  const auth = { Authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/meetings", {
    headers: auth,
    data: { endDate: new Date(Date.now() + 3600_000).toISOString(), roomNamePrefix: "sec", liveTranscription: { startTrigger: "manual" }, fields: ["hostRoomUrl"] },
  });
  const meeting = (await created.json()) as { roomName: string; hostRoomUrl: string };
  const name = meeting.roomName.slice(1);
  const roomKey = new URL(meeting.hostRoomUrl).searchParams.get("roomKey")!;

  const host = await request.post(`/api/v1/rooms/${name}/participants`, { data: { participantId: "host-abc", displayName: "Hana", roomKey } });
  expect(host.status()).toBe(201);
  const hostToken = ((await host.json()) as { participantToken: string }).participantToken;

  // What the room link shows: names and roles, no ids.
  const state = await request.get(`/api/v1/rooms/${name}`);
  expect(((await state.json()) as { participants: unknown[] }).participants).toEqual([{ displayName: "Hana", role: "host", transcribed: true }]);
  expect(await state.text()).not.toContain("host-abc");

  // Knowing the id anyway (it was guessed or leaked) gives nothing: no token, no host role.
  const hijack = await request.post(`/api/v1/rooms/${name}/participants`, { data: { participantId: "host-abc", displayName: "Mallory" } });
  expect(hijack.status()).toBe(409);
  expect(await hijack.text()).not.toContain("participantToken");
  const stop = await request.post(`/api/v1/rooms/${name}/transcription/start`, { data: {} });
  expect(stop.status()).toBe(403);
  const rename = await request.get(`/api/v1/rooms/${name}`, { headers: auth });
  expect(((await rename.json()) as { participants: unknown[] }).participants).toEqual([{ participantId: "host-abc", displayName: "Hana", role: "host", transcribed: true }]);

  // The host's own token still works.
  expect((await request.delete(`/api/v1/rooms/${name}/participants/host-abc`, { headers: { "X-Participant-Token": hostToken } })).status()).toBe(204);
});

test("customers' S3 endpoints cannot point inside: POST /meetings and Test connection refuse, and nothing is sent", async ({ page, request }) => {
  // An internal service on loopback that must never be reached.
  let hits = 0;
  const internal = http.createServer((req, res) => {
    hits += 1;
    res.writeHead(500).end("INTERNAL SECRET PAGE");
  });
  await new Promise<void>((r) => internal.listen(0, "127.0.0.1", r));
  const port = (internal.address() as AddressInfo).port;
  try {
    const key = await createApiKeyInDashboard(page, "Security e2e S3");
    const destination = { provider: "s3", bucket: "bucket", region: "us-east-1", accessKeyId: "AKIA1", accessKeySecret: "s" };
    // The metadata service and the unspecified address stay refused even where the operator allows private endpoints.
    for (const endpoint of ["http://169.254.169.254/latest", `http://0.0.0.0:${port}`, `http://[::ffff:0.0.0.0]:${port}`]) {
      const res = await request.post("/api/v1/meetings", {
        headers: { Authorization: `Bearer ${key}` },
        data: { endDate: new Date(Date.now() + 3600_000).toISOString(), liveTranscription: { destination: { ...destination, endpoint } } },
      });
      expect(res.status(), endpoint).toBe(400);
      const body = (await res.json()) as { details: { path: string; message: string }[] };
      expect(body.details).toEqual([{ path: "liveTranscription.destination.endpoint", message: expect.stringMatching(/is not allowed: private address .*\((cloud metadata|unspecified)/) }]);
    }

    await page.goto("/configure/transcription");
    await page.getByLabel("Your S3 bucket").check();
    await page.getByLabel("Bucket", { exact: true }).fill("bucket");
    await page.getByLabel("Region", { exact: true }).fill("us-east-1");
    await page.getByLabel("Access key id", { exact: true }).fill("AKIA1");
    await page.getByLabel("Secret access key", { exact: true }).fill("secret-value");
    await page.getByLabel("Endpoint (optional)").fill(`http://0.0.0.0:${port}`);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/is not allowed: private address 0\.0\.0\.0 \(unspecified\)/)).toBeVisible();
    await expect(page.getByText("INTERNAL SECRET PAGE")).toHaveCount(0);
    expect(hits).toBe(0);
  } finally {
    internal.closeAllConnections();
    await new Promise((r) => internal.close(r));
  }
});

test("a locked room tells a guest so; the room page runs under the Content-Security-Policy", async ({ page, request, browser, baseURL }) => {
  const key = await createApiKeyInDashboard(page, "Security e2e locked");
  const auth = { Authorization: `Bearer ${key}` };
  const end = new Date(Date.now() + 3600_000).toISOString();
  const locked = (await (await request.post("/api/v1/meetings", { headers: auth, data: { endDate: end, isLocked: true } })).json()) as { roomUrl: string; roomName: string };
  const open = (await (await request.post("/api/v1/meetings", { headers: auth, data: { endDate: end, liveTranscription: { startTrigger: "manual" } } })).json()) as { roomUrl: string };

  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const guest = await context.newPage();
  const violations: string[] = [];
  guest.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await guest.goto(locked.roomUrl);
  await expect(guest.getByRole("heading", { name: "This room is locked" })).toBeVisible();
  const refused = await request.post(`/api/v1/rooms/${locked.roomName.slice(1)}/participants`, { data: { displayName: "Gatecrasher" } });
  expect(refused.status()).toBe(403);

  const response = await guest.goto(open.roomUrl);
  expect(response!.headers()["content-security-policy"]).toContain("default-src 'self'");
  await guest.getByLabel("Your name").fill("Ana Guest");
  await guest.getByRole("button", { name: "Join" }).click();
  await expect(guest.getByTestId("me")).toHaveText("Ana Guest");
  await guest.getByRole("button", { name: "Leave" }).click();
  await expect(guest.getByText("You left the room.")).toBeVisible();
  expect(violations).toEqual([]);
  await context.close();
});
