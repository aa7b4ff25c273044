"use client";
// Configure → Transcription client island: the account's defaults form and the storage connection test.
import { startTransition, useActionState, useEffect, useId, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import type { TranscriptionSettingsView } from "@/lib/settings/save-settings";
import { saveTranscriptionSettingsAction, testStorageConnectionAction } from "./actions";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import { MAX_VOCABULARY_ENTRIES } from "@/lib/speech/types";
import { vocabularyFieldError, vocabularyToText } from "@/lib/speech/vocabulary";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { accountStartTriggers, startTriggerDescriptions, startTriggerLabels } from "@/lib/start-triggers";
import { s3ChecksumModeLabels, s3ChecksumModes } from "@/lib/s3-checksum-modes";

/** A configured engine that supports a language, in the operator's order, and whether it can run now. */
export type LanguageEngine = { name: string; ok: boolean; problem: string | null };
export type LanguageOption = { code: string; name: string; engines: LanguageEngine[] };

const triggers = accountStartTriggers.map((value) => ({ value, label: startTriggerLabels[value], description: startTriggerDescriptions[value] }));

const storages = [
  { value: "hosted", label: "Hosted", description: "Transcripts are kept on this Verbatim server's storage." },
  { value: "s3", label: "Your S3 bucket", description: "Transcripts are written to your own S3 or S3-compatible bucket." },
] as const;

function Spinner() {
  return <span className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />;
}

/** A radio card group: the choice and a line that explains it. */
function Choices<V extends string>({
  legend, name, value, onChange, options,
}: { legend: string; name: string; value: V; onChange: (v: V) => void; options: readonly { value: V; label: string; description: string }[] }) {
  const id = useId();
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">{legend}</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-3">
        {options.map((o) => (
          <label
            key={o.value}
            className={cn(
              "flex cursor-pointer gap-2.5 rounded-lg p-3 ring-1 ring-inset transition-colors focus-within:ring-2 focus-within:ring-brand-500",
              value === o.value
                ? "bg-brand-50 ring-brand-500 dark:bg-brand-700/20"
                : "ring-zinc-200 hover:bg-zinc-50 dark:ring-zinc-700 dark:hover:bg-zinc-800/60",
            )}
          >
            {/* Named by its label alone; the explanation is its description, so "Bucket" does not also match "Your S3 bucket". */}
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              aria-labelledby={`${id}-${o.value}-label`}
              aria-describedby={`${id}-${o.value}-description`}
              className="mt-0.5 accent-brand-600"
            />
            <span>
              <span id={`${id}-${o.value}-label`} className="block text-sm font-medium">{o.label}</span>
              <span id={`${id}-${o.value}-description`} className="mt-0.5 block text-xs text-zinc-500 dark:text-zinc-400">{o.description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Which engine transcribes the chosen language, and whether it can be reached now. */
function LanguageEngineStatus({ engines }: { engines: LanguageEngine[] }) {
  const [first] = engines;
  if (!first) return null;
  const running = engines.find((e) => e.ok);
  return (
    <div className="max-w-md space-y-1 text-sm" data-testid="language-engine">
      <p className="flex flex-wrap items-center gap-2">
        <span>
          Transcribed by <strong>{running?.name ?? first.name}</strong>
        </span>
        {running ? <Badge tone="green">Reachable</Badge> : <Badge tone="red">Not reachable</Badge>}
      </p>
      {running && running !== first && (
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          {first.name} comes first for this language but is not reachable: {first.problem}
        </p>
      )}
      {!running && <p className="text-xs text-red-600 dark:text-red-400">{first.problem}</p>}
    </div>
  );
}

export function TranscriptionSettingsClient({
  initial, languages, engineNames,
}: { initial: TranscriptionSettingsView; languages: LanguageOption[]; engineNames: string[] }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [saveState, saveAction, saving] = useActionState(saveTranscriptionSettingsAction, null);
  const [testState, testAction, testing] = useActionState(testStorageConnectionAction, null);
  const [lastRun, setLastRun] = useState<"save" | "test" | null>(null);

  // Controlled fields: they keep their values across saves, tests and switching storage back and forth.
  const [enabled, setEnabled] = useState(initial.enabled);
  const [startTrigger, setStartTrigger] = useState(initial.startTrigger === "none" ? "manual" : initial.startTrigger);
  const [language, setLanguage] = useState(initial.language);
  const [vocabulary, setVocabulary] = useState(vocabularyToText(initial.vocabulary));
  const [storage, setStorage] = useState(initial.storage);
  const [bucket, setBucket] = useState(initial.bucket);
  const [region, setRegion] = useState(initial.region);
  const [accessKeyId, setAccessKeyId] = useState(initial.accessKeyId);
  const [endpoint, setEndpoint] = useState(initial.endpoint);
  const [secret, setSecret] = useState("");
  const [replacingSecret, setReplacingSecret] = useState(false);
  const [retentionDays, setRetentionDays] = useState(initial.retentionDays?.toString() ?? "");
  const [embedOrigins, setEmbedOrigins] = useState(initial.embedOrigins.join("\n"));
  const [participantDownloads, setParticipantDownloads] = useState(initial.participantDownloads);
  const secretSet = saveState?.ok ? saveState.data.secretSet : initial.secretSet;
  // A bucket is remembered while hosted storage is chosen (for a switch back) unless the admin removes it.
  const savedBucket = saveState?.ok ? saveState.data.bucket : initial.bucket;
  const [removeBucket, setRemoveBucket] = useState(false);

  // The bucket settings a connection test just failed with: saving exactly those warns instead of only "saved".
  const bucketFields = JSON.stringify([bucket, region, accessKeyId, endpoint, secret]);
  const [failedTest, setFailedTest] = useState<{ fields: string; message: string } | null>(null);
  const [testedFields, setTestedFields] = useState("");
  useEffect(() => {
    if (!testState) return;
    const failure = testState.ok ? (testState.data.ok ? null : testState.data.message) : testState.error;
    setFailedTest(failure ? { fields: testedFields, message: failure } : null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [testState]);
  const [savedDespiteFailure, setSavedDespiteFailure] = useState<string | null>(null);

  useEffect(() => {
    if (saveState?.ok) {
      // The secret just saved is not kept in the page; the field goes back to "A secret is set".
      setSecret("");
      setReplacingSecret(false);
      router.refresh();
    }
  }, [saveState, router]);

  const current = lastRun === "test" ? testState : saveState;
  const fieldErrors: Record<string, string> = current && !current.ok ? (current.fieldErrors ?? {}) : {};
  // A field's error stays until that field is edited, so a corrected field stops looking wrong before the next save.
  const [editedSinceRun, setEditedSinceRun] = useState<ReadonlySet<string>>(new Set());
  const err = (name: string) => (editedSinceRun.has(name) ? undefined : fieldErrors[name]);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setSavedDespiteFailure(storage === "s3" && failedTest?.fields === bucketFields ? failedTest.message : null);
    setLastRun("save");
    setEditedSinceRun(new Set());
    startTransition(() => saveAction(data));
  }

  function testConnection() {
    if (!formRef.current) return;
    const data = new FormData(formRef.current);
    setTestedFields(bucketFields);
    setLastRun("test");
    setEditedSinceRun(new Set());
    startTransition(() => testAction(data));
  }

  const supported = languages.filter((l) => l.engines.length > 0);
  const unsupported = languages.length - supported.length;
  const supportedNames = supported.length > 6 ? `${supported.length} languages` : supported.map((l) => `${l.name} (${l.code})`).join(", ") || "no language";
  const engines = engineNames.join(", ") || "none";
  const chosen = languages.find((l) => l.code === language);

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      onChange={(e) => {
        const name = (e.target as unknown as HTMLInputElement).name;
        if (name && !editedSinceRun.has(name)) setEditedSinceRun(new Set(editedSinceRun).add(name));
      }}
      noValidate className="space-y-6" aria-label="Transcription settings">
      <Card>
        <CardHeader title="Transcription" description="Rooms use these defaults unless a room sets its own." />
        <div className="space-y-6 px-5 py-5">
          <label className="flex items-start gap-3">
            <input
              type="checkbox"
              name="enabled"
              checked={enabled}
              onChange={(e) => setEnabled(e.target.checked)}
              className="mt-0.5 size-4 rounded accent-brand-600"
            />
            <span>
              <span className="block text-sm font-medium">Transcribe sessions</span>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                When off, no room of this account is transcribed, whatever its start trigger.
              </span>
            </span>
          </label>

          <Choices legend="Start trigger" name="startTrigger" value={startTrigger} onChange={setStartTrigger} options={triggers} />
          {err("startTrigger") && <p className="text-xs font-medium text-red-600 dark:text-red-400">{err("startTrigger")}</p>}

          <SelectField
            label="Main language"
            name="language"
            value={language}
            onChange={(e) => setLanguage(e.target.value)}
            className="max-w-md"
            error={err("language")}
            hint={
              unsupported > 0
                ? `The speech engines of this server (${engines}) can transcribe ${supportedNames}. Other languages need another engine, chosen by the operator.`
                : "Fixed for a room once it is created."
            }
          >
            {languages.map((l) => (
              <option key={l.code} value={l.code} disabled={l.engines.length === 0}>
                {l.name} ({l.code}){l.engines.length > 0 ? "" : " · no configured speech engine supports it"}
              </option>
            ))}
          </SelectField>
          {chosen && <LanguageEngineStatus engines={chosen.engines} />}

          <TextAreaField
            label="Vocabulary"
            name="vocabulary"
            value={vocabulary}
            onChange={(e) => setVocabulary(e.target.value)}
            rows={4}
            className="max-w-md"
            placeholder="One word or phrase per line, such as names and product terms"
            hint={`Up to ${MAX_VOCABULARY_ENTRIES} words or phrases (at most 100 characters each) given to speech engines that take hints. A room may list its own instead.`}
            error={editedSinceRun.has("vocabulary") ? undefined : vocabularyFieldError(fieldErrors, "vocabulary")}
          />
        </div>
      </Card>

      <Card>
        <CardHeader title="Storage" description="Where finished transcripts are saved." />
        <div className="space-y-5 px-5 py-5">
          <Choices legend="Store transcripts in" name="storage" value={storage} onChange={setStorage} options={storages} />

          {storage === "s3" && (
            <div className="space-y-4 rounded-lg bg-zinc-50 p-4 ring-1 ring-inset ring-zinc-200 dark:bg-zinc-950/40 dark:ring-zinc-800">
              <div className="grid gap-4 sm:grid-cols-2">
                <Field
                  label="Bucket"
                  name="bucket"
                  value={bucket}
                  onChange={(e) => setBucket(e.target.value)}
                  placeholder="my-bucket/transcripts"
                  hint="A prefix may follow a slash: my-bucket/transcripts"
                  error={err("bucket")}
                  autoComplete="off"
                  spellCheck={false}
                />
                <Field
                  label="Region"
                  name="region"
                  value={region}
                  onChange={(e) => setRegion(e.target.value)}
                  placeholder="eu-west-1"
                  error={err("region")}
                  autoComplete="off"
                  spellCheck={false}
                />
                <Field
                  label="Access key id"
                  name="accessKeyId"
                  value={accessKeyId}
                  onChange={(e) => setAccessKeyId(e.target.value)}
                  error={err("accessKeyId")}
                  autoComplete="off"
                  spellCheck={false}
                />
                {secretSet && !replacingSecret ? (
                  <div className="space-y-1.5">
                    <span className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">Secret access key</span>
                    <div className="flex items-center gap-3">
                      <Badge tone="green">A secret is set</Badge>
                      <Button variant="secondary" onClick={() => setReplacingSecret(true)}>
                        Replace secret
                      </Button>
                    </div>
                    <p className="text-xs text-zinc-500 dark:text-zinc-400">Stored encrypted. It is never shown again, only replaced.</p>
                  </div>
                ) : (
                  <div className="space-y-1.5">
                    <Field
                      label={secretSet ? "New secret access key" : "Secret access key"}
                      name="secretAccessKey"
                      type="password"
                      value={secret}
                      onChange={(e) => setSecret(e.target.value)}
                      error={err("secretAccessKey")}
                      hint={secretSet ? "Leave empty to keep the stored secret." : "Stored encrypted; never shown again."}
                      autoComplete="new-password"
                      spellCheck={false}
                      autoFocus={replacingSecret}
                    />
                    {secretSet && (
                      <button
                        type="button"
                        className="text-xs font-medium text-brand-600 hover:underline dark:text-brand-100"
                        onClick={() => {
                          setSecret("");
                          setReplacingSecret(false);
                        }}
                      >
                        Keep the stored secret
                      </button>
                    )}
                  </div>
                )}
                <Field
                  label="Endpoint (optional)"
                  name="endpoint"
                  value={endpoint}
                  onChange={(e) => setEndpoint(e.target.value)}
                  placeholder="https://s3.example.com"
                  hint="Only for S3-compatible stores (MinIO, Ceph, R2…). Leave empty for AWS."
                  error={err("endpoint")}
                  className="sm:col-span-2"
                  autoComplete="off"
                  spellCheck={false}
                />
                <SelectField
                  label="Checksums"
                  name="checksumMode"
                  defaultValue={initial.checksumMode}
                  hint="A bucket with Object Lock needs a checksum on every upload; some S3-compatible stores refuse them."
                  error={err("checksumMode")}
                  className="sm:col-span-2"
                >
                  {s3ChecksumModes.map((mode) => (
                    <option key={mode} value={mode}>
                      {s3ChecksumModeLabels[mode]}
                    </option>
                  ))}
                </SelectField>
              </div>

              <div className="flex flex-wrap items-center gap-3">
                <Button variant="secondary" onClick={testConnection} disabled={testing} aria-disabled={testing}>
                  {testing ? (
                    <>
                      <Spinner /> Testing…
                    </>
                  ) : (
                    "Test connection"
                  )}
                </Button>
                <span className="text-xs text-zinc-500 dark:text-zinc-400">Writes, reads back and deletes a small test object with the settings above.</span>
              </div>
              {lastRun === "test" && !testing && testState && (
                <div data-testid="connection-result">
                  {testState.ok ? (
                    <Alert tone={testState.data.ok ? "success" : "error"}>{testState.data.message}</Alert>
                  ) : (
                    <Alert tone="error">{testState.error}</Alert>
                  )}
                </div>
              )}
            </div>
          )}
          {storage === "hosted" && savedBucket && (
            <div className="space-y-2 rounded-lg bg-zinc-50 p-4 text-sm ring-1 ring-inset ring-zinc-200 dark:bg-zinc-950/40 dark:ring-zinc-800" data-testid="kept-bucket">
              <p>
                Your bucket settings (<span className="font-mono">{savedBucket}</span>) stay saved but unused, so you can switch back without
                entering them again.
              </p>
              <label className="flex items-center gap-2 font-medium">
                <input type="checkbox" name="removeBucket" checked={removeBucket} onChange={(e) => setRemoveBucket(e.target.checked)} className="size-4 accent-brand-600" />
                Remove the saved bucket settings and secret when I save
              </label>
            </div>
          )}
        </div>
      </Card>

      <Card>
        <CardHeader title="Retention" />
        <div className="px-5 py-5">
          <Field
            label="Delete transcripts after (days)"
            name="retentionDays"
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={retentionDays}
            onChange={(e) => setRetentionDays(e.target.value)}
            hint="Leave empty to keep transcripts until someone deletes them."
            error={err("retentionDays")}
            className="max-w-xs"
          />
        </div>
      </Card>

      <Card>
        <CardHeader
          title="Embedding and downloads"
          description={
            <>
              Rooms in your own app with the <code className="font-mono text-xs">&lt;verbatim-room&gt;</code> element, and who can download a
              transcript from the room page.
            </>
          }
        />
        <div className="space-y-5 px-5 py-5">
          <TextAreaField
            label="Sites allowed to embed rooms"
            name="embedOrigins"
            value={embedOrigins}
            onChange={(e) => setEmbedOrigins(e.target.value)}
            rows={3}
            className="max-w-md"
            placeholder={"https://app.example.com\nhttps://staging.example.com"}
            hint="One origin per line: https:// and the host (and port), without a path. Only these pages can show your rooms in a frame; leave empty to allow none. http:// only for localhost and 127.0.0.1."
            error={err("embedOrigins")}
            spellCheck={false}
            autoComplete="off"
          />
          <label className="flex items-start gap-3">
            <input
              type="checkbox"
              name="participantDownloads"
              checked={participantDownloads}
              onChange={(e) => setParticipantDownloads(e.target.checked)}
              className="mt-0.5 size-4 rounded accent-brand-600"
            />
            <span>
              <span className="block text-sm font-medium">Participants can download the transcript</span>
              <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                When a session&apos;s transcript is saved, the host can always download it from the room page (.md, .txt, .vtt). With this on, so
                can everyone who was in that session. A room created over the API may decide for itself (liveTranscription.participantDownloads).
              </span>
            </span>
          </label>
        </div>
      </Card>

      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={saving} aria-disabled={saving}>
          {saving ? (
            <>
              <Spinner /> Saving…
            </>
          ) : (
            "Save settings"
          )}
        </Button>
        {lastRun === "save" && !saving && current && (
          current.ok ? (
            savedDespiteFailure ? (
              <Alert tone="warning" data-testid="saved-with-failed-test">
                <strong>Settings saved, but the connection test of this bucket just failed:</strong> {savedDespiteFailure} Transcripts cannot be saved to
                it until the test passes.
              </Alert>
            ) : (
              <Alert tone="success">Settings saved.</Alert>
            )
          ) : (
            <Alert tone="error">{current.error}</Alert>
          )
        )}
      </div>
    </form>
  );
}
