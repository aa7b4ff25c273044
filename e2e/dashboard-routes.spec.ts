// The dashboard's route handlers (downloads, polled JSON, live events, CSV export) go through the one wrapper core:
// every error is api.md's body with a stable code, and nothing they answer is cached.
import { expect, test } from "@playwright/test";

const MISSING = "00000000-0000-4000-8000-000000000000";

test("without a session every dashboard route answers 401 with the one error body", async ({ playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  for (const path of ["/transcriptions/list-data", `/transcriptions/${MISSING}/live-data`, `/transcriptions/${MISSING}/live-events`, `/transcriptions/${MISSING}/download/md`, `/transcriptions/${MISSING}/summary-data`, "/usage/export"]) {
    const res = await anonymous.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(401);
    expect(await res.json(), path).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
    expect(res.headers()["cache-control"], path).toBe("private, no-store");
  }
  await anonymous.dispose();
});

test("signed in, unknown ids, bad filters and unknown formats each have their code", async ({ request }) => {
  const missing = await request.get(`/transcriptions/${MISSING}/live-data`);
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toEqual({ error: "The requested resource doesn't exist", code: "not_found" });
  expect(missing.headers()["cache-control"]).toBe("private, no-store");

  const format = await request.get(`/transcriptions/${MISSING}/download/exe`);
  expect(format.status()).toBe(404);
  expect((await format.json()).code).toBe("not_found");

  const filter = await request.get("/transcriptions/list-data?sort=nonsense");
  expect(filter.status()).toBe(400);
  const body = await filter.json();
  expect(body).toMatchObject({ error: "Validation failed", code: "validation_failed" });
  expect(body.details.map((d: { path: string }) => d.path)).toContain("sort");

  const nul = await request.get(`/transcriptions/list-data?q=${encodeURIComponent("a\u0000b")}`);
  expect(nul.status()).toBe(400);
  expect(await nul.json()).toMatchObject({ code: "validation_failed", details: [{ path: "q" }] });

  // The summary panel's poll: null while a transcription has no summary.
  const summary = await request.get(`/transcriptions/${MISSING}/summary-data`);
  expect(summary.status()).toBe(200);
  expect(await summary.json()).toBeNull();

  // The list itself still answers, uncached.
  const list = await request.get("/transcriptions/list-data");
  expect(list.status()).toBe(200);
  expect(list.headers()["cache-control"]).toBe("private, no-store");
});
