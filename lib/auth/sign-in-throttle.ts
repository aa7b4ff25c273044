// Brute-force protection of sign-in: attempts per email and per client address are counted before the password hash runs.
import type { Db } from "@/lib/db/client";
import { consumeBudget, resetBudget, retryAfterSeconds, type Budget } from "@/lib/api/rate-limit";
import { verifyCredentials } from "@/lib/accounts/accounts";
import { noNul } from "@/lib/validation/no-nul";

/** 10 attempts per email in 15 minutes (a success clears them); 50 per client address (an office shares one). */
export const SIGN_IN_EMAIL_BUDGET: Budget = { prefix: "sign-in-email", points: 10, durationSeconds: 15 * 60 };
export const SIGN_IN_ADDRESS_BUDGET: Budget = { prefix: "sign-in-address", points: 50, durationSeconds: 15 * 60 };

type User = NonNullable<Awaited<ReturnType<typeof verifyCredentials>>>;
export type SignInOutcome = { kind: "ok"; user: User } | { kind: "invalid" } | { kind: "throttled"; retryAfterSeconds: number };

/** The same words whether or not the email has an account: the refusal says nothing about who uses the install. */
export function throttledMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many sign-in attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again, or ask an admin to reset your password.`;
}

/**
 * Checks the credentials unless this email or address has used its attempts; the attempt is counted first, so
 * neither guessing nor a flood of requests gets the server to run argon2 beyond the budget.
 */
export async function signInWithThrottle(
  db: Db,
  input: { email: string; password: string; clientAddress: string },
  verify: typeof verifyCredentials = verifyCredentials,
): Promise<SignInOutcome> {
  const emailKey = input.email.trim().toLowerCase().slice(0, 320);
  const byAddress = await consumeBudget(db, SIGN_IN_ADDRESS_BUDGET, input.clientAddress);
  if (!byAddress.allowed) return { kind: "throttled", retryAfterSeconds: retryAfterSeconds(byAddress) };
  const byEmail = await consumeBudget(db, SIGN_IN_EMAIL_BUDGET, emailKey);
  if (!byEmail.allowed) return { kind: "throttled", retryAfterSeconds: retryAfterSeconds(byEmail) };
  // No account has a NUL in its email (PostgreSQL text cannot hold one): not worth a query.
  if (!noNul(input.email)) return { kind: "invalid" };
  const user = await verify(db, input.email, input.password);
  if (!user) return { kind: "invalid" };
  await resetBudget(db, SIGN_IN_EMAIL_BUDGET, emailKey);
  return { kind: "ok", user };
}
