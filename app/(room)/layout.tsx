// The frame of the public room page: the logo and the promise that nothing is recorded.
import { LogoMark } from "@/components/ui/icons";

export default function RoomLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-gradient-to-b from-brand-50/70 to-zinc-50 dark:from-zinc-900 dark:to-zinc-950">
      <header className="border-b border-zinc-200/70 bg-white/70 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/70">
        <div className="mx-auto flex max-w-3xl items-center gap-2.5 px-4 py-3">
          <LogoMark className="size-7" />
          <span className="text-base font-semibold tracking-tight">Verbatim</span>
          <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">Live transcription, never a recording</span>
        </div>
      </header>
      <main id="main" className="flex-1">
        {children}
      </main>
    </div>
  );
}
