// The frame of the signed-out pages (sign-in, setup, invite): the logo and one centred card.
import { LogoMark } from "@/components/ui/icons";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-brand-50 to-zinc-50 px-4 py-12 dark:from-zinc-900 dark:to-zinc-950">
      <div className="mb-8 flex items-center gap-2.5">
        <LogoMark className="size-9" />
        <span className="text-xl font-semibold tracking-tight">Verbatim</span>
      </div>
      <div className="w-full max-w-sm rounded-xl bg-white p-7 shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">{children}</div>
      <p className="mt-6 text-xs text-zinc-500">Live transcription, never a recording.</p>
    </main>
  );
}
