// The Content-Security-Policy header of next.config.mjs: on every path, strict outside scripts' inline hydration data (the browser specs check the pages work under it).
import { expect, it } from "vitest";
import type { NextConfig } from "next";
// @ts-expect-error next.config.mjs is plain JavaScript without declarations
import * as configModule from "../next.config.mjs";

const { default: nextConfig, contentSecurityPolicy } = configModule as { default: (phase: string) => NextConfig; contentSecurityPolicy: (dev?: boolean) => string };

it("every path carries a CSP that allows only this origin, no plugins or framing, and eval only in development", async () => {
  const config = nextConfig("phase-production-server");
  const rules = await config.headers!();
  const all = rules.find((r) => r.source === "/:path*")!;
  const csp = all.headers.find((h) => h.key === "Content-Security-Policy")!.value;
  const directives = Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
  expect(directives["default-src"]).toEqual(["'self'"]);
  expect(directives["script-src"]).toEqual(["'self'", "'unsafe-inline'"]);
  expect(directives["connect-src"]).toEqual(["'self'"]);
  expect(directives["worker-src"]).toContain("'self'");
  expect(directives["object-src"]).toEqual(["'none'"]);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  expect(directives["form-action"]).toEqual(["'self'"]);
  expect(csp).not.toContain("unsafe-eval");
  expect(contentSecurityPolicy(true)).toContain("'unsafe-eval'");
});
