// The one wrapper for REST route handlers: bearer key → account, rate limit, zod-parsed input, api.md errors.
import { z, ZodError } from "zod";
import { appEnv } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import type { Actor } from "@/lib/actor";
import { errorResponse, zodIssues } from "./errors";
import { readJsonBody } from "./read-body";
import { assertNoNul } from "@/lib/validation/no-nul";
import { consumeRateLimit, consumeUnauthenticated, rateLimitHeaders, retryAfterSeconds, type RateCost, type RateDecision } from "./rate-limit";
import { clientAddress } from "@/lib/net/client-address";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export type ApiContext<P, Q, B> = { actor: Actor; db: Db; request: Request; params: Out<P>; query: Out<Q>; body: Out<B> };

type RouteOptions<P, Q, B> = { cost: RateCost; params?: P; query?: Q; body?: B };

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/** A handler's answer: a Response as is, or a JSON value (status 200, or the given one). */
export type ApiResult = Response | { status?: number; json?: unknown };

export function apiRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  options: RouteOptions<P, Q, B>,
  handler: (ctx: ApiContext<P, Q, B>) => Promise<ApiResult>,
) {
  return async (request: Request, routeContext?: NextRouteContext): Promise<Response> => {
    let headers: Record<string, string> = {};
    try {
      const db = await getDb();
      const actor = await authenticateApiKey(db, bearerToken(request));
      if (!actor) throw new AppError("unauthorized", "Access token is missing or invalid");

      const env = appEnv();
      const decision = await consumeRateLimit(db, actor.accountId, options.cost, env.VERBATIM_RATE_LIMIT_POINTS);
      headers = rateLimitHeaders(decision);
      if (!decision.allowed) return rateLimitedResponse(decision, headers);

      const rawParams = (await routeContext?.params) ?? {};
      const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
      assertNoNul(rawParams);
      assertNoNul(rawQuery);
      const params = parse(options.params, rawParams, []);
      const query = parse(options.query, rawQuery, []);
      const rawBody = options.body ? await readJsonBody(request, env.VERBATIM_MAX_BODY_BYTES) : undefined;
      assertNoNul(rawBody);
      const body = options.body ? parse(options.body, rawBody, []) : undefined;

      return toResponse(await handler({ actor, db, request, params, query, body } as ApiContext<P, Q, B>), headers);
    } catch (error) {
      const refused = await unauthorizedBudget(error, request);
      if (refused?.limited) return refused.limited;
      return errorResponse(error, refused?.headers ?? headers);
    }
  };
}

/**
 * A 401 counts against the caller's address (no account is known): its X-RateLimit-* headers, or the 429 to send
 * instead once the address has used its budget. Undefined for other errors.
 */
export async function unauthorizedBudget(error: unknown, request: Request): Promise<{ headers: Record<string, string>; limited?: Response } | undefined> {
  if (!(error instanceof AppError) || error.code !== "unauthorized") return undefined;
  const decision = await consumeUnauthenticated(await getDb(), clientAddress(request.headers), appEnv().VERBATIM_RATE_LIMIT_POINTS);
  const headers = rateLimitHeaders(decision);
  return decision.allowed ? { headers } : { headers, limited: rateLimitedResponse(decision, headers) };
}

function parse(schema: Schema | undefined, value: unknown, prefix: string[]) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError("validation", "Validation failed", zodIssues(result.error as ZodError, prefix));
  return result.data;
}

/** The `Bearer` token of a request's Authorization header, if any. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
}

/** api.md's 429: the throttle key, how long until the budget refills, and Retry-After. */
export function rateLimitedResponse(decision: RateDecision, headers: Record<string, string>): Response {
  return Response.json(
    { error: `Rate limit active for throttle key: ${decision.throttleKey}`, data: { msLeft: decision.msLeft } },
    { status: 429, headers: { ...headers, "Retry-After": String(retryAfterSeconds(decision)) } },
  );
}

/** A handler's result as the response, with the rate-limit headers. */
export function toResponse(result: ApiResult, headers: Record<string, string>): Response {
  if (result instanceof Response) {
    for (const [k, v] of Object.entries(headers)) result.headers.set(k, v);
    return result;
  }
  const status = result.status ?? 200;
  if (status === 204 || result.json === undefined) return new Response(null, { status, headers });
  return Response.json(result.json, { status, headers });
}
