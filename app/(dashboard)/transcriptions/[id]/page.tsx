// One transcript's page: its header, the live or saved text, downloads and the summary panel.
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getTranscription } from "@/lib/transcripts/transcriptions";
import { loadSegments, readStoredTranscript, transcriptMeta } from "@/lib/transcripts/transcript-content";
import { renderMarkdown } from "@/lib/transcripts/render";
import { describeStoredDestination } from "@/lib/transcripts/stored-destination";
import { getSummaryOfTranscription, summaryPanelData } from "@/lib/summaries/service";
import { SummaryPanel } from "@/components/summaries/summary-panel";
import { TranscriptView } from "./transcript-view";

export const dynamic = "force-dynamic";
export const metadata = { title: "Transcript" };

export default async function TranscriptPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const { id } = await params;
  const db = await getDb();
  let row;
  try {
    row = await getTranscription(db, user.accountId, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const segments = await loadSegments(db, user.accountId, row.id);
  const meta = await transcriptMeta(db, row, segments);
  // The saved file is what the customer has; read it back. Without one (in progress, failed upload, bucket down)
  // the same Markdown is rendered from the segments kept in the database.
  const stored = await readStoredTranscript(row);
  const markdown = stored.status === "ok" ? stored.body.toString("utf8") : renderMarkdown(meta, segments);

  const summary = await getSummaryOfTranscription(db, user.accountId, row.id);

  const speakers = new Map<string, number>();
  for (const s of segments) speakers.set(s.displayName, (speakers.get(s.displayName) ?? 0) + 1);

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
          roomName: row.roomName,
          roomSessionId: row.roomSessionId,
          filename: row.filename,
          language: row.language,
          state: row.state,
          error: row.error,
          startDate: row.startedAt.toISOString(),
          endDate: row.endedAt?.toISOString() ?? null,
          durationInSeconds: row.durationSeconds,
          storageType: row.storageType,
          storageLocation: describeStoredDestination(row.destination),
        }}
        meta={{ ...meta, startedAt: meta.startedAt.toISOString(), endedAt: meta.endedAt.toISOString() }}
        markdown={markdown}
        source={stored.status === "ok" ? "stored" : "segments"}
        unavailable={stored.status === "unavailable" ? { location: stored.location, reason: stored.reason } : null}
        segments={segments}
        speakers={[...speakers.entries()].map(([name, count]) => ({ name, count }))}
        participants={meta.participants}
        summary={<SummaryPanel transcriptionId={row.id} transcriptionState={row.state} initialSummary={summary ? summaryPanelData(summary) : null} />}
      />
    </>
  );
}
