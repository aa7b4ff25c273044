// Layers point one way: a lib/ module imports only modules of a lower layer (or of its own layer without a cycle),
// lib/ never imports app/ or components/, and components/ never imports app/ (architecture.md, issue #19).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

/**
 * Lowest first. Modules on one line form one layer: they may import each other, but never in a cycle.
 * Departures from architecture.md's list, and why:
 * - crypto sits below config: it is pure (no environment, no errors); config/keyring.ts builds this process's
 *   keyring from it.
 * - http and jobs (the pg-boss queue) sit with storage/net: engines call the OpenAI-compatible client, and webhooks
 *   and summaries enqueue work, so both must be below them.
 * - actor.ts (who is acting) is a plain type every domain uses; it sits just above db.
 * - api (wrapper, rate limit, body reader, OpenAPI registry) sits above accounts/api-keys/audit because the REST
 *   wrapper authenticates API keys; auth (sessions, server-action wrapper) sits above api because it loads users
 *   from accounts and throttles with api's rate limiter.
 * - webhooks is a domain like rooms (endpoints, deliveries, the outbox every state change writes to): the pipeline
 *   and summaries write to its outbox, so it sits below them.
 * - storage-config resolves an account's destination (settings) to a storage, so it sits above settings.
 * - retry is the one backoff helper, used from the lowest layers up.
 */
const LAYERS: string[][] = [
  ["crypto", "start-triggers", "session-timing", "s3-checksum-modes"],
  ["config"],
  ["errors", "validation"],
  ["db", "actor", "retry"],
  ["storage", "net", "http", "jobs"],
  ["speech"],
  ["accounts", "api-keys", "audit"],
  ["api"],
  ["auth"],
  ["settings", "rooms", "webhooks", "usage"],
  ["storage-config"],
  ["transcripts"],
  ["pipeline"],
  ["summaries", "ops"],
  ["server"],
  ["testing"],
];

const rank = new Map(LAYERS.flatMap((layer, i) => layer.map((m) => [m, i] as const)));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(rel);
    // Tests sit above everything they test: they may import any module.
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;

/** Every module specifier a file imports, as written. */
function specifiersOf(file: string): string[] {
  const src = fs.readFileSync(path.join(root, file), "utf8");
  return [...src.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Repository-relative targets of a file's imports inside this repository. */
function importsOf(file: string): string[] {
  return specifiersOf(file).flatMap((spec) => {
    if (spec.startsWith("@/")) return [spec.slice(2)];
    if (spec.startsWith(".")) return [path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))];
    return [];
  });
}

/** lib/pipeline/finalize.ts → "pipeline", lib/errors.ts → "errors", app/x → "app". */
function moduleOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] !== "lib") return parts[0];
  return parts.length === 2 ? parts[1].replace(/\.tsx?$/, "") : parts[1];
}

type Edge = { from: string; to: string; file: string };

function edges(dirs: string[]): Edge[] {
  return dirs.flatMap((dir) =>
    sourceFiles(dir).flatMap((file) =>
      importsOf(file)
        .map((target) => ({ from: moduleOf(file), to: moduleOf(target), file }))
        .filter((e) => e.from !== e.to),
    ),
  );
}

describe("layers", () => {
  const libEdges = edges(["lib"]);

  it("every lib/ module has a layer", () => {
    const unknown = [...new Set(sourceFiles("lib").map(moduleOf))].filter((m) => !rank.has(m));
    expect(unknown, "add new lib/ modules to LAYERS in lib/layers.test.ts").toEqual([]);
  });

  it("no lib/ module imports a higher layer", () => {
    const upward = libEdges
      .filter((e) => rank.has(e.to) && rank.get(e.to)! > rank.get(e.from)!)
      .map((e) => `${e.from} -> ${e.to}: ${e.file}`);
    expect([...new Set(upward)], "wrong-way imports (from -> to: file): move the imported code down a layer, or the importer up (LAYERS is the order)").toEqual([]);
  });

  it("no two lib/ modules import each other, directly or around a loop", () => {
    const graph = new Map<string, Set<string>>();
    for (const e of libEdges) graph.set(e.from, (graph.get(e.from) ?? new Set()).add(e.to));
    const reachable = (start: string) => {
      const seen = new Set<string>();
      const todo = [start];
      while (todo.length) for (const next of graph.get(todo.pop()!) ?? []) if (!seen.has(next)) seen.add(next), todo.push(next);
      return seen;
    };
    const reach = new Map([...graph.keys()].map((m) => [m, reachable(m)]));
    const inCycle = [...graph.keys()].flatMap((a) =>
      [...graph.keys()].filter((b) => a < b && reach.get(a)!.has(b) && reach.get(b)!.has(a)).map((b) => `${a} <-> ${b}`),
    );
    expect(inCycle).toEqual([]);
  });

  it("lib/ never imports app/ or components/, and components/ never imports app/", () => {
    const wrong = [...libEdges, ...edges(["components"])]
      .filter((e) => e.to === "app" || (e.from !== "components" && e.to === "components"))
      .map((e) => `${e.file} -> ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it("lib/ never imports Next.js (next/*): route handlers and pages in app/ hold the framework", () => {
    const wrong = sourceFiles("lib").flatMap((file) => specifiersOf(file).filter((spec) => spec === "next" || spec.startsWith("next/")).map((spec) => `${file} -> ${spec}`));
    expect(wrong).toEqual([]);
  });

  it("app/ pages, actions and route handlers run no queries of their own: they call lib/", () => {
    // Test harnesses beside the routes set up data as tests do.
    const files = sourceFiles("app").filter((file) => !file.endsWith("-harness.ts"));
    const wrong = files.flatMap((file) =>
      specifiersOf(file)
        .filter((spec) => spec === "drizzle-orm" || spec.startsWith("drizzle-orm/") || spec === "@/lib/db/schema" || spec.startsWith("@/lib/db/schema/"))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(wrong).toEqual([]);
  });
});
