"use client";
// The room page's downloads: once a session's transcript is saved, the host (and participants, when the room allows it)
// gets .md, .txt and .vtt buttons; everyone else who was there is told when it is saved. The links are signed and last 10 minutes, so they are fetched again before they expire.
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

export type DownloadLinks = { transcriptionId: string; expires: number; links: { md: string; txt: string; vtt: string } };
/** How to ask for links: a participant token of that session, and the room key when this page has the host link. */
export type DownloadCredentials = { participantToken: string | null; roomKey: string | null };

const FORMATS = [
  { format: "md", label: "Markdown", ext: ".md", hint: "formatted, for documents and wikis" },
  { format: "txt", label: "Plain text", ext: ".txt", hint: "for email and notes" },
  { format: "vtt", label: "Subtitles", ext: ".vtt", hint: "WebVTT, for video players" },
] as const;

/** While the transcript is being saved the server answers 409; ask again every 2 s, for up to 3 minutes. */
const POLL_MS = 2_000;
const GIVE_UP_MS = 180_000;

type State = { kind: "waiting" } | { kind: "ready"; links: DownloadLinks } | { kind: "saved_for_owners" } | { kind: "problem"; message: string };

async function fetchLinks(base: string, transcriptionId: string, creds: DownloadCredentials): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (creds.participantToken) headers["X-Participant-Token"] = creds.participantToken;
  const res = await fetch(`${base}/transcriptions/${encodeURIComponent(transcriptionId)}/download-links`, {
    method: "POST",
    headers,
    body: JSON.stringify(creds.roomKey ? { roomKey: creds.roomKey } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/**
 * One finished transcription's downloads; `onReady` hears each fresh set of links (the embed passes them on). Without
 * `mayDownload` (a guest of a room that keeps downloads to the host) it only says when the transcript is saved.
 */
export function TranscriptDownloads({ base, transcriptionId, endedAt, creds, mayDownload = true, onReady }: {
  base: string;
  transcriptionId: string;
  endedAt: Date;
  creds: DownloadCredentials;
  mayDownload?: boolean;
  onReady?: (links: DownloadLinks) => void;
}) {
  const [state, setState] = useState<State>({ kind: "waiting" });
  const { participantToken, roomKey } = creds;

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const attempt = async () => {
      try {
        const { status, body } = await fetchLinks(base, transcriptionId, { participantToken, roomKey });
        if (stopped) return;
        if (status === 200) {
          const links = body as DownloadLinks;
          setState({ kind: "ready", links });
          onReady?.(links);
          // Fetched again a minute before they expire, so a button never holds a dead link.
          timer = setTimeout(attempt, Math.max(5_000, links.expires - Date.now() - 60_000));
          return;
        }
        const message = (body as { error?: string } | null)?.error ?? `The server answered ${status}.`;
        if (status === 409 && /not ready/.test(message) && Date.now() - started < GIVE_UP_MS) {
          timer = setTimeout(attempt, POLL_MS);
          return;
        }
        // A guest without downloads is told it is saved (the server says so once it is), not shown an error.
        if (status === 403 && !mayDownload && /is saved/.test(message)) {
          setState({ kind: "saved_for_owners" });
          return;
        }
        setState({ kind: "problem", message });
      } catch {
        if (!stopped) timer = setTimeout(attempt, POLL_MS * 2);
      }
    };
    void attempt();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // onReady is a notification; a new function each render must not restart the polling.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, transcriptionId, participantToken, roomKey, mayDownload]);

  const time = endedAt.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return (
    <div data-testid="transcript-downloads">
    <Card className="px-5 py-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <h2 className="text-base font-semibold">{mayDownload ? "Download the transcript" : "The transcript"}</h2>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="downloads-status">
            {state.kind === "waiting"
              ? `The transcription stopped at ${time}. Saving the transcript…`
              : state.kind === "ready"
                ? `Saved at the end of the transcription (${time}). The links work for 10 minutes and are renewed while this page is open.`
                : state.kind === "saved_for_owners"
                  ? `Saved for the room's owners at the end of the transcription (${time}). Only the host can download it here; ask the host for a copy.`
                  : "The transcript cannot be downloaded here."}
          </p>
        </div>
        {state.kind === "waiting" && <span className="size-4 animate-spin rounded-full border-2 border-brand-500 border-t-transparent motion-reduce:animate-none" aria-hidden />}
      </div>
      {state.kind === "ready" && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label="Transcript files">
          {FORMATS.map((f) => (
            <li key={f.format}>
              <a href={state.links.links[f.format]} download className={buttonClass("secondary")} title={f.hint} data-testid={`download-${f.format}`}>
                <DownloadIcon />
                {f.label} <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{f.ext}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      {state.kind === "problem" && (
        <Alert tone="error" className="mt-3">
          {state.message}
        </Alert>
      )}
    </Card>
    </div>
  );
}

function DownloadIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className="size-4" aria-hidden="true">
      <path d="M10.75 2.75a.75.75 0 0 0-1.5 0v8.614L6.295 8.235a.75.75 0 1 0-1.09 1.03l4.25 4.5a.75.75 0 0 0 1.09 0l4.25-4.5a.75.75 0 0 0-1.09-1.03l-2.955 3.129V2.75Z" />
      <path d="M3.5 12.75a.75.75 0 0 0-1.5 0v2.5A2.75 2.75 0 0 0 4.75 18h10.5A2.75 2.75 0 0 0 18 15.25v-2.5a.75.75 0 0 0-1.5 0v2.5c0 .69-.56 1.25-1.25 1.25H4.75c-.69 0-1.25-.56-1.25-1.25v-2.5Z" />
    </svg>
  );
}
