// Password hashing (argon2id) and the password policy shared by sign-up, invites, the CLI and resets.
import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 2 /* Argon2id */ } as const;

export const MIN_PASSWORD_LENGTH = 10;

const common = new Set([
  "password123", "password1234", "1234567890", "qwertyuiop", "0123456789", "iloveyou12", "passw0rd12",
  "letmein123", "welcome123", "administrator", "qwerty12345", "1q2w3e4r5t", "changeme123",
]);

/** Returns why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return "Password must be at most 256 characters";
  if (new Set(password).size < 4) return "Password must use at least 4 different characters";
  if (common.has(password.toLowerCase())) return "This password is too common; choose another";
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Compared against when the email is unknown, so that timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string) {
  dummyHash ??= hashPassword("not-a-real-password-0");
  await verifyPassword(await dummyHash, password);
}
