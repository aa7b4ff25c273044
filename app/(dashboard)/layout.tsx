// The signed-in dashboard's frame: navigation, the account, engine alerts (streamed), over capacity, and the page.
import { Suspense } from "react";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { appEnv, linksReachOnlyThisMachine } from "@/lib/config/env";
import { MobileNav } from "@/components/shell/mobile-nav";
import { SidebarContent } from "@/components/shell/sidebar";
import { Alert } from "@/components/ui/alert";
import { signOutAction } from "./actions";
import { currentRecognizerPool } from "@/lib/speech/recognizer-pool";
import { CapacityAlert } from "./capacity-alert";
import { getDb } from "@/lib/db/client";
import { otherInstancesOverCapacity } from "@/lib/pipeline/instances";
import { EngineAlerts } from "./engine-alerts";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const env = appEnv();
  const localLinks = user.role === "admin" && linksReachOnlyThisMachine(env);
  const sidebar = <SidebarContent user={user} signOut={signOutAction} />;
  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <MobileNav>{sidebar}</MobileNav>
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 flex-col border-r border-zinc-200 bg-white px-3 py-5 md:flex dark:border-zinc-800 dark:bg-zinc-900">
        {sidebar}
      </aside>
      <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-8 md:py-8">
        <div className="mx-auto max-w-6xl">
          <Suspense fallback={null}>
            <EngineAlerts isAdmin={user.role === "admin"} />
          </Suspense>
          <CapacityAlert pool={currentRecognizerPool()?.stats() ?? null} others={await othersOverCapacity()} isAdmin={user.role === "admin"} />
          {localLinks && (
            <Alert tone="warning" className="mb-6" data-testid="public-url-warning">
              <strong>Room and invite links point to {env.publicUrl}</strong>, which only this computer can open. Set{" "}
              <code className="font-mono">VERBATIM_PUBLIC_URL</code> to the address people reach Verbatim at (such as https://verbatim.example.com)
              and restart.
            </Alert>
          )}
          {children}
        </div>
      </main>
    </div>
  );
}

/** The cluster's other instances over capacity; the alert is extra, so a failed lookup shows none rather than no page. */
async function othersOverCapacity(): Promise<string[]> {
  try {
    return await otherInstancesOverCapacity(await getDb());
  } catch (error) {
    console.error("Reading the other instances' capacity failed:", error);
    return [];
  }
}
