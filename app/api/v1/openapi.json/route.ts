// GET /api/v1/openapi.json: the OpenAPI document, generated from the zod schemas every route registers.
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { appEnv } from "@/lib/config/env";
import "@/lib/server/api-routes";

export const dynamic = "force-dynamic";

// Public: the API's description holds no account data.
export function GET() {
  return Response.json(buildOpenApiDocument(appEnv().publicUrl));
}
