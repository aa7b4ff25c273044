"use client";
// The dashboard's navigation links, marking the current page; admin-only items hidden from members.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { ChartIcon, KeyIcon, RoomIcon, SettingsIcon, TranscriptIcon, UsersIcon, WebhookIcon } from "@/components/ui/icons";

type Item = { href: string; label: string; icon: typeof TranscriptIcon; adminOnly?: boolean };

const main: Item[] = [
  { href: "/transcriptions", label: "Transcriptions", icon: TranscriptIcon },
  { href: "/rooms", label: "Rooms", icon: RoomIcon },
  { href: "/usage", label: "Usage", icon: ChartIcon, adminOnly: true },
];
// A member can read who is in the account, but not change settings, keys or webhooks: those items are not shown.
const configure: Item[] = [
  { href: "/configure/transcription", label: "Transcription", icon: SettingsIcon, adminOnly: true },
  { href: "/configure/api-keys", label: "API keys", icon: KeyIcon, adminOnly: true },
  { href: "/configure/webhooks", label: "Webhooks", icon: WebhookIcon, adminOnly: true },
  { href: "/configure/members", label: "Members", icon: UsersIcon },
];

function NavLink({ href, label, icon: Icon }: Item) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={cn(
        "flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium md:py-1.5",
        active
          ? "bg-brand-50 text-brand-700 dark:bg-brand-700/25 dark:text-brand-100"
          : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100",
      )}
    >
      <Icon className="size-4.5" />
      {label}
    </Link>
  );
}

export function NavLinks({ isAdmin }: { isAdmin: boolean }) {
  const settings = configure.filter((l) => isAdmin || !l.adminOnly);
  return (
    <nav aria-label="Main" className="space-y-6">
      <ul className="space-y-0.5">
        {main.filter((l) => isAdmin || !l.adminOnly).map((l) => (
          <li key={l.href}>
            <NavLink {...l} />
          </li>
        ))}
      </ul>
      <div>
        {/* zinc-600 on white: 7:1 (the old zinc-400 measured 2.6:1). */}
        <p className="mb-1.5 px-2.5 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{isAdmin ? "Configure" : "Account"}</p>
        <ul className="space-y-0.5">
          {settings.map((l) => (
            <li key={l.href}>
              <NavLink {...l} />
            </li>
          ))}
        </ul>
      </div>
    </nav>
  );
}
