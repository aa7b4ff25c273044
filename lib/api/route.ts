// REST route handlers called with an API key: bearer key → account, then the wrapper core (rate limit, zod-parsed
// input, api.md errors with a code).
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import type { Actor } from "@/lib/actor";
import type { RateCost } from "./rate-limit";
import { wrapRoute, type ApiResult, type Out } from "./route-core";

export type { ApiResult } from "./route-core";

type Schema = z.ZodType;

export type ApiContext<P, Q, B> = { actor: Actor; db: Db; request: Request; params: Out<P>; query: Out<Q>; body: Out<B> };

type RouteOptions<P, Q, B> = { cost: RateCost; params?: P; query?: Q; body?: B };

export function apiRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  options: RouteOptions<P, Q, B>,
  handler: (ctx: ApiContext<P, Q, B>) => Promise<ApiResult>,
) {
  return wrapRoute(
    { ...options, authenticate: authenticateBearer, account: (actor: Actor) => actor.accountId, messages: "fixed" },
    ({ caller, ...rest }) => handler({ actor: caller, ...rest }),
  );
}

/** The account's actor for the request's API key; 401 without a valid one. */
export async function authenticateBearer(request: Request, db: Db): Promise<Actor> {
  const actor = await authenticateApiKey(db, bearerToken(request));
  if (!actor) throw new AppError("unauthorized", "Access token is missing or invalid");
  return actor;
}

/** The `Bearer` token of a request's Authorization header, if any. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
}
