import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./fixtures";

test("an empty install leads the first visitor to create the account and its admin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Verbatim" })).toBeVisible();

  // A weak password is refused inline and nothing is created.
  await page.getByLabel("Organization name").fill(ADMIN.account);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Work email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("short1234!");
  await page.getByLabel("Password").evaluate((el) => el.removeAttribute("minlength"));
  await page.getByLabel("Password").fill("abc");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();

  await page.getByLabel("Organization name").fill(ADMIN.account);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Work email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/transcriptions$/);
  await expect(page.getByRole("heading", { level: 1, name: "Transcriptions" })).toBeVisible();
  await expect(page.getByText("No transcriptions yet")).toBeVisible();
  await expect(page.getByText(`${ADMIN.account} · Admin`)).toBeVisible();
  await page.context().storageState({ path: ADMIN_STATE });

  // The setup page cannot be replayed once the install has an account.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/(sign-in|transcriptions)$/);
});
