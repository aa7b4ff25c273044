"use client";
// Below the md breakpoint the sidebar is a drawer behind a menu button, so the page keeps the whole screen width.
import { useEffect, useState } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import * as RadixDialog from "@radix-ui/react-dialog";
import { LogoMark } from "@/components/ui/icons";

export function MobileNav({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  // Following a link closes the drawer.
  useEffect(() => setOpen(false), [pathname]);
  return (
    <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/95 px-3 backdrop-blur md:hidden dark:border-zinc-800 dark:bg-zinc-900/95">
      <RadixDialog.Root open={open} onOpenChange={setOpen}>
        <RadixDialog.Trigger asChild>
          <button type="button" aria-label="Open menu" className="flex size-10 items-center justify-center rounded-md text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800">
            <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" aria-hidden>
              <path d="M4 6h16M4 12h16M4 18h16" />
            </svg>
          </button>
        </RadixDialog.Trigger>
        <RadixDialog.Portal>
          <RadixDialog.Overlay className="fixed inset-0 z-40 bg-zinc-950/50" />
          <RadixDialog.Content className="fixed inset-y-0 left-0 z-50 flex w-[min(18rem,85vw)] flex-col overflow-y-auto bg-white px-3 py-4 shadow-xl dark:bg-zinc-900">
            <RadixDialog.Title className="sr-only">Menu</RadixDialog.Title>
            <RadixDialog.Description className="sr-only">Pages of the dashboard</RadixDialog.Description>
            <RadixDialog.Close asChild>
              <button type="button" aria-label="Close menu" className="absolute right-2 top-3 flex size-10 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
                <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" aria-hidden>
                  <path d="M6 6l12 12M18 6 6 18" />
                </svg>
              </button>
            </RadixDialog.Close>
            {children}
          </RadixDialog.Content>
        </RadixDialog.Portal>
      </RadixDialog.Root>
      <Link href="/transcriptions" className="flex items-center gap-2">
        <LogoMark className="size-6" />
        <span className="font-semibold tracking-tight">Verbatim</span>
      </Link>
    </header>
  );
}
