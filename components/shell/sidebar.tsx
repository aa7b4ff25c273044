// The dashboard's navigation and signed-in person: the fixed sidebar on wide screens, the drawer's content on phones.
import Link from "next/link";
import { LogoMark } from "@/components/ui/icons";
import { NavLinks } from "./nav-links";

export function SidebarContent({ user, signOut }: { user: { name: string; email: string; accountName: string; role: "admin" | "member" }; signOut: () => Promise<void> }) {
  return (
    <>
      <Link href="/transcriptions" className="mb-7 flex items-center gap-2 px-2.5">
        <LogoMark />
        <span className="text-lg font-semibold tracking-tight">Verbatim</span>
      </Link>
      <NavLinks isAdmin={user.role === "admin"} />
      <div className="mt-auto border-t border-zinc-200 pt-4 dark:border-zinc-800">
        <div className="px-2.5">
          <p className="truncate text-sm font-medium" title={user.email}>
            {user.name}
          </p>
          <p className="truncate text-xs text-zinc-600 dark:text-zinc-400">
            {user.accountName} · {user.role === "admin" ? "Admin" : "Member"}
          </p>
        </div>
        <form action={signOut} className="mt-3">
          <button type="submit" className="w-full rounded-md px-2.5 py-1.5 text-left text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800">
            Sign out
          </button>
        </form>
      </div>
    </>
  );
}
