import { test, expect } from "@playwright/test";
import { ADMIN, ADMIN_STATE, signIn } from "./fixtures";

test.use({ storageState: { cookies: [], origins: [] } });

test("sign-in refuses a wrong password, signs in, navigates the shell and signs out", async ({ page, browser, baseURL }) => {
  await page.goto("/transcriptions");
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("The email or password is not right.")).toBeVisible();
  // The refused form keeps the email; "Forgot password?" says what to do.
  await expect(page.getByLabel("Email")).toHaveValue(ADMIN.email);
  await page.getByText("Forgot password?").click();
  await expect(page.getByText("Ask an admin of your account")).toBeVisible();

  await signIn(page, ADMIN.email, ADMIN.password);
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [link, heading, empty] of [
    ["Rooms", "Rooms", /rooms/i],
    ["Transcription", "Transcription", /./],
    ["Webhooks", "Webhooks", /./],
    ["Members", "Members", /./],
    ["API keys", "API keys", /./],
  ] as const) {
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
    await expect(page.getByRole("main")).toContainText(empty);
  }
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveAttribute("aria-current", "page");

  // A copy of the session cookie taken before signing out stops working with it: the session ends on the server.
  const copied = await page.context().storageState();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/configure/members");
  await expect(page).toHaveURL(/\/sign-in/);
  const thief = await browser.newContext({ baseURL, storageState: copied });
  const stolen = await thief.newPage();
  await stolen.goto("/configure/members");
  await expect(stolen).toHaveURL(/\/sign-in/);
  await thief.close();

  // Signing out ended every session of this admin, the saved one of the other specs too: save a fresh one.
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.context().storageState({ path: ADMIN_STATE });
});
