// The README shows customers the same verification code that the tests run (docs/webhook-verification.md).
import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

it("README.md carries the tested webhook verification example word for word", () => {
  const doc = fs.readFileSync(path.join(process.cwd(), "docs/webhook-verification.md"), "utf8");
  const readme = fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8");
  const block = /```js\n[\s\S]*?```/.exec(doc)?.[0];
  expect(block).toBeTruthy();
  expect(readme).toContain(block);
});
