// The signed-in dashboard's frame: navigation, the account, engine alerts (streamed) and the page.
import Link from "next/link";
import { Suspense } from "react";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { NavLinks } from "@/components/shell/nav-links";
import { LogoMark } from "@/components/ui/icons";
import { EngineAlerts } from "./engine-alerts";
import { signOutAction } from "./actions";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return (
    <div className="flex min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white px-3 py-5 dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/transcriptions" className="mb-7 flex items-center gap-2 px-2.5">
          <LogoMark />
          <span className="text-lg font-semibold tracking-tight">Verbatim</span>
        </Link>
        <NavLinks />
        <div className="mt-auto border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <div className="px-2.5">
            <p className="truncate text-sm font-medium" title={user.email}>
              {user.name}
            </p>
            <p className="truncate text-xs text-zinc-500">
              {user.accountName} · {user.role === "admin" ? "Admin" : "Member"}
            </p>
          </div>
          <form action={signOutAction} className="mt-3">
            <button type="submit" className="w-full rounded-md px-2.5 py-1.5 text-left text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-8 py-8">
        <div className="mx-auto max-w-6xl">
          <Suspense fallback={null}>
            <EngineAlerts isAdmin={user.role === "admin"} />
          </Suspense>
          {children}
        </div>
      </main>
    </div>
  );
}
