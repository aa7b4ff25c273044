// Shared Playwright helpers: the admin created by the onboarding setup, and sign-in for other people.
import { expect, type Page } from "@playwright/test";

export const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "a long admin passphrase", account: "Acme Health" };
export const ADMIN_STATE = "e2e/.auth/admin.json";

/** `timeout`: for the dashboard to show, longer on a server that has not rendered it yet (a spec's private server). */
export async function signIn(page: Page, email: string, password: string, opts: { timeout?: number } = {}) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Transcriptions" })).toBeVisible({ timeout: opts.timeout });
}

/** Creates an API key through the dashboard (the page must be an admin's) and returns it. */
export async function createApiKeyInDashboard(page: Page, name: string): Promise<string> {
  await page.goto("/configure/api-keys");
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^vbt_/);
  await page.getByRole("button", { name: "Done" }).click();
  return key;
}
