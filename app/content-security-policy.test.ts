// The Content-Security-Policy header of next.config.mjs: on every path, strict outside scripts' inline hydration data (the browser specs check the pages work under it).
import { expect, it } from "vitest";
import type { NextConfig } from "next";
// @ts-expect-error next.config.mjs is plain JavaScript without declarations
import * as configModule from "../next.config.mjs";

const { default: nextConfig, contentSecurityPolicy } = configModule as {
  default: (phase: string) => NextConfig;
  contentSecurityPolicy: (dev?: boolean, frameAncestors?: string) => string;
};

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

it("X-Frame-Options DENY covers every path but the room page, whose frame-ancestors proxy.ts sets per account", async () => {
  const rules = await nextConfig("phase-production-server").headers!();
  const xfo = rules.filter((r) => r.headers.some((h) => h.key === "X-Frame-Options"));
  expect(xfo).toHaveLength(1);
  const pattern = new RegExp(`^${xfo[0].source.replace("/:path(", "/(")}$`);
  expect(pattern.test("/transcriptions")).toBe(true);
  expect(pattern.test("/configure/transcription")).toBe(true);
  expect(pattern.test("/api/v1/meetings")).toBe(true);
  expect(pattern.test("/r/sales-0123")).toBe(false);
  expect(contentSecurityPolicy(false, "https://app.example.com http://127.0.0.1:3131")).toContain("frame-ancestors https://app.example.com http://127.0.0.1:3131");
});
