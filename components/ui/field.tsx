// Form fields: a label, the control, and its hint or error, wired for screen readers.
import type { InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

export const inputClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-500 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700";

type FieldProps = { label: string; name: string; error?: string; hint?: string };

/** The label above a control, and its hint or inline error below, wired for screen readers through `describedBy`. */
function FieldFrame({ id, label, error, hint, className, children }: { id: string; label: string; error?: string; hint?: string; className?: string; children: React.ReactNode }) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

const describedBy = (id: string, hint?: string, error?: string) => (error ? `${id}-error` : hint ? `${id}-hint` : undefined);

/** A labelled input with its hint and inline error, wired for screen readers. */
export function Field({ label, name, error, hint, className, ...props }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = props.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={cn(inputClass, error && "ring-red-500")} {...props} />
    </FieldFrame>
  );
}

export function SelectField({ label, name, error, hint, children, className, ...props }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = props.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={inputClass} {...props}>
        {children}
      </select>
    </FieldFrame>
  );
}

/** A labelled multi-line text box with its hint and inline error. */
export function TextAreaField({ label, name, error, hint, className, ...props }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = props.id ?? `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      <textarea id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} className={cn(inputClass, error && "ring-red-500")} {...props} />
    </FieldFrame>
  );
}
