// Configure → Transcription's change history: who changed which setting, when, from what to what.
import type { SettingsAuditEntry } from "@/lib/settings/save-settings";
import { Card, CardHeader } from "@/components/ui/card";
import { FormattedDate } from "@/components/ui/formatted-date";

/** The change history under the form: who changed which setting, when, from what to what (never the secret). */
export function SettingsAudit({ entries }: { entries: SettingsAuditEntry[] }) {
  return (
    <Card className="mt-6">
      <CardHeader title="Change history" description="Every change to these settings. Secrets are never shown, only that one was replaced." />
      {entries.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-500 dark:text-zinc-400">No changes yet: the product defaults apply.</p>
      ) : (
        <ol className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="settings-audit">
          {entries.map((entry) => (
            <li key={entry.id} className="px-5 py-3 text-sm">
              <p className="text-zinc-500 dark:text-zinc-400">
                <FormattedDate iso={entry.at} /> · <span className="font-medium text-zinc-800 dark:text-zinc-200">{entry.actor}</span>
              </p>
              <ul className="mt-1 list-inside list-disc space-y-0.5 text-zinc-700 dark:text-zinc-300">
                {entry.changes.map((change, i) => (
                  <li key={i} className="break-all">{change}</li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
