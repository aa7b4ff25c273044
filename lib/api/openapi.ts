// The OpenAPI registry: every REST route registers its zod schemas here, and the served document is generated from them.
import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export const openApiRegistry = new OpenAPIRegistry();

const bearer = openApiRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  description: "An API key from Configure → API keys. Keys act with the account's admin rights.",
});

const errorSchema = z.object({ error: z.string() }).openapi("Error");
const validationErrorSchema = z
  .object({ error: z.literal("Validation failed"), details: z.array(z.object({ path: z.string(), message: z.string() })) })
  .openapi("ValidationError");
const rateLimitSchema = z
  .object({ error: z.string(), data: z.object({ msLeft: z.number() }) })
  .openapi("RateLimited");

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });

export const standardResponses = {
  400: json(validationErrorSchema, "The body or query failed validation"),
  401: json(errorSchema, "Access token is missing or invalid"),
  403: json(errorSchema, "Not allowed to perform action"),
  429: json(rateLimitSchema, "Over the account's rate limit; see Retry-After"),
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
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}) {
  const responses: Record<string, unknown> = { ...standardResponses };
  if (route.params) responses[404] = json(errorSchema, "The requested resource doesn't exist");
  for (const [code, r] of Object.entries(route.responses)) {
    responses[code] = r.schema ? json(r.schema, r.description) : { description: r.description };
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
