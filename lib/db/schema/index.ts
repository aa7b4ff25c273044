// The whole schema: one file per domain, re-exported here for drizzle and drizzle-kit.
export * from "./core";
export * from "./settings";
export * from "./rooms";
export * from "./sessions";
export * from "./webhooks";
export * from "./transcripts";
export * from "./summaries";
