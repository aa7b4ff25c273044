// The page for an address that leads nowhere: says so, and offers the way back.
import Link from "next/link";
import { LogoMark } from "@/components/ui/icons";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Not found" };

/** Every unknown address and missing id: what happened and the way back, in Verbatim's own look. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-6 text-center">
      <LogoMark className="size-10" />
      <p className="mt-6 text-sm font-semibold text-brand-700 dark:text-brand-100">404</p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">This page does not exist</h1>
      <p className="mt-2 max-w-md text-sm text-zinc-600 dark:text-zinc-400">
        The link may be mistyped, or what it pointed to (a transcript, a room or an endpoint) was deleted.
      </p>
      <div className="mt-6 flex flex-wrap justify-center gap-2">
        <Link href="/transcriptions" className={buttonClass("primary")}>
          Go to Transcriptions
        </Link>
        <Link href="/rooms" className={buttonClass("secondary")}>
          Rooms
        </Link>
      </div>
    </main>
  );
}
