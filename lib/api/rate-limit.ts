// Rate limits shared by all instances through the database: the per-account API budget of api.md (read 1, delete 2, write 3 points a minute), and the throttles of anonymous callers (sign-in, room joins).
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/lib/db/client";
import { rateLimits } from "@/lib/db/schema";

export type RateCost = "read" | "delete" | "write";
export const ratePoints: Record<RateCost, number> = { read: 1, delete: 2, write: 3 };

export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAt: Date;
  msLeft: number;
  throttleKey: string;
};

/** A budget: `points` per `durationSeconds`, under its own key prefix. */
export type Budget = { prefix: string; points: number; durationSeconds: number };

const limiters = new WeakMap<Db, Map<string, RateLimiterDrizzle>>();

function limiterFor(db: Db, budget: Budget) {
  let byBudget = limiters.get(db);
  if (!byBudget) limiters.set(db, (byBudget = new Map()));
  const id = `${budget.prefix}:${budget.points}:${budget.durationSeconds}`;
  let limiter = byBudget.get(id);
  if (!limiter) {
    limiter = new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, points: budget.points, duration: budget.durationSeconds, keyPrefix: budget.prefix });
    byBudget.set(id, limiter);
  }
  return limiter;
}

/** Takes `cost` points of `key`'s budget; `allowed: false` (nothing taken beyond the budget) when it is spent. */
export async function consumeBudget(db: Db, budget: Budget, key: string, cost = 1): Promise<RateDecision> {
  const limiter = limiterFor(db, budget);
  const decide = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
    allowed,
    limit: budget.points,
    remaining: Math.max(0, res.remainingPoints),
    resetAt: new Date(Date.now() + res.msBeforeNext),
    msLeft: res.msBeforeNext,
    throttleKey: key,
  });
  try {
    return decide(await limiter.consume(key, cost), true);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return decide(rejection, false);
    throw rejection;
  }
}

/** Forgets what `key` has spent (a successful sign-in clears its email's failed attempts). */
export async function resetBudget(db: Db, budget: Budget, key: string): Promise<void> {
  await limiterFor(db, budget).delete(key);
}

export async function consumeRateLimit(db: Db, accountId: string, cost: RateCost, budget: number): Promise<RateDecision> {
  return consumeBudget(db, { prefix: "api", points: budget, durationSeconds: 60 }, `account:${accountId}`, ratePoints[cost]);
}

/**
 * The budget of calls that carry no valid credential (api.md: every answer has X-RateLimit-*), per client address:
 * it also makes guessing keys or participant tokens slow.
 */
export async function consumeUnauthenticated(db: Db, clientAddress: string, budget: number): Promise<RateDecision> {
  return consumeBudget(db, { prefix: "api-unauthenticated", points: budget, durationSeconds: 60 }, `address:${clientAddress}`, ratePoints.read);
}

/** Seconds until a refused caller may try again, for Retry-After (at least 1). */
export function retryAfterSeconds(decision: Pick<RateDecision, "msLeft">): number {
  return Math.max(1, Math.ceil(decision.msLeft / 1000));
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(Math.ceil(decision.resetAt.getTime() / 1000)),
  };
}
