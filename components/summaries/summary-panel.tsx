"use client";
// The transcript page's summary panel: choose a template and summarize, watch it progress, read it, delete it.
import { useActionState, useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { deleteSummaryAction, requestSummaryAction } from "./summary-actions";
import type { SummaryPanelData } from "@/lib/summaries/service";
import { DEFAULT_SUMMARY_TEMPLATE, SUMMARY_TEMPLATES } from "@/lib/summaries/templates";
import { Card, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { FormattedDate } from "@/components/ui/formatted-date";
import { SummaryContent } from "./summary-content";

export type SummaryPanelProps = {
  transcriptionId: string;
  /** Only a ready transcription can be summarized. */
  transcriptionState: "in_progress" | "ready" | "failed";
  /** False when no speech was ever transcribed: there is nothing to summarize, and the panel says so. */
  hasSpeech?: boolean;
  /** The summary as the server page loaded it (getSummaryOfTranscription + summaryPanelData), or null for none. */
  initialSummary?: SummaryPanelData | null;
};

const POLL_MS = 1500;

/** The summary as the dashboard's summary-data route answers it (null: none yet). */
async function fetchSummary(transcriptionId: string): Promise<SummaryPanelData | null> {
  const res = await fetch(`/transcriptions/${encodeURIComponent(transcriptionId)}/summary-data`, { cache: "no-store" });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(body?.error ?? `Could not load the summary (${res.status})`);
  return body as SummaryPanelData | null;
}

export function SummaryPanel({ transcriptionId, transcriptionState, hasSpeech = true, initialSummary }: SummaryPanelProps) {
  const queryClient = useQueryClient();
  const queryKey = ["transcription-summary", transcriptionId];
  const query = useQuery({
    queryKey,
    queryFn: () => fetchSummary(transcriptionId),
    initialData: initialSummary === undefined ? undefined : initialSummary,
    // Polls only while the summary is being made.
    refetchInterval: (q) => (q.state.data?.state === "in_progress" ? POLL_MS : false),
  });
  const summary = query.data ?? null;

  const [requested, requestAction] = useActionState(requestSummaryAction, null);
  const [deleted, deleteAction] = useActionState(deleteSummaryAction, null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  useEffect(() => {
    if (requested?.ok || deleted?.ok) {
      setConfirmOpen(false);
      void queryClient.invalidateQueries({ queryKey: ["transcription-summary", transcriptionId] });
    }
  }, [requested, deleted, queryClient, transcriptionId]);

  const deleteButton = summary && (
    <Dialog
      open={confirmOpen}
      onOpenChange={setConfirmOpen}
      title="Delete this summary?"
      description="The summary is deleted for everyone in your account. The transcript stays, and you can summarize it again."
      trigger={
        <Button variant="secondary" aria-label="Delete summary">
          Delete
        </Button>
      }
    >
      <form action={deleteAction} className="flex justify-end gap-2">
        <input type="hidden" name="summaryId" value={summary.summaryId} />
        <DialogClose asChild>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete summary
        </SubmitButton>
      </form>
      {deleted && !deleted.ok && (
        <Alert tone="error" className="mt-3">
          {deleted.error}
        </Alert>
      )}
    </Dialog>
  );

  return (
    <Card className="summary-panel">
      <CardHeader
        title="Summary"
        description={summary ? <StateLine summary={summary} /> : "A summary of the conversation, with its main points and who made them."}
        action={deleteButton}
      />
      <div className="px-5 py-4" aria-live="polite">
        {query.isError && !summary && <Alert tone="error">{query.error.message}</Alert>}
        {!summary && query.isPending && <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}
        {!summary && !query.isPending && (
          <SummarizeForm transcriptionId={transcriptionId} transcriptionState={transcriptionState} hasSpeech={hasSpeech} action={requestAction} state={requested} />
        )}
        {summary?.state === "in_progress" && (
          <p role="status" className="flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-300">
            <span className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden />
            Summarizing with the {summary.template} template… This page updates by itself.
          </p>
        )}
        {summary?.state === "failed" && (
          <Alert tone="error">
            <p className="font-medium">The summary could not be made.</p>
            {summary.error && <p className="mt-1">{summary.error}</p>}
            <p className="mt-1">Delete it to try again.</p>
          </Alert>
        )}
        {summary?.state === "ready" && summary.summary && <SummaryContent template={summary.template} summary={summary.summary} />}
      </div>
    </Card>
  );
}

function StateLine({ summary }: { summary: SummaryPanelData }) {
  const badge =
    summary.state === "ready" ? <Badge tone="green">Ready</Badge> : summary.state === "failed" ? <Badge tone="red">Failed</Badge> : <Badge tone="amber">In progress</Badge>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      {badge}
      <span>{summary.template}</span>
      <span aria-hidden>·</span>
      <span>
        requested <FormattedDate iso={summary.createdAt} />
      </span>
    </span>
  );
}

function SummarizeForm({
  transcriptionId,
  transcriptionState,
  hasSpeech,
  action,
  state,
}: {
  transcriptionId: string;
  transcriptionState: SummaryPanelProps["transcriptionState"];
  hasSpeech: boolean;
  action: (form: FormData) => void;
  state: Awaited<ReturnType<typeof requestSummaryAction>>;
}) {
  if (transcriptionState === "ready" && !hasSpeech) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-300">No speech was transcribed in this session, so there is nothing to summarize.</p>;
  }
  if (transcriptionState !== "ready") {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        {transcriptionState === "in_progress"
          ? "You can summarize this transcript once the session has ended and the transcript is ready."
          : "This transcription failed, so there is no transcript to summarize."}
      </p>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="transcriptionId" value={transcriptionId} />
      <SelectField label="Template" name="template" defaultValue={DEFAULT_SUMMARY_TEMPLATE} className="w-full sm:w-60" error={state && !state.ok ? state.fieldErrors?.template : undefined}>
        {SUMMARY_TEMPLATES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </SelectField>
      <SubmitButton pendingLabel="Starting…">Summarize</SubmitButton>
      {state && !state.ok && !state.fieldErrors && (
        <Alert tone="error" className="w-full">
          {state.error}
        </Alert>
      )}
    </form>
  );
}
