// Dashboard route handlers (downloads, polled JSON, live events, exports): the signed-in session user and role, then
// the wrapper core (lib/api/route-core.ts); answers are never cached.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Actor } from "@/lib/actor";
import { wrapRoute, type ApiResult, type Out } from "@/lib/api/route-core";
import { actorOf, getSessionUser, type SessionUser } from "./session";

type Schema = z.ZodType;

export type DashboardRouteContext<P, Q> = { user: SessionUser; actor: Actor; db: Db; request: Request; params: Out<P>; query: Out<Q> };

export type DashboardRouteOptions<P, Q> = {
  /** "member": any signed-in member of the account; "admin": its admins only (403 for others). */
  role: "member" | "admin";
  params?: P;
  query?: Q;
};

/** Per-user answers: never stored by a browser or a proxy, errors included. */
const NO_STORE = { "Cache-Control": "private, no-store" };

export function dashboardRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  options: DashboardRouteOptions<P, Q>,
  handler: (ctx: DashboardRouteContext<P, Q>) => Promise<ApiResult>,
) {
  return wrapRoute(
    { params: options.params, query: options.query, authenticate: () => sessionUser(options.role), messages: "fixed", errorHeaders: NO_STORE },
    ({ caller, db, request, params, query }) => handler({ user: caller, actor: actorOf(caller), db, request, params, query }),
  );
}

async function sessionUser(role: "member" | "admin"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new AppError("unauthorized", "Sign in again");
  if (role === "admin" && user.role !== "admin") throw new AppError("forbidden", "Only account admins can do this");
  return user;
}
