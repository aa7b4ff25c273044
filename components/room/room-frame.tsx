// The frame around the public room page: the logo and the promise that nothing is recorded; in embed mode
// (<verbatim-room>) no chrome, the theme the element asks for, and the element's language on the document.
import { LogoMark } from "@/components/ui/icons";
import { cn } from "@/components/ui/cn";

export type EmbedTheme = "light" | "dark" | "auto";

export function RoomFrame({ embed, children }: { embed: { theme: EmbedTheme; lang: string } | null; children: React.ReactNode }) {
  if (embed) {
    // data-theme forces light or dark for the Tailwind dark: variant (app/globals.css); "auto" follows the system.
    return (
      <div
        data-theme={embed.theme === "auto" ? undefined : embed.theme}
        lang={embed.lang}
        style={{ colorScheme: embed.theme === "auto" ? "light dark" : embed.theme }}
        className={cn("min-h-screen bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100")}
        data-testid="embed-frame"
      >
        <main id="main">{children}</main>
      </div>
    );
  }
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
