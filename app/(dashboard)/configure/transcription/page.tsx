// Configure → Transcription: the account's transcription defaults and their change history.
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { configuredEngineLanguages } from "@/lib/speech/engine-languages";
import { languageName, transcriptionLanguages } from "@/lib/speech/languages";
import { configuredSpeechEngineStatuses, languageEngines } from "@/lib/speech/status";
import { getTranscriptionSettingsView, listSettingsAudit } from "@/lib/settings/save-settings";
import { startTriggerLabels } from "@/lib/start-triggers";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { SettingsAudit } from "./settings-audit";
import { TranscriptionSettingsClient, type LanguageOption } from "./transcription-settings-client";

export const metadata = { title: "Transcription settings" };

export default async function TranscriptionSettingsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const db = await getDb();
  const [settings, audit] = await Promise.all([getTranscriptionSettingsView(db, user.accountId), listSettingsAudit(db, user.accountId)]);
  // An unknown engine id does not hide the page: the operator sees why its languages are missing.
  const unknown = (await configuredSpeechEngineStatuses()).filter((s) => s.languages.length === 0 && !s.ok);
  const languages: LanguageOption[] = await Promise.all(
    transcriptionLanguages.map(async (code) => ({
      code,
      name: languageName(code),
      engines: (await languageEngines(code)).map(({ name, ok, problem }) => ({ name, ok, problem })),
    })),
  );
  const isAdmin = user.role === "admin";

  return (
    <>
      <PageHeader title="Transcription" description="Your account's defaults for every room: whether and when to transcribe, the language, and where transcripts are stored." />
      {unknown.map((s) => (
        <Alert key={s.engineId} tone="error" className="mb-6">
          {s.problem}
        </Alert>
      ))}
      {isAdmin ? (
        <TranscriptionSettingsClient initial={settings} languages={languages} engineNames={configuredEngineLanguages().map((e) => e.engineName)} />
      ) : (
        <ReadOnlySummary settings={settings} />
      )}
      <SettingsAudit entries={audit} />
    </>
  );
}

function ReadOnlySummary({ settings }: { settings: Awaited<ReturnType<typeof getTranscriptionSettingsView>> }) {
  const rows: [string, React.ReactNode][] = [
    ["Transcription", settings.enabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>],
    ["Start trigger", startTriggerLabels[settings.startTrigger as keyof typeof startTriggerLabels] ?? settings.startTrigger],
    ["Language", `${languageName(settings.language)} (${settings.language})`],
    ["Vocabulary", settings.vocabulary.length ? settings.vocabulary.join(", ") : "None"],
    ["Storage", settings.storage === "s3" ? `Your S3 bucket: ${settings.bucket} (${settings.region})` : "Hosted"],
    ["Delete transcripts after", settings.retentionDays === null ? "Never" : `${settings.retentionDays} days`],
    ["Sites allowed to embed rooms", settings.embedOrigins.length ? settings.embedOrigins.join(", ") : "None"],
    ["Participant downloads", settings.participantDownloads ? "Allowed" : "Host only"],
  ];
  return (
    <div className="space-y-4">
      <Alert tone="info">Only account admins can change these settings. Ask an admin of your account.</Alert>
      <Card>
        <CardHeader title="Current defaults" />
        <dl className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {rows.map(([label, value]) => (
            <div key={label} className="grid grid-cols-3 gap-4 px-5 py-3">
              <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
              <dd className="col-span-2 break-all">{value}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}
