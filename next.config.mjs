/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native or process-bound packages stay outside the bundle and load from node_modules at run time.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "postgres",
    "@node-rs/argon2",
    "rate-limiter-flexible",
    "pg-boss",
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
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
