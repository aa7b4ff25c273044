// The wrapper core every route handler goes through, whoever calls (API key, participant token, dashboard session):
// the NUL rule, zod-parsed params, query and JSON body (size capped), the account's rate limit, and one error body.
import { z, ZodError } from "zod";
import { appEnv } from "@/lib/config/env";
import { getDb, type Db } from "@/lib/db/client";
import { AppError, type ErrorBody } from "@/lib/errors";
import { assertNoNul } from "@/lib/validation/no-nul";
import { clientAddress } from "@/lib/net/client-address";
import { errorResponse, zodIssues, type ErrorMessages } from "./errors";
import { readJsonBody } from "./read-body";
import { consumeRateLimit, consumeUnauthenticated, rateLimitHeaders, retryAfterSeconds, type RateCost, type RateDecision } from "./rate-limit";

type Schema = z.ZodType;
export type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export type RawParams = Record<string, string | string[]>;
export type NextRouteContext = { params: Promise<RawParams> };

/** A handler's answer: a Response as is, or a JSON value (status 200, or the given one). */
export type ApiResult = Response | { status?: number; json?: unknown };

export type CoreContext<C, P, Q, B> = { caller: C; db: Db; request: Request; params: Out<P>; query: Out<Q>; body: Out<B> };

export type CoreOptions<C, P, Q, B> = {
  /**
   * Who calls, from the request and its raw path parameters (already free of NUL): resolves the caller, or throws
   * 401 (counted against the client address), 403 or 404. A Response instead answers the request as it is (a room
   * route forwarding it to the instance that owns the session, which authenticates and counts it itself).
   */
  authenticate: (request: Request, db: Db, rawParams: RawParams) => Promise<C | Response>;
  /** Turns an error into the one to answer with, before the mapping (a room route's session changing hands). */
  mapError?: (error: unknown) => unknown;
  /** The account whose budget the call spends `cost` of; undefined: not limited per account (anonymous room traffic). */
  account?: (caller: C) => string | undefined;
  cost?: RateCost;
  params?: P;
  query?: Q;
  /** A JSON body, parsed with this schema; `optionalBody` reads an empty one as `{}`. */
  body?: B;
  optionalBody?: boolean;
  messages?: ErrorMessages;
  /** Headers every error answer carries (a dashboard route's Cache-Control). */
  errorHeaders?: Record<string, string>;
};

export function wrapRoute<C, P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(
  options: CoreOptions<C, P, Q, B>,
  handler: (ctx: CoreContext<C, P, Q, B>) => Promise<ApiResult>,
) {
  return async (request: Request, routeContext?: NextRouteContext): Promise<Response> => {
    let headers: Record<string, string> = {};
    try {
      const db = await getDb();
      const rawParams = (await routeContext?.params) ?? {};
      const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
      assertNoNul(rawParams);
      assertNoNul(rawQuery);
      const caller = await options.authenticate(request, db, rawParams);
      if (caller instanceof Response) return caller;

      const accountId = options.cost && options.account?.(caller);
      if (accountId) {
        const decision = await consumeRateLimit(db, accountId, options.cost!, appEnv().VERBATIM_RATE_LIMIT_POINTS);
        headers = rateLimitHeaders(decision);
        if (!decision.allowed) return rateLimitedResponse(decision, headers);
      }

      const params = parse(options.params, rawParams);
      const query = parse(options.query, rawQuery);
      const body = options.body ? parse(options.body, await readBody(request, options.optionalBody)) : undefined;
      return toResponse(await handler({ caller, db, request, params, query, body } as CoreContext<C, P, Q, B>), headers);
    } catch (error) {
      const refused = await unauthorizedBudget(error, request);
      if (refused?.limited) return refused.limited;
      const answered = options.mapError ? options.mapError(error) : error;
      return errorResponse(answered, { ...options.errorHeaders, ...(refused?.headers ?? headers) }, options.messages);
    }
  };
}

async function readBody(request: Request, optional = false): Promise<unknown> {
  const empty = !request.body || request.headers.get("content-length") === "0";
  const raw = optional && empty ? {} : await readJsonBody(request, appEnv().VERBATIM_MAX_BODY_BYTES);
  assertNoNul(raw);
  return raw;
}

function parse(schema: Schema | undefined, value: unknown) {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError("validation", "Validation failed", zodIssues(result.error as ZodError));
  return result.data;
}

/**
 * A 401 counts against the caller's address (no account is known): its X-RateLimit-* headers, or the 429 to send
 * instead once the address has used its budget. Undefined for other errors.
 */
async function unauthorizedBudget(error: unknown, request: Request): Promise<{ headers: Record<string, string>; limited?: Response } | undefined> {
  if (!(error instanceof AppError) || error.code !== "unauthorized") return undefined;
  const decision = await consumeUnauthenticated(await getDb(), clientAddress(request.headers), appEnv().VERBATIM_RATE_LIMIT_POINTS);
  const headers = rateLimitHeaders(decision);
  return decision.allowed ? { headers } : { headers, limited: rateLimitedResponse(decision, headers) };
}

/** api.md's 429: the throttle key, how long until the budget refills, and Retry-After. */
function rateLimitedResponse(decision: RateDecision, headers: Record<string, string>): Response {
  const body: ErrorBody = { error: `Rate limit active for throttle key: ${decision.throttleKey}`, code: "rate_limited", data: { msLeft: decision.msLeft } };
  return Response.json(body, { status: 429, headers: { ...headers, "Retry-After": String(retryAfterSeconds(decision)) } });
}

/** A handler's result as the response, with the rate-limit headers. */
function toResponse(result: ApiResult, headers: Record<string, string>): Response {
  if (result instanceof Response) {
    for (const [k, v] of Object.entries(headers)) result.headers.set(k, v);
    return result;
  }
  const status = result.status ?? 200;
  if (status === 204 || result.json === undefined) return new Response(null, { status, headers });
  return Response.json(result.json, { status, headers });
}
