// The per-account API budget of api.md (read 1, delete 2, write 3 points a minute), shared by all instances through the database.
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

const limiters = new WeakMap<Db, Map<number, RateLimiterDrizzle>>();

function limiterFor(db: Db, points: number) {
  let byPoints = limiters.get(db);
  if (!byPoints) limiters.set(db, (byPoints = new Map()));
  let limiter = byPoints.get(points);
  if (!limiter) {
    limiter = new RateLimiterDrizzle({ storeClient: db, schema: rateLimits, points, duration: 60, keyPrefix: "api" });
    byPoints.set(points, limiter);
  }
  return limiter;
}

export async function consumeRateLimit(db: Db, accountId: string, cost: RateCost, budget: number): Promise<RateDecision> {
  const throttleKey = `account:${accountId}`;
  const limiter = limiterFor(db, budget);
  const decide = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
    allowed,
    limit: budget,
    remaining: Math.max(0, res.remainingPoints),
    resetAt: new Date(Date.now() + res.msBeforeNext),
    msLeft: res.msBeforeNext,
    throttleKey,
  });
  try {
    return decide(await limiter.consume(throttleKey, ratePoints[cost]), true);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return decide(rejection, false);
    throw rejection;
  }
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(Math.ceil(decision.resetAt.getTime() / 1000)),
  };
}
