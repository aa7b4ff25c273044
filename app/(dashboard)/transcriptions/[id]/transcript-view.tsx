"use client";
// The transcript page's client island: the text (live while in progress), search within it and jump to a time.
import { useActionState, useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { renderMarkdown, type TranscriptSegment } from "@/lib/transcripts/render";
import type { StoredSegment } from "@/lib/transcripts/transcript-content";
import { Card, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { inputClass } from "@/components/ui/field";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { FormattedDate } from "@/components/ui/formatted-date";
import { deleteTranscriptionsAction } from "../actions";
import { formatSeconds, languageName, stateLabel, stateTone, storageLabel } from "../format";
import { TranscriptMarkdown, timeAnchor } from "./transcript-markdown";

type Transcription = {
  id: string;
  roomName: string;
  roomSessionId: string;
  filename: string;
  language: string;
  state: "in_progress" | "ready" | "failed";
  error: string | null;
  startDate: string;
  endDate: string | null;
  durationInSeconds: number | null;
  storageType: "HOSTED" | "SELF_HOSTED";
  storageLocation: string;
};

type Meta = { roomName: string; roomSessionId: string; startedAt: string; endedAt: string; language: string; participants: string[] };

const LIVE_POLL_MS = 2000;

const markdownStyles =
  "text-[15px] leading-7 text-zinc-800 dark:text-zinc-200 [&_h2]:mb-3 [&_h2]:text-xl [&_h2]:font-semibold [&_h2]:tracking-tight [&_ul]:mb-5 [&_ul]:space-y-0.5 [&_ul]:text-sm [&_ul]:text-zinc-500 dark:[&_ul]:text-zinc-400 [&_p]:my-2.5 [&_p]:scroll-mt-24 [&_p]:rounded-md [&_p]:px-2 [&_p]:-mx-2 [&_p:target]:bg-brand-50 dark:[&_p:target]:bg-brand-700/20 [&_strong]:font-semibold [&_.transcript-time]:font-mono [&_.transcript-time]:text-xs [&_.transcript-time]:text-brand-700 [&_.transcript-time]:hover:underline dark:[&_.transcript-time]:text-brand-100 [&_mark]:rounded-sm [&_mark]:bg-amber-200 [&_mark]:px-0.5 [&_mark]:text-zinc-900 [&_mark[data-current]]:bg-orange-400";

type Interim = { participantId: string; displayName: string; text: string; final: boolean };

/** Each speaker's interim text while the transcription runs, from its live events (Server-Sent Events). */
function useInterims(transcriptionId: string, inProgress: boolean, onFinal: () => void): Interim[] {
  const [interims, setInterims] = useState<Record<string, Interim>>({});
  const onFinalRef = useRef(onFinal);
  useEffect(() => {
    onFinalRef.current = onFinal;
  });
  useEffect(() => {
    if (!inProgress) return;
    const source = new EventSource(`/transcriptions/${transcriptionId}/live-events`);
    source.addEventListener("segment", (event) => {
      const s = JSON.parse((event as MessageEvent<string>).data) as Interim;
      setInterims((all) => {
        const next = { ...all };
        if (s.final || !s.text) delete next[s.participantId];
        else next[s.participantId] = s;
        return next;
      });
      if (s.final) onFinalRef.current();
    });
    return () => source.close();
  }, [transcriptionId, inProgress]);
  return inProgress ? Object.values(interims) : [];
}

/** "1:05", "01:02:05" or "65" (seconds) → seconds; null for anything else. */
export function parseClock(value: string): number | null {
  const parts = value.trim().split(":");
  if (parts.length > 3 || parts.some((p) => !/^\d{1,3}$/.test(p))) return null;
  return parts.reduce((acc, p) => acc * 60 + Number(p), 0);
}

export function TranscriptView(props: {
  transcription: Transcription;
  meta: Meta;
  markdown: string;
  source: "stored" | "segments";
  unavailable: { location: string; reason: string } | null;
  segments: StoredSegment[];
  speakers: { name: string; count: number }[];
  participants: string[];
  /** The summary panel, rendered beside the transcript. */
  summary?: React.ReactNode;
}) {
  const t = props.transcription;
  const router = useRouter();
  const [find, setFind] = useState("");
  const [current, setCurrent] = useState(0);
  const [hits, setHits] = useState(0);
  const [jump, setJump] = useState("");
  const [jumpError, setJumpError] = useState<string | null>(null);
  const articleRef = useRef<HTMLDivElement>(null);

  // Live: new final segments are fetched while the transcription runs, and the page reloads when it ends.
  const [liveSegments, setLiveSegments] = useState<StoredSegment[]>(props.segments);
  const lastId = liveSegments.reduce((max, s) => Math.max(max, s.id), 0);
  const live = useQuery({
    queryKey: ["transcript-live", t.id, lastId],
    queryFn: async () => {
      const res = await fetch(`/transcriptions/${t.id}/live-data?after=${lastId}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`The live transcript could not be loaded (${res.status})`);
      return (await res.json()) as { state: Transcription["state"]; error: string | null; segments: StoredSegment[] };
    },
    enabled: t.state === "in_progress",
    refetchInterval: LIVE_POLL_MS,
  });
  useEffect(() => {
    if (!live.data) return;
    if (live.data.segments.length) setLiveSegments((prev) => [...prev, ...live.data.segments.filter((s) => s.id > lastId)]);
    if (live.data.state !== "in_progress") router.refresh();
  }, [live.data, lastId, router]);

  // What people are saying right now (interim text), pushed by the room's live events; a final segment fetches the
  // stored lines at once instead of waiting for the next poll.
  const interims = useInterims(t.id, t.state === "in_progress", live.refetch);

  const markdown = useMemo(() => {
    if (t.state !== "in_progress") return props.markdown;
    const segments: TranscriptSegment[] = liveSegments;
    const names = [...new Set([...props.meta.participants, ...segments.map((s) => s.displayName)])];
    const rendered = renderMarkdown(
      { ...props.meta, participants: names, startedAt: new Date(props.meta.startedAt), endedAt: new Date() },
      segments,
    );
    // The file's header line, for a session that has not ended: no end time or duration yet.
    return rendered.replace(/ {2}Ended: \S+ {2}Duration: \S+/, "  Ended: not yet (in progress)");
  }, [t.state, props.markdown, props.meta, liveSegments]);

  // Count the highlighted words (again as live lines arrive) and mark the current one.
  useEffect(() => {
    const marks = articleRef.current?.querySelectorAll<HTMLElement>("mark[data-hit]") ?? [];
    setHits(marks.length);
    marks.forEach((m, i) => (i === current ? m.setAttribute("data-current", "") : m.removeAttribute("data-current")));
  }, [find, current, markdown]);
  // Bring the current one into view when the search or the chosen match changes, not with every new live line.
  useEffect(() => {
    const marks = articleRef.current?.querySelectorAll<HTMLElement>("mark[data-hit]") ?? [];
    if (marks.length && find.trim()) marks[Math.min(current, marks.length - 1)]?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [find, current]);

  // Who spoke, and how much: from the live lines while the session runs.
  const speakers = useMemo(() => {
    if (t.state !== "in_progress") return { names: props.participants, counts: new Map(props.speakers.map((x) => [x.name, x.count])) };
    const counts = new Map<string, number>();
    for (const seg of liveSegments) counts.set(seg.displayName, (counts.get(seg.displayName) ?? 0) + 1);
    return { names: [...new Set([...props.participants, ...counts.keys()])], counts };
  }, [t.state, props.participants, props.speakers, liveSegments]);

  const goTo = (e: React.FormEvent) => {
    e.preventDefault();
    const seconds = parseClock(jump);
    if (seconds === null) return setJumpError("Use a time such as 1:05 or 1:02:05");
    // The last line spoken at or before that time.
    const lines = [...(articleRef.current?.querySelectorAll<HTMLElement>("p[id^='t-']") ?? [])];
    const target = lines.filter((l) => l.id <= timeAnchor(seconds)).at(-1) ?? lines[0];
    if (!target) return setJumpError("There is no spoken line yet");
    setJumpError(null);
    // Setting the hash scrolls there, marks the line as :target and makes the moment linkable.
    if (window.location.hash === `#${target.id}`) target.scrollIntoView({ block: "start" });
    else window.location.hash = target.id;
    target.querySelector("a")?.focus({ preventScroll: true });
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <div className="min-w-0 space-y-4">
        <header className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="truncate text-2xl font-semibold tracking-tight" title={t.roomName}>
              {t.roomName}
            </h1>
            <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
              <FormattedDate iso={t.startDate} /> · {t.state === "in_progress" ? "in progress" : formatSeconds(t.durationInSeconds)} · {languageName(t.language)}
            </p>
          </div>
          <Badge tone={stateTone[t.state]}>
            {t.state === "in_progress" && <span className="size-1.5 animate-pulse rounded-full bg-red-500" aria-hidden />}
            {stateLabel[t.state]}
          </Badge>
        </header>

        {t.state === "failed" && <Alert tone="error">This transcription failed: {t.error ?? "no reason was recorded"}.</Alert>}
        {/* A speech engine that gave up on a track (a refused key, a rate limit): what it could not transcribe is missing. */}
        {t.state !== "failed" && (live.data?.error ?? t.error) && (
          <Alert tone="error">Part of this session may not have been transcribed. {live.data?.error ?? t.error}</Alert>
        )}
        {props.unavailable && (
          <Alert tone="error">
            The transcript file could not be read from {props.unavailable.location}: {props.unavailable.reason}. Shown below is the text kept in
            Verbatim&apos;s database{props.segments.length ? "" : ", which holds no lines for this session"}.
          </Alert>
        )}
        {t.state === "in_progress" && (
          <Alert tone="info">
            Live: what people say appears as they speak, in grey until each sentence is settled. The transcript file is saved
            when the session ends.
            {live.isError && " (Reconnecting…)"}
          </Alert>
        )}

        <Card className="px-4 py-3">
          <div className="flex flex-wrap items-end gap-4">
            <div className="min-w-56 flex-1">
              <label htmlFor="find-in-transcript" className="mb-1.5 block text-sm font-medium">
                Find in transcript
              </label>
              <div className="flex items-center gap-2">
                <input
                  id="find-in-transcript"
                  type="search"
                  className={inputClass}
                  value={find}
                  placeholder="A word or name"
                  onChange={(e) => (setFind(e.target.value), setCurrent(0))}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && hits) setCurrent((c) => (e.shiftKey ? (c - 1 + hits) % hits : (c + 1) % hits));
                  }}
                />
                <span className="w-20 shrink-0 text-sm tabular-nums text-zinc-500" aria-live="polite" data-testid="find-count">
                  {find.trim() ? (hits ? `${Math.min(current + 1, hits)} of ${hits}` : "No matches") : ""}
                </span>
                <Button variant="secondary" aria-label="Previous match" disabled={!hits} onClick={() => setCurrent((c) => (c - 1 + hits) % hits)}>
                  ↑
                </Button>
                <Button variant="secondary" aria-label="Next match" disabled={!hits} onClick={() => setCurrent((c) => (c + 1) % hits)}>
                  ↓
                </Button>
              </div>
            </div>
            <form onSubmit={goTo} className="flex items-end gap-2">
              <div>
                <label htmlFor="jump-to-time" className="mb-1.5 block text-sm font-medium">
                  Jump to time
                </label>
                <input
                  id="jump-to-time"
                  className={`${inputClass} w-28`}
                  placeholder="1:05"
                  value={jump}
                  onChange={(e) => setJump(e.target.value)}
                  aria-invalid={jumpError ? true : undefined}
                  aria-describedby={jumpError ? "jump-error" : undefined}
                />
              </div>
              <Button type="submit" variant="secondary">
                Go
              </Button>
            </form>
          </div>
          {jumpError && (
            <p id="jump-error" className="mt-1.5 text-xs font-medium text-red-600 dark:text-red-400">
              {jumpError}
            </p>
          )}
        </Card>

        <Card className="px-6 py-5">
          <article ref={articleRef} className={markdownStyles} aria-label="Transcript" data-testid="transcript">
            <TranscriptMarkdown markdown={markdown} highlight={find} />
          </article>
          {interims.length > 0 && (
            <ul className="mt-2 space-y-1 border-t border-dashed border-zinc-200 pt-3 dark:border-zinc-800" aria-label="Speaking now">
              {interims.map((s) => (
                <li key={s.participantId} className="text-[15px] italic leading-7 text-zinc-400 dark:text-zinc-500" data-testid="interim-line">
                  <span className="font-semibold">{s.displayName}:</span> {s.text}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <aside className="space-y-4">
        {props.summary}
        <Card>
          <CardHeader title="Download" />
          <div className="grid grid-cols-2 gap-2 px-5 py-4">
            {(["md", "txt", "vtt", "json"] as const).map((f) => (
              <a key={f} href={`/transcriptions/${t.id}/download/${f}`} download className={buttonClass("secondary")}>
                .{f}
              </a>
            ))}
            <p className="col-span-2 text-xs text-zinc-500 dark:text-zinc-400">
              {props.source === "stored" ? ".md is the saved file; the others are made from the same lines." : ".md is made from the lines kept in Verbatim."}
            </p>
          </div>
        </Card>

        <Card>
          <CardHeader title="Session" />
          <dl className="space-y-2.5 px-5 py-4 text-sm">
            <Detail label="Room"><span className="break-all">{t.roomName}</span></Detail>
            <Detail label="Started"><FormattedDate iso={t.startDate} /></Detail>
            <Detail label="Ended">{t.endDate ? <FormattedDate iso={t.endDate} /> : "Not yet"}</Detail>
            <Detail label="Duration">{t.state === "in_progress" ? "—" : formatSeconds(t.durationInSeconds)}</Detail>
            <Detail label="Language">{languageName(t.language)}</Detail>
            <Detail label="Storage">
              {storageLabel[t.storageType]}
              {t.storageType === "SELF_HOSTED" && <span className="block break-all text-xs text-zinc-500">{t.storageLocation}</span>}
            </Detail>
            <Detail label="File"><span className="break-all font-mono text-xs">{t.filename}</span></Detail>
            <Detail label="Session id"><span className="break-all font-mono text-xs">{t.roomSessionId}</span></Detail>
          </dl>
        </Card>

        <Card>
          <CardHeader title="Speakers" />
          <ul className="space-y-1.5 px-5 py-4 text-sm" data-testid="speakers">
            {speakers.names.length === 0 && <li className="text-zinc-500">Nobody yet</li>}
            {speakers.names.map((name) => {
              const count = speakers.counts.get(name) ?? 0;
              return (
                <li key={name} className="flex items-center justify-between gap-2">
                  <span className="truncate">{name}</span>
                  <span className="shrink-0 text-xs text-zinc-500">{count === 0 ? "silent" : `${count} line${count === 1 ? "" : "s"}`}</span>
                </li>
              );
            })}
          </ul>
        </Card>

        {t.state !== "in_progress" && <DeleteTranscript id={t.id} roomName={t.roomName} startDate={t.startDate} />}
      </aside>
    </div>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[5.5rem_minmax(0,1fr)] gap-2">
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function DeleteTranscript({ id, roomName, startDate }: { id: string; roomName: string; startDate: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(deleteTranscriptionsAction, null);
  useEffect(() => {
    if (state?.ok) router.push("/transcriptions");
  }, [state, router]);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={<Button variant="ghost" className="w-full text-red-600 dark:text-red-400">Delete transcript…</Button>}
      title="Delete this transcript?"
      description={
        <>
          The transcript of <strong className="font-semibold text-zinc-800 dark:text-zinc-200">{roomName}</strong> from <FormattedDate iso={startDate} />: its
          Markdown file and every line of its text are deleted for good.
        </>
      }
    >
      <form action={action} className="space-y-4">
        <input type="hidden" name="id" value={id} />
        {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <SubmitButton variant="danger" pendingLabel="Deleting…">Delete transcript</SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}
