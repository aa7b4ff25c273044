// The OpenAPI registry: every REST route registers its zod schemas here, and the served document is generated from them.
import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { apiErrorCodes } from "@/lib/errors";

extendZodWithOpenApi(z);

export const openApiRegistry = new OpenAPIRegistry();

const bearer = openApiRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  description: "An API key from Configure → API keys. Keys act with the account's admin rights.",
});

const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });

/** The one error body of every route (api.md), with the machine-readable `code` clients branch on. */
const errorSchema = z
  .object({
    error: z.string().openapi({ description: "What went wrong, for a person to read" }),
    code: z.enum(apiErrorCodes).openapi({
      description:
        "Stable and machine-readable: the kind of failure (unauthorized, forbidden, not_found, validation_failed, conflict, payload_too_large, unsupported_media_type, rate_limited, unavailable, internal_error) or, for audio and refusals that pass with time, the precise reason.",
    }),
    details: z.array(fieldIssueSchema).optional().openapi({ description: "validation_failed: each field that failed, with why" }),
    data: z.object({ msLeft: z.number() }).optional().openapi({ description: "rate_limited: how long until the budget refills" }),
  })
  .openapi("Error");

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const error = (description: string) => json(errorSchema, description);

export const standardResponses = {
  400: error("The body or query failed validation (`validation_failed`, with `details`)"),
  401: error("Access token is missing or invalid"),
  403: error("Not allowed to perform action"),
  429: error("Over the rate limit (`rate_limited`, with `data.msLeft`); see Retry-After"),
};

type Method = "get" | "post" | "put" | "patch" | "delete";

/** Registers one route: its path uses {param} syntax, as the document shows it. */
export function registerApiRoute(route: {
  method: Method;
  path: string;
  /** The method name generated clients give this operation: a verb and a noun, unique in the document. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the operation reads (beyond authentication). */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** Success answers with their schema; error answers (4xx, 5xx) with when they happen (the body is always Error). */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}) {
  const responses: Record<string, unknown> = { ...standardResponses };
  if (route.params) responses[404] = error("The requested resource doesn't exist");
  for (const [code, r] of Object.entries(route.responses)) {
    // Every error answer has the one error body; a route only words when it happens.
    responses[code] = Number(code) >= 400 ? error(r.description) : r.schema ? json(r.schema, r.description) : { description: r.description };
  }
  openApiRegistry.registerPath({
    method: route.method,
    path: `/api/v1${route.path}`,
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: route.tags,
    security: [{ [bearer.name]: [] }],
    request: {
      params: route.params,
      query: route.query,
      headers: route.headers,
      body: route.body ? { content: { "application/json": { schema: route.body } }, required: true } : undefined,
    },
    responses: responses as never,
  });
}

export function buildOpenApiDocument(serverUrl: string) {
  return new OpenApiGeneratorV31(openApiRegistry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Verbatim API",
      version: "1.0.0",
      description:
        "Live session transcription without recording. Rate limit: per account, shared by all its keys, in points per minute (read 1, delete 2, write 3); every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
    },
    servers: [{ url: serverUrl }],
  });
}
