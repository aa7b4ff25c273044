// Inline messages: errors (announced as alerts), warnings, successes and notes (announced as status).
import { cn } from "./cn";

const tones = {
  error: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950/50 dark:text-red-200 dark:ring-red-900",
  warning: "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950/50 dark:text-amber-200 dark:ring-amber-900",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950/50 dark:text-emerald-200 dark:ring-emerald-900",
  info: "bg-brand-50 text-brand-700 ring-brand-100 dark:bg-brand-700/20 dark:text-brand-100 dark:ring-brand-700/40",
};

export function Alert({ tone, children, className, ...rest }: { tone: keyof typeof tones; children: React.ReactNode; className?: string; "data-testid"?: string }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className={cn("rounded-md px-3.5 py-2.5 text-sm ring-1 ring-inset", tones[tone], className)} {...rest}>
      {children}
    </div>
  );
}
