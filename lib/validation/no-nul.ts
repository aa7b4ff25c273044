// NUL characters in user input: PostgreSQL cannot store them in text, so every entry point refuses them as a 400 that names the field.
import { z } from "zod";
import { AppError, type FieldIssue } from "@/lib/errors";

export const NUL_MESSAGE = "Must not contain NUL characters (\\u0000)";

/** The one rule, as a zod refinement for schemas that are parsed outside the route and action wrappers. */
export const noNul = (value: string) => !value.includes("\u0000");
export const textWithoutNul = () => z.string().refine(noNul, NUL_MESSAGE);

/** Every place in a parsed JSON body, form, query or path parameters where a string (or a key) holds a NUL. */
export function nulIssues(value: unknown, path: (string | number)[] = []): FieldIssue[] {
  if (typeof value === "string") return noNul(value) ? [] : [{ path: path.join("."), message: NUL_MESSAGE }];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulIssues(item, [...path, i]));
  if (value && typeof value === "object" && !(value instanceof Blob)) {
    return Object.entries(value).flatMap(([key, item]) =>
      noNul(key) ? nulIssues(item, [...path, key]) : [{ path: [...path, key.replaceAll("\u0000", "\\u0000")].join("."), message: NUL_MESSAGE }],
    );
  }
  return [];
}

/** Refuses input with a NUL anywhere in it: 400 "Validation failed", naming each field. */
export function assertNoNul(value: unknown, path: (string | number)[] = []): void {
  const issues = nulIssues(value, path);
  if (issues.length) throw new AppError("validation", "Validation failed", issues);
}

/** A server action's form as an object (repeated keys become arrays), refused when any value holds a NUL. */
export function checkedForm(form: FormData | Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  if (form instanceof FormData) {
    for (const [key, value] of form.entries()) {
      if (key.startsWith("$ACTION")) continue;
      if (key in out) out[key] = ([] as unknown[]).concat(out[key], value);
      else out[key] = value;
    }
  } else {
    out = form;
  }
  assertNoNul(out);
  return out;
}
