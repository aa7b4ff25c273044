// Usage (admins): transcribed minutes per day and per room, sessions, languages, failures and storage used over a range.
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { languageName } from "@/lib/speech/languages";
import { accountUsage, formatBytes } from "@/lib/usage/usage";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FormattedDate } from "@/components/ui/formatted-date";
import { USAGE_RANGES, usageRangeForDays } from "./range";

export const metadata = { title: "Usage" };

export default async function UsagePage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  if (user.role !== "admin") {
    return (
      <>
        <PageHeader title="Usage" />
        <Alert tone="info">Only account admins can see usage.</Alert>
      </>
    );
  }
  const range = usageRangeForDays((await searchParams).days);
  const usage = await accountUsage(await getDb(), user.accountId, range);
  const maxDay = Math.max(1, ...usage.days.map((d) => d.transcribedMinutes));
  const maxRoom = Math.max(1, ...usage.rooms.map((r) => r.transcribedMinutes));
  return (
    <>
      <PageHeader
        title="Usage"
        description="Transcribed minutes, sessions, languages, failed saves and storage used. The same figures: GET /api/v1/usage."
        action={
          <div className="flex flex-wrap gap-2">
            <nav aria-label="Range" className="flex gap-1 rounded-md bg-zinc-100 p-1 dark:bg-zinc-800">
              {USAGE_RANGES.map((days) => (
                <Link
                  key={days}
                  href={`/usage?days=${days}`}
                  aria-current={days === range.days ? "page" : undefined}
                  className={cn("rounded px-2.5 py-1 text-sm font-medium", days === range.days ? "bg-white shadow-sm dark:bg-zinc-900" : "text-zinc-600 dark:text-zinc-400")}
                >
                  {days} days
                </Link>
              ))}
            </nav>
            <a href={`/usage/export?days=${range.days}`} className={buttonClass("secondary")} download>
              Export CSV
            </a>
          </div>
        }
      />
      <div className="space-y-4">
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4" data-testid="usage-totals">
          {[
            ["Transcribed minutes", usage.totals.transcribedMinutes],
            ["Transcriptions", usage.totals.transcriptions],
            ["Sessions", usage.totals.sessions],
            ["Failed", usage.totals.failed],
          ].map(([label, value]) => (
            <Card key={label} className="px-4 py-3">
              <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
              <dd className={cn("mt-1 text-2xl font-semibold tabular-nums", label === "Failed" && Number(value) > 0 && "text-red-600 dark:text-red-400")}>{value}</dd>
            </Card>
          ))}
        </dl>

        <Card>
          <CardHeader title="Minutes per day" description="Saved transcripts, by the day (UTC) their session started." />
          {usage.days.length === 0 ? (
            <p className="px-5 py-6 text-sm text-zinc-600 dark:text-zinc-400">Nothing was transcribed in the last {range.days} days.</p>
          ) : (
            <ul className="space-y-1.5 px-5 py-4" aria-label="Minutes per day">
              {usage.days.map((d) => (
                <li key={d.date} className="grid grid-cols-[6.5rem_minmax(0,1fr)_4rem] items-center gap-3 text-sm">
                  <span className="tabular-nums text-zinc-600 dark:text-zinc-400">{d.date}</span>
                  <span className="h-3 rounded bg-zinc-100 dark:bg-zinc-800">
                    <span className="block h-3 rounded bg-brand-500" style={{ width: `${Math.max(1, (d.transcribedMinutes / maxDay) * 100)}%` }} />
                  </span>
                  <span className="text-right tabular-nums">{d.transcribedMinutes} min</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardHeader title="Minutes per room" />
            <ul className="space-y-2 px-5 py-4" data-testid="usage-rooms">
              {usage.rooms.length === 0 && <li className="text-sm text-zinc-600 dark:text-zinc-400">No room was used.</li>}
              {usage.rooms.map((r) => (
                <li key={r.roomName} className="text-sm">
                  <div className="flex justify-between gap-2">
                    <span className="truncate font-medium" title={r.roomName}>
                      {r.title ?? r.roomName}
                    </span>
                    <span className="shrink-0 tabular-nums text-zinc-600 dark:text-zinc-400">
                      {r.transcribedMinutes} min · {r.transcriptions} session{r.transcriptions === 1 ? "" : "s"}
                    </span>
                  </div>
                  <div className="mt-1 h-1.5 rounded-full bg-zinc-100 dark:bg-zinc-800">
                    <div className="h-1.5 rounded-full bg-brand-500" style={{ width: `${Math.max(1, (r.transcribedMinutes / maxRoom) * 100)}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          </Card>
          <Card>
            <CardHeader title="Languages" />
            <ul className="space-y-1.5 px-5 py-4 text-sm">
              {usage.languages.length === 0 && <li className="text-zinc-600 dark:text-zinc-400">None yet.</li>}
              {usage.languages.map((l) => (
                <li key={l.language} className="flex justify-between">
                  <span>{languageName(l.language)}</span>
                  <span className="tabular-nums text-zinc-600 dark:text-zinc-400">{l.transcriptions}</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>

        <Card>
          <CardHeader title="Storage used" description="Transcript files in the account's storage (hosted or your bucket). Deleting a transcript frees its space." />
          <dl className="grid gap-3 px-5 py-4 text-sm sm:grid-cols-2" data-testid="usage-storage">
            <div>
              <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Held now</dt>
              <dd className="mt-1 text-2xl font-semibold tabular-nums">{formatBytes(usage.storage.storedBytes)}</dd>
              <dd className="text-zinc-600 dark:text-zinc-400">
                in {usage.storage.storedTranscripts} saved transcript{usage.storage.storedTranscripts === 1 ? "" : "s"}
                {usage.storage.unknownSize > 0 && <>, {usage.storage.unknownSize} of them saved before sizes were recorded and not counted</>}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Saved in the last {range.days} days</dt>
              <dd className="mt-1 text-2xl font-semibold tabular-nums">{formatBytes(usage.storage.savedBytes)}</dd>
            </div>
          </dl>
        </Card>

        <Card>
          <CardHeader title="Failed transcriptions" description="The latest ones of the range, with the reason." />
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800/60" data-testid="usage-failures">
            {usage.failures.length === 0 && <li className="px-5 py-4 text-sm text-zinc-600 dark:text-zinc-400">None: every transcript was saved.</li>}
            {usage.failures.map((f) => (
              <li key={f.transcriptionId} className="px-5 py-3 text-sm">
                <Link href={`/transcriptions/${f.transcriptionId}`} className="font-medium text-brand-700 hover:underline dark:text-brand-100">
                  {f.roomName}
                </Link>{" "}
                <span className="text-zinc-600 dark:text-zinc-400">
                  · <FormattedDate iso={f.startDate} />
                </span>
                <p className="text-red-700 dark:text-red-300">{f.error}</p>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
