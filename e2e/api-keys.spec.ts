import { test, expect } from "@playwright/test";
import { createApiKeyInDashboard } from "./fixtures";

test("an admin creates a key, sees it once, uses it, and revokes it", async ({ page, request }) => {
  const key = await createApiKeyInDashboard(page, "Production backend");
  await expect(page.getByRole("cell", { name: "Production backend" })).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0); // shown once only
  await expect(page.getByRole("cell", { name: `${key.slice(0, 10)}…` })).toBeVisible();

  const ok = await request.get("/api/v1/meetings", { headers: { Authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  expect(ok.headers()["x-ratelimit-limit"]).toBe("1000");

  await page.getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByRole("dialog")).toContainText("Requests with this key will be refused");
  await page.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText("Revoked")).toBeVisible();

  const refused = await request.get("/api/v1/meetings", { headers: { Authorization: `Bearer ${key}` } });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toEqual({ error: "Access token is missing or invalid", code: "unauthorized" });
});
