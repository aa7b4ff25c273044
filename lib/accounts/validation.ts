// Shared schemas for people and accounts: used by forms, server actions, the CLI and tests.
import { z } from "zod";
import { passwordProblem } from "@/lib/crypto/password";
import { roles } from "@/lib/db/schema";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long")
  .pipe(z.email("Enter a valid email address"));

export const passwordSchema = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const personNameSchema = z.string().trim().min(1, "Enter a name").max(100, "Name is too long");
export const accountNameSchema = z.string().trim().min(1, "Enter the account's name").max(100, "Name is too long");
export const roleSchema = z.enum(roles, "Role must be admin or member");

export const setupSchema = z.object({
  accountName: accountNameSchema,
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const inviteSchema = z.object({ email: emailSchema, role: roleSchema });
export const acceptInviteSchema = z.object({ token: z.string().min(10), name: personNameSchema, password: passwordSchema });
