import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { apiErrorCodes } from "@/lib/errors";
import { buildOpenApiDocument } from "./openapi";
import "@/lib/server/api-routes";

const apiRoot = path.join(process.cwd(), "app/api/v1");

/** Every (method, path) that a route file under app/api/v1 exports, in OpenAPI path syntax. */
function routesInCode(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const rel = path.relative(apiRoot, dir).split(path.sep).filter(Boolean);
        if (rel[0] === "openapi.json") continue;
        const apiPath = "/api/v1/" + rel.map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/");
        const source = fs.readFileSync(full, "utf8");
        for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
          if (new RegExp(`export (const|async function|function) ${method}\\b|export const \\{[^}]*\\b${method}\\b`).test(source)) found.push(`${method.toLowerCase()} ${apiPath}`);
        }
      }
    }
  };
  walk(apiRoot);
  return found.sort();
}

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument("http://localhost:3000");

  it("describes exactly the routes the code serves", () => {
    const documented = Object.entries(doc.paths ?? {})
      .flatMap(([p, item]) => Object.keys(item as object).map((m) => `${m} ${p}`))
      .sort();
    expect(documented).toEqual(routesInCode());
  });

  it("gives every operation a unique operationId, so generated clients get method names", () => {
    const ids = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId));
    expect(ids.length).toBe(routesInCode().length);
    expect(ids.filter((id) => !id || !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("passes Redocly's recommended rules (offline: the document has no external references)", async () => {
    // The document describes one self-hosted install, which states no license of its own.
    const config = await createConfig({ extends: ["recommended"], rules: { "info-license": "off" } });
    const served = buildOpenApiDocument("https://verbatim.acme-health.net");
    const problems = await lintFromString({ source: JSON.stringify(served), absoluteRef: "/openapi.json", config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ""}`)).toEqual([]);
  });

  it("declares bearer authentication and the api.md error shapes", () => {
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const item of Object.values(doc.paths ?? {})) {
      for (const op of Object.values(item as Record<string, { responses: Record<string, unknown> }>)) {
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["400", "401", "429"]));
      }
    }
  });

  it("answers every error with the one Error schema, whose code enum lists every code the code can send", () => {
    const schema = doc.components?.schemas?.Error as { required: string[]; properties: Record<string, { enum?: string[] }> };
    expect(schema.required.sort()).toEqual(["code", "error"]);
    expect(Object.keys(schema.properties).sort()).toEqual(["code", "data", "details", "error"]);
    expect(schema.properties.code.enum).toEqual(apiErrorCodes);
    expect(schema.properties.code.enum).toEqual(expect.arrayContaining(["unauthorized", "validation_failed", "rate_limited", "over_capacity", "odd_length", "chunk_too_large", "database_unavailable"]));
    const wrong: string[] = [];
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          if (response.content?.["application/json"]?.schema?.$ref !== "#/components/schemas/Error") wrong.push(`${method} ${p} ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("documents the live stream's event ids and how to resume (Last-Event-ID header or lastEventId query)", () => {
    const op = (doc.paths?.["/api/v1/rooms/{roomName}/live"] as { get: { description: string; parameters: { name: string; in: string }[] } }).get;
    expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Last-Event-ID", in: "header" }), expect.objectContaining({ name: "lastEventId", in: "query" })]));
    expect(op.description).toContain("<transcriptionId>:<n>");
  });
});
