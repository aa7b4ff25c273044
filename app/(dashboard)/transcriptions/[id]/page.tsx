// One transcript's page: its header, the live or saved text, downloads and the summary panel.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getTranscription } from "@/lib/transcripts/transcriptions";
import { readStoredTranscript } from "@/lib/transcripts/transcript-content";
import { loadSegments, transcriptHeader } from "@/lib/transcripts/segments";
import { transcriptTitles } from "@/lib/transcripts/dashboard-list";
import { describeStoredDestination } from "@/lib/transcripts/stored-destination";
import { saveStatus } from "@/lib/transcripts/save-status";
import { getSummaryOfTranscription, summaryPanelData } from "@/lib/summaries/service";
import { SummaryPanel } from "@/components/summaries/summary-panel";
import { TranscriptView } from "./transcript-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "Transcript" };

export default async function TranscriptPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ q?: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const { id } = await params;
  const { q } = await searchParams;
  const db = await getDb();
  let row;
  try {
    row = await getTranscription(db, user.accountId, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const segments = await loadSegments(db, user.accountId, row.id);
  const meta = await transcriptHeader(db, row, segments);
  // The page shows the lines kept in the database; reading the saved file back tells whether the customer has it.
  const stored = await readStoredTranscript(row);
  const title = (await transcriptTitles(db, user.accountId, [row.id])).get(row.id) ?? row.roomName;

  const summary = await getSummaryOfTranscription(db, user.accountId, row.id);

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <Link href="/transcriptions" className="text-brand-700 hover:underline dark:text-brand-100">
          ← Transcriptions
        </Link>
      </nav>
      <TranscriptView
        transcription={{
          id: row.id,
          title,
          roomName: row.roomName,
          roomSessionId: row.roomSessionId,
          filename: row.filename,
          language: row.language,
          state: row.state,
          phase: row.phase,
          error: row.error,
          saveStatus: saveStatus(row),
          startDate: row.startedAt.toISOString(),
          endDate: row.endedAt?.toISOString() ?? null,
          durationInSeconds: row.durationSeconds,
          storageType: row.storageType,
          storageLocation: describeStoredDestination(row.destination),
        }}
        meta={{ ...meta, startedAt: meta.startedAt.toISOString(), endedAt: meta.endedAt.toISOString() }}
        source={stored.status === "ok" ? "stored" : "segments"}
        unavailable={stored.status === "unavailable" ? { location: stored.location, reason: stored.reason } : null}
        segments={segments}
        initialFind={typeof q === "string" ? q.slice(0, 200) : ""}
        participants={meta.participants}
        isAdmin={user.role === "admin"}
        summary={<SummaryPanel transcriptionId={row.id} transcriptionState={row.state} hasSpeech={segments.length > 0} initialSummary={summary ? summaryPanelData(summary) : null} />}
      />
    </>
  );
}
