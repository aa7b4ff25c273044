// Joins class names, skipping falsy ones; of two Tailwind classes for the same property the later wins (tailwind-merge),
// so a caller's className overrides a component's default.
import { twMerge } from "tailwind-merge";

export function cn(...classes: (string | false | null | undefined)[]) {
  return twMerge(classes.filter(Boolean).join(" "));
}
