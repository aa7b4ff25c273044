// The one wrapper for server actions: session, role, zod-parsed form input, and a typed result for useActionState.
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { checkedForm } from "@/lib/validation/no-nul";
import { getDb, type Db } from "@/lib/db/client";
import { actorOf, getSessionUser, type SessionUser } from "./session";
import type { Actor } from "@/lib/actor";

export type ActionState<T = unknown> =
  | { ok: true; data: T; message?: string }
  | { ok: false; error: string; fieldErrors?: Record<string, string> }
  | null;

type Ctx = { user: SessionUser; actor: Actor; db: Db };

function failure(error: unknown): Exclude<ActionState<never>, null> {
  if (error instanceof z.ZodError) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of error.issues) fieldErrors[issue.path.join(".")] ??= issue.message;
    return { ok: false, error: "Please correct the highlighted fields.", fieldErrors };
  }
  if (error instanceof AppError) {
    const fieldErrors = Object.fromEntries(error.details.map((d) => [d.path, d.message]));
    return { ok: false, error: error.message, fieldErrors: error.details.length ? fieldErrors : undefined };
  }
  console.error("Unhandled error in server action:", error);
  return { ok: false, error: "Something went wrong on our side. Please try again." };
}

function build<S extends z.ZodType, T>(role: "member" | "admin", schema: S, fn: (input: z.output<S>, ctx: Ctx) => Promise<T>) {
  return async (_prev: ActionState<T>, form: FormData | Record<string, unknown>): Promise<ActionState<T>> => {
    try {
      const user = await getSessionUser();
      if (!user) return { ok: false, error: "Your session has ended. Sign in again." };
      if (role === "admin" && user.role !== "admin") {
        return { ok: false, error: "Only account admins can do this. Ask an admin of your account." };
      }
      const input = schema.parse(checkedForm(form));
      return { ok: true, data: await fn(input, { user, actor: actorOf(user), db: await getDb() }) };
    } catch (error) {
      return failure(error);
    }
  };
}

/** An action any signed-in member of the account may call. */
export const memberAction = <S extends z.ZodType, T>(schema: S, fn: (input: z.output<S>, ctx: Ctx) => Promise<T>) =>
  build("member", schema, fn);

/** An action only the account's admins may call; others get a clear refusal. */
export const adminAction = <S extends z.ZodType, T>(schema: S, fn: (input: z.output<S>, ctx: Ctx) => Promise<T>) =>
  build("admin", schema, fn);

/** For public forms (setup, invite acceptance): no session, zod input, the same result shape. */
export const publicAction = <S extends z.ZodType, T>(schema: S, fn: (input: z.output<S>, db: Db) => Promise<T>) =>
  async (_prev: ActionState<T>, form: FormData | Record<string, unknown>): Promise<ActionState<T>> => {
    try {
      return { ok: true, data: await fn(schema.parse(checkedForm(form)), await getDb()) };
    } catch (error) {
      return failure(error);
    }
  };
