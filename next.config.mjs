import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/**
 * The Content-Security-Policy of every page and answer: only this origin's scripts, styles, workers (the room page's
 * microphone AudioWorklet is /audio-worklet-pcm16.js), fetches and EventSource streams; no plugins, no framing, forms
 * post only here. Next.js's hydration data is inline script, hence 'unsafe-inline' for scripts (no external script
 * can load); the development server also needs 'unsafe-eval' for React's debugging. The room page alone may be framed,
 * by the origins its account lists (proxy.ts passes them as `frameAncestors`).
 */
export function contentSecurityPolicy(dev = false, frameAncestors = "'none'") {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");
}

/** @type {(phase: string) => import('next').NextConfig} */
const nextConfig = (phase) => ({
  // Native or process-bound packages stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "postgres",
    "@node-rs/argon2",
    "rate-limiter-flexible",
    "pg-boss",
    "prom-client",
    "pg",
  ],
  poweredByHeader: false,
  // `npm test` type-checks the whole tree with tsc; the build need not do it a second time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Content-Security-Policy", value: contentSecurityPolicy(phase === PHASE_DEVELOPMENT_SERVER) },
        ],
      },
      // Everything but the room page refuses framing for old browsers too; the room page relies on frame-ancestors,
      // which proxy.ts sets per account (X-Frame-Options cannot name the origins allowed to embed it).
      {
        source: "/:path((?!r/).*)",
        headers: [{ key: "X-Frame-Options", value: "DENY" }],
      },
    ];
  },
});

export default nextConfig;
