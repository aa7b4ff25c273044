import { test, expect } from "@playwright/test";
import { signIn } from "./fixtures";

test("an admin invites a member, who joins once with the link and cannot do admin work", async ({ page, browser }) => {
  await page.goto("/configure/members");
  await page.getByLabel("Email").fill("ben@example.com");
  await page.getByLabel("Role", { exact: true }).selectOption("member");
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!.trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
  await page.reload();
  await expect(page.getByText("Pending invites")).toBeVisible();

  const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const ben = await guest.newPage();
  await ben.goto(link);
  await expect(ben.getByRole("heading", { name: /Join Acme Health/ })).toBeVisible();
  await ben.getByLabel("Your name").fill("Ben Member");
  await ben.getByLabel("Choose a password").fill("ben's long passphrase");
  await ben.screenshot({ path: "test-results/screenshots/invite.png", fullPage: true });
  await ben.getByRole("button", { name: "Join" }).click();
  await expect(ben.getByRole("heading", { level: 1, name: "Transcriptions" })).toBeVisible();
  await expect(ben.getByText("Acme Health · Member")).toBeVisible();

  // A refused invite keeps the email typed (Ben is already a member).
  await page.getByLabel("Email").fill("ben@example.com");
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByText(/already/i).first()).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("ben@example.com");

  // A member sees who is in the account but gets no admin controls.
  await ben.goto("/configure/members");
  await expect(ben.getByText("Only account admins can invite people or change roles.")).toBeVisible();
  await expect(ben.getByRole("button", { name: "Create invite link" })).toHaveCount(0);
  await ben.goto("/configure/api-keys");
  await expect(ben.getByText("Only account admins can create or revoke API keys.")).toBeVisible();

  // The link works once.
  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const again = await other.newPage();
  await again.goto(link);
  await expect(again.getByText("This invite link was already used.")).toBeVisible();

  // The admin promotes Ben; Ben's next request sees the new role without signing in again.
  await page.reload();
  await page.getByLabel("Role of Ben Member").selectOption("admin");
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await ben.goto("/configure/members");
  await expect(ben.getByRole("button", { name: "Create invite link" })).toBeVisible();

  // The last admin cannot be demoted: demote Ben, then try to demote Ada.
  await page.reload();
  await page.getByLabel("Role of Ben Member").selectOption("member");
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await ben.reload();
  await expect(ben.getByText("Only account admins can invite people or change roles.")).toBeVisible();
  await page.reload();
  // The only admin's own role and Remove are disabled, with the reason next to them.
  await expect(page.getByLabel("Role of Ada Admin")).toBeDisabled();
  const adaRow = page.getByTestId("member-row").filter({ hasText: "ada@example.com" });
  await expect(adaRow.getByRole("button", { name: "Remove" })).toBeDisabled();
  await expect(adaRow).toContainText("The only admin: make someone else an admin before changing this role or removing yourself.");

  // Ben forgot his password: the admin gives him a temporary one, shown once, and his sessions end.
  await page.getByTestId("member-row").filter({ hasText: "ben@example.com" }).getByRole("button", { name: "Reset password" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reset password" }).click();
  const temporary = (await page.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary.length).toBeGreaterThanOrEqual(20);
  await page.getByRole("button", { name: "Done" }).click();
  await ben.reload();
  await expect(ben).toHaveURL(/\/sign-in/);
  await signIn(ben, "ben@example.com", temporary);

  // Removing Ben ends his access at once.
  await page.reload();
  const benRow = page.getByTestId("member-row").filter({ hasText: "ben@example.com" });
  await benRow.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("dialog")).toContainText("ben@example.com will lose access");
  await page.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByTestId("member-row").filter({ hasText: "ben@example.com" })).toHaveCount(0);
  await ben.reload();
  await expect(ben).toHaveURL(/\/sign-in/);
  await guest.close();
  await other.close();
});
