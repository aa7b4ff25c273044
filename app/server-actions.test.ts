// Guards the rule that every export of a "use server" file is a checked action: wrapped by adminAction or
// memberAction (session + role), or one of the few public actions listed here with the reason they are public.
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const publicActions: Record<string, string> = {
  signInAction: "signing in is how a visitor gets a session",
  setupAction: "creates the first account only while the install has none",
  acceptInviteAction: "the single-use invite token is the credential",
  signOutAction: "ends only the caller's own session",
};

function serverActionFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return serverActionFiles(full);
    return /\.tsx?$/.test(e.name) && /^\s*["']use server["']/.test(fs.readFileSync(full, "utf8")) ? [full] : [];
  });
}

it("every server action export checks the session and role, or is a listed public action", () => {
  // Actions live beside the pages that use them, and beside a shared component that is their only caller.
  const files = ["app", "components"].flatMap((dir) => serverActionFiles(path.join(process.cwd(), dir)));
  expect(files.length).toBeGreaterThan(0);
  const unchecked: string[] = [];
  for (const file of files) {
    const source = fs.readFileSync(file, "utf8");
    for (const match of source.matchAll(/export\s+(?:async\s+)?(?:const|function)\s+(\w+)(.*)/g)) {
      const [, name, rest] = match;
      const wrapped = /^\s*=\s*(adminAction|memberAction)\(/.test(rest);
      if (!wrapped && !(name in publicActions)) unchecked.push(`${path.relative(process.cwd(), file)}: ${name}`);
    }
    expect(source).not.toMatch(/export\s+default/);
  }
  expect(unchecked).toEqual([]);
});
