"use client";
// The transcript page's client island: the text (live while in progress), search within it and jump to a time.
import { startTransition, useActionState, useEffect, useMemo, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { offRecordLabel, renderText, type OffRecordGap } from "@/lib/transcripts/render";
import { groupConsecutive, talkTime } from "@/lib/transcripts/reading";
import type { StoredSegment } from "@/lib/transcripts/segments";
import { speakerTone } from "@/components/transcript/speaker-tone";
import { Card, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Field, inputClass } from "@/components/ui/field";
import { Dialog, DialogActions, DialogClose } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { FormattedDate } from "@/components/ui/formatted-date";
import { cn } from "@/components/ui/cn";
import { useDialogAction } from "@/components/ui/use-dialog-action";
import type { TranscriptionPhase } from "@/lib/transcripts/lifecycle";
import type { LiveSegment } from "@/lib/pipeline/live/live-bus";
import type { SaveStatus } from "@/lib/transcripts/save-status";
import { deleteTranscriptionsAction, renameTranscriptionAction, shareLinkAction } from "../actions";
import { retryUploadAction } from "./upload-actions";
import { durationInWords, formatSeconds, languageName, stateLabel, stateTone, storageLabel } from "../format";
import { timeAnchor } from "./time-anchor";
import { searchPattern, TranscriptBody } from "./transcript-body";

type Transcription = {
  id: string;
  title: string;
  roomName: string;
  roomSessionId: string;
  filename: string;
  language: string;
  state: "in_progress" | "ready" | "failed";
  phase: TranscriptionPhase;
  error: string | null;
  /** Retrying or under way after the session ended; null otherwise. */
  saveStatus: SaveStatus;
  startDate: string;
  endDate: string | null;
  durationInSeconds: number | null;
  storageType: "HOSTED" | "SELF_HOSTED";
  storageLocation: string;
};

type Meta = {
  roomName: string;
  roomSessionId: string;
  startedAt: string;
  endedAt: string;
  language: string;
  participants: string[];
  notTranscribed?: string[];
  offRecord?: OffRecordGap[];
};

const LIVE_POLL_MS = 2000;

/**
 * Each speaker's interim text while the transcription runs, from its live events (Server-Sent Events). The events have
 * ids: after a dropped connection EventSource resumes with Last-Event-ID, and the finals said meanwhile arrive first
 * (each one fetches the stored lines, so none is missed even between two polls).
 */
function useInterims(transcriptionId: string, inProgress: boolean, onFinal: () => void): LiveSegment[] {
  const [interims, setInterims] = useState<Record<string, LiveSegment>>({});
  const onFinalRef = useRef(onFinal);
  useEffect(() => {
    onFinalRef.current = onFinal;
  });
  useEffect(() => {
    if (!inProgress) return;
    const source = new EventSource(`/transcriptions/${transcriptionId}/live-events`);
    source.addEventListener("segment", (event) => {
      const s = JSON.parse((event as MessageEvent<string>).data) as LiveSegment;
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

/** "Tuesday 1 December 2026, 10:00": the session's start as people say it, in the reader's time zone. */
function LongDate({ iso }: { iso: string }) {
  const [text, setText] = useState(iso.slice(0, 16).replace("T", " ") + " UTC");
  useEffect(() => setText(new Date(iso).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short" })), [iso]);
  return <time dateTime={iso}>{text}</time>;
}

export function TranscriptView(props: {
  transcription: Transcription;
  meta: Meta;
  source: "stored" | "segments";
  unavailable: { location: string; reason: string } | null;
  segments: StoredSegment[];
  participants: string[];
  /** Words searched for on the list, highlighted here at first. */
  initialFind: string;
  /** The summary panel, rendered beside the transcript. */
  summary?: React.ReactNode;
  /** Admins may retry a failed save. */
  isAdmin?: boolean;
}) {
  const t = props.transcription;
  const router = useRouter();
  const [find, setFind] = useState(props.initialFind);
  const [current, setCurrent] = useState(0);
  const [hits, setHits] = useState(0);
  const [jump, setJump] = useState("");
  const [jumpError, setJumpError] = useState<string | null>(null);
  const articleRef = useRef<HTMLDivElement>(null);

  // Live: new final segments are fetched while the transcription runs, and the page reloads when it ends.
  const [liveSegments, setLiveSegments] = useState<StoredSegment[]>(props.segments);
  useEffect(() => setLiveSegments(props.segments), [props.segments]);
  const lastId = liveSegments.reduce((max, s) => Math.max(max, s.id), 0);
  const live = useQuery({
    queryKey: ["transcript-live", t.id, lastId],
    queryFn: async () => {
      const res = await fetch(`/transcriptions/${t.id}/live-data?after=${lastId}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`The live transcript could not be loaded (${res.status})`);
      return (await res.json()) as { state: Transcription["state"]; phase: TranscriptionPhase; error: string | null; segments: StoredSegment[] };
    },
    enabled: t.state === "in_progress",
    refetchInterval: LIVE_POLL_MS,
  });
  useEffect(() => {
    if (!live.data) return;
    if (live.data.segments.length) setLiveSegments((prev) => [...prev, ...live.data.segments.filter((s) => s.id > lastId)]);
    // A new phase (ended, saving, retrying after a failed upload, saved): the page says so.
    if (live.data.phase !== t.phase) router.refresh();
  }, [live.data, lastId, router]);

  // What people are saying right now (interim text), pushed by the room's live events; a final segment fetches the
  // stored lines at once instead of waiting for the next poll.
  const interims = useInterims(t.id, t.state === "in_progress", live.refetch);

  const segments = t.state === "in_progress" ? liveSegments : props.segments;
  const blocks = useMemo(() => groupConsecutive(segments), [segments]);
  const talk = useMemo(() => talkTime(segments), [segments]);
  const pattern = useMemo(() => searchPattern(find), [find]);
  // One anchor per second of the session: the first line spoken in it.
  const anchors = useMemo(() => {
    const seen = new Set<string>();
    const byId = new Map<number, string>();
    for (const s of segments) {
      const anchor = timeAnchor(Math.floor(s.startMs / 1000));
      if (!seen.has(anchor)) {
        seen.add(anchor);
        byId.set(s.id, anchor);
      }
    }
    return byId;
  }, [segments]);
  // Someone whose first words are still interim text is speaking, not silent: they get a talk-time row at their first final line.
  const speakingFirst = interims.filter((i) => !talk.some((s) => s.participantId === i.participantId)).map((i) => i.displayName);
  const silent = props.participants.filter((name) => !talk.some((s) => s.displayName === name) && !speakingFirst.includes(name));

  // Count the highlighted words (again as live lines arrive) and mark the current one.
  useEffect(() => {
    const marks = articleRef.current?.querySelectorAll<HTMLElement>("mark[data-hit]") ?? [];
    setHits(marks.length);
    marks.forEach((m, i) => (i === current ? m.setAttribute("data-current", "") : m.removeAttribute("data-current")));
  }, [find, current, segments]);
  // Bring the current one into view when the search or the chosen match changes, not with every new live line.
  useEffect(() => {
    const marks = articleRef.current?.querySelectorAll<HTMLElement>("mark[data-hit]") ?? [];
    if (marks.length && find.trim()) marks[Math.min(current, marks.length - 1)]?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [find, current]);

  const goTo = (e: React.FormEvent) => {
    e.preventDefault();
    const seconds = parseClock(jump);
    if (seconds === null) return setJumpError("Use a time such as 1:05 or 1:02:05");
    // The last line spoken at or before that time.
    const lines = [...(articleRef.current?.querySelectorAll<HTMLElement>("[id^='t-']") ?? [])];
    const target = lines.filter((l) => l.id <= timeAnchor(seconds)).at(-1) ?? lines[0];
    if (!target) return setJumpError("There is no spoken line yet");
    setJumpError(null);
    // Setting the hash scrolls there, marks the line as :target and makes the moment linkable.
    if (window.location.hash === `#${target.id}`) target.scrollIntoView({ block: "start" });
    else window.location.hash = target.id;
    target.querySelector("a")?.focus({ preventScroll: true });
  };

  const plainText = () => {
    const endedAt = t.endDate ? new Date(t.endDate) : new Date();
    return renderText({ ...props.meta, roomName: t.title, startedAt: new Date(props.meta.startedAt), endedAt }, segments);
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
      <div className="min-w-0 space-y-4">
        <header className="space-y-2">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h1 className="break-words text-2xl font-semibold tracking-tight" data-testid="transcript-title">
                {t.title}
              </h1>
              <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400" data-testid="transcript-when">
                <LongDate iso={t.startDate} />
                {" · "}
                {t.state === "in_progress" ? "in progress" : t.durationInSeconds !== null ? durationInWords(t.durationInSeconds) : "no duration"}
                {" · "}
                {languageName(t.language)}
              </p>
              {t.title !== t.roomName && <p className="mt-0.5 break-all font-mono text-xs text-zinc-500 dark:text-zinc-400">Room {t.roomName}</p>}
            </div>
            <Badge tone={stateTone[t.state]}>
              {t.state === "in_progress" && <span className="size-1.5 animate-pulse rounded-full bg-red-500" aria-hidden />}
              {stateLabel[t.state]}
            </Badge>
          </div>
          <div className="flex flex-wrap gap-2">
            <CopyTextButton getText={plainText} disabled={segments.length === 0} />
            <ShareLinkButton id={t.id} available={t.storageType === "HOSTED" && t.state === "ready"} reason={shareUnavailableReason(t)} />
            <RenameTranscript id={t.id} title={t.title} />
          </div>
        </header>

        {t.state === "failed" && (
          <Alert tone="error">
            This transcription failed: {t.error ?? "no reason was recorded"}.
            {t.phase === "upload_failed" && props.isAdmin && <RetryUpload id={t.id} />}
          </Alert>
        )}
        {t.saveStatus?.kind === "retrying" && (
          <Alert tone="error">
            Saving to {t.saveStatus.where} failed, retrying at <FormattedDate iso={t.saveStatus.retryAt} />: {t.saveStatus.reason}. The text is kept
            meanwhile.
          </Alert>
        )}
        {t.saveStatus?.kind === "saving" && <Alert tone="info">The session has ended; saving the transcript file…</Alert>}
        {/* A speech engine that gave up on a track (a refused key, a rate limit): what it could not transcribe is missing. */}
        {t.state !== "failed" && !t.saveStatus && (live.data?.error ?? t.error) && (
          <Alert tone="error">Part of this session may not have been transcribed. {live.data?.error ?? t.error}</Alert>
        )}
        {props.unavailable && (
          <Alert tone="error">
            The transcript file could not be read from {props.unavailable.location}: {props.unavailable.reason}. Shown below is the text kept in
            Verbatim&apos;s database{props.segments.length ? "" : ", which holds no lines for this session"}.
          </Alert>
        )}
        {t.phase === "running" && (
          <Alert tone="info">
            Live: what people say appears as they speak, in grey until each sentence is settled. The transcript file is saved when the session ends.
            {live.isError && " (Reconnecting…)"}
          </Alert>
        )}

        <Card className="px-4 py-3">
          <div className="flex flex-wrap items-start gap-4">
            <div className="min-w-0 flex-1 basis-64">
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
                <span className="w-20 shrink-0 text-sm tabular-nums text-zinc-600 dark:text-zinc-400" aria-live="polite" data-testid="find-count">
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
            <form onSubmit={goTo} noValidate>
              <label htmlFor="jump-to-time" className="mb-1.5 block text-sm font-medium">
                Jump to time
              </label>
              <div className="flex items-center gap-2">
                <input
                  id="jump-to-time"
                  className={cn(inputClass, "w-28", jumpError && "ring-red-500")}
                  placeholder="1:05"
                  value={jump}
                  onChange={(e) => setJump(e.target.value)}
                  aria-invalid={jumpError ? true : undefined}
                  aria-describedby={jumpError ? "jump-error" : undefined}
                />
                <Button type="submit" variant="secondary">
                  Go
                </Button>
              </div>
              {/* Under the field it belongs to, not under the search. */}
              {jumpError && (
                <p id="jump-error" role="alert" className="mt-1.5 max-w-44 text-xs font-medium text-red-600 dark:text-red-400">
                  {jumpError}
                </p>
              )}
            </form>
          </div>
        </Card>

        <Card className="px-4 py-5 md:px-6">
          <div ref={articleRef} aria-label="Transcript" role="article" data-testid="transcript">
            {blocks.length === 0 && interims.length === 0 && (
              <p className="py-8 text-center text-sm text-zinc-600 dark:text-zinc-400">
                {t.state === "in_progress" ? "Nobody has said anything yet." : "No speech was transcribed in this session."}
              </p>
            )}
            <TranscriptBody blocks={blocks} anchors={anchors} pattern={pattern} />
          </div>
          {interims.length > 0 && (
            // A dashed rule parts the interim lines from the final ones above; with no final line yet there is nothing to part.
            <ul className={cn("space-y-1", blocks.length > 0 && "mt-4 border-t border-dashed border-zinc-200 pt-3 dark:border-zinc-800")} aria-label="Speaking now">
              {interims.map((s) => (
                <li key={s.participantId} className="text-[15px] italic leading-7 text-zinc-500 dark:text-zinc-400" data-testid="interim-line">
                  <span className={cn("font-semibold not-italic", speakerTone(s.participantId).text)}>{s.displayName}:</span> {s.text}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <aside className="space-y-4">
        <Card>
          <CardHeader title="Talk time" />
          <div className="space-y-3 px-5 py-4 text-sm" data-testid="speakers">
            {talk.length === 0 && silent.length === 0 && speakingFirst.length === 0 && <p className="text-zinc-600 dark:text-zinc-400">Nobody yet</p>}
            {talk.length > 0 && (
              // The whole bar is the session's speaking time; each speaker's part is as long as they spoke.
              <div className="flex h-2.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" role="img" aria-label={talk.map((s) => `${s.displayName} ${Math.round(s.share * 100)}%`).join(", ")}>
                {talk.map((s) => (
                  <span key={s.participantId} className={speakerTone(s.participantId).bar} style={{ width: `${s.share * 100}%` }} />
                ))}
              </div>
            )}
            <ul className="space-y-2.5">
              {talk.map((s) => (
                <li key={s.participantId} data-testid="talk-time">
                  <div className="flex items-baseline justify-between gap-2">
                    <span className={cn("truncate font-medium", speakerTone(s.participantId).text)}>{s.displayName}</span>
                    <span className="shrink-0 text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
                      {durationInWords(Math.round(s.ms / 1000))} · {Math.round(s.share * 100)}%
                    </span>
                  </div>
                  <div className="mt-1 h-1.5 rounded-full bg-zinc-100 dark:bg-zinc-800">
                    <div className={cn("h-1.5 rounded-full", speakerTone(s.participantId).bar)} style={{ width: `${Math.max(2, s.share * 100)}%` }} />
                  </div>
                </li>
              ))}
              {speakingFirst.map((name) => (
                <li key={`speaking-${name}`} className="flex justify-between gap-2 text-zinc-600 dark:text-zinc-400" data-testid="speaking-first">
                  <span className="truncate">{name}</span>
                  <span className="text-xs italic">speaking…</span>
                </li>
              ))}
              {silent.map((name) => (
                <li key={name} className="flex justify-between gap-2 text-zinc-600 dark:text-zinc-400">
                  <span className="truncate">{name}</span>
                  <span className="text-xs">did not speak</span>
                </li>
              ))}
            </ul>
          </div>
        </Card>

        {props.summary}

        <Card>
          <CardHeader title="Download" />
          <div className="grid grid-cols-4 gap-2 px-5 py-4 lg:grid-cols-2">
            {(["md", "txt", "vtt", "json"] as const).map((f) => (
              <a key={f} href={`/transcriptions/${t.id}/download/${f}`} download className={buttonClass("secondary")}>
                .{f}
              </a>
            ))}
            <p className="col-span-4 text-xs text-zinc-600 lg:col-span-2 dark:text-zinc-400">
              {props.source === "stored" ? ".md is the saved file; the others are made from the same lines." : ".md is made from the lines kept in Verbatim."}
            </p>
          </div>
        </Card>

        <Card>
          <CardHeader title="Session" />
          <dl className="space-y-2.5 px-5 py-4 text-sm">
            <Detail label="Started">
              <FormattedDate iso={t.startDate} />
            </Detail>
            <Detail label="Ended">{t.endDate ? <FormattedDate iso={t.endDate} /> : "Not yet"}</Detail>
            <Detail label="Duration">{t.state === "in_progress" ? "—" : formatSeconds(t.durationInSeconds)}</Detail>
            <Detail label="Language">{languageName(t.language)}</Detail>
            {!!props.meta.notTranscribed?.length && (
              <Detail label="Not transcribed at their request">
                <span data-testid="not-transcribed-names">{props.meta.notTranscribed.join(", ")}</span>
              </Detail>
            )}
            {!!props.meta.offRecord?.length && (
              <Detail label="Off the record">
                {props.meta.offRecord.map((gap) => (
                  <span key={gap.startMs} className="block font-mono text-xs" data-testid="off-record-gap">
                    {offRecordLabel(gap).replace(/^Off the record /, "")}
                  </span>
                ))}
              </Detail>
            )}
            <Detail label="Audio">Not kept: only the text was stored</Detail>
            <Detail label="Storage">
              {storageLabel[t.storageType]}
              {t.storageType === "SELF_HOSTED" && <span className="block break-all text-xs text-zinc-600 dark:text-zinc-400">{t.storageLocation}</span>}
            </Detail>
            <Detail label="File">
              <span className="break-all font-mono text-xs">{t.filename}</span>
            </Detail>
          </dl>
        </Card>

        {t.state !== "in_progress" && <DeleteTranscript id={t.id} title={t.title} startDate={t.startDate} />}
      </aside>
    </div>
  );
}

function shareUnavailableReason(t: Transcription): string | undefined {
  if (t.storageType === "SELF_HOSTED") return "Stored in your own bucket: share it from there.";
  if (t.state === "in_progress") return "The file is saved when the session ends.";
  if (t.state === "failed") return "This transcript has no saved file.";
  return undefined;
}

function CopyTextButton({ getText, disabled }: { getText: () => string; disabled: boolean }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <Button
      variant="secondary"
      disabled={disabled}
      onClick={async () => {
        const ok = await navigator.clipboard?.writeText(getText()).then(
          () => true,
          () => false,
        );
        setCopied(ok ? "yes" : "failed");
        setTimeout(() => setCopied(null), 2000);
      }}
    >
      <span aria-live="polite">{copied === "yes" ? "Text copied" : copied === "failed" ? "Could not copy" : "Copy text"}</span>
    </Button>
  );
}

/** Makes the API's access link (a signed link to the .md file, valid 12 hours) and copies it. */
function ShareLinkButton({ id, available, reason }: { id: string; available: boolean; reason?: string }) {
  const [state, action, pending] = useActionState(shareLinkAction, null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!state?.ok) return;
    navigator.clipboard?.writeText(state.data.accessLink).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  }, [state]);
  return (
    <div className="flex flex-col">
      <Button
        variant="secondary"
        disabled={!available || pending}
        title={available ? "Anyone with the link can download the transcript file for 12 hours" : reason}
        onClick={() => {
          const form = new FormData();
          form.set("id", id);
          setCopied(false);
          startTransition(() => action(form));
        }}
      >
        <span aria-live="polite">{pending ? "Making link…" : state?.ok && copied ? "Share link copied" : "Copy share link"}</span>
      </Button>
      {state?.ok && (
        <input
          readOnly
          aria-label="Share link"
          data-testid="share-link"
          value={state.data.accessLink}
          onFocus={(e) => e.currentTarget.select()}
          className="mt-1.5 w-64 rounded border-0 bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-800"
        />
      )}
      {state && !state.ok && (
        <span role="alert" className="mt-1 max-w-64 text-xs text-red-600 dark:text-red-400">
          {state.error}
        </span>
      )}
      {!available && reason && <span className="sr-only">{reason}</span>}
    </div>
  );
}

function RenameTranscript({ id, title }: { id: string; title: string }) {
  const [value, setValue] = useState(title);
  const { open, setOpen, state, pending, onSubmit } = useDialogAction(renameTranscriptionAction);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (setOpen(next), next && setValue(title))}
      trigger={<Button variant="ghost">Rename</Button>}
      title="Rename transcript"
      description="Only this transcript’s title changes; leave it empty to use the room’s name again."
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <input type="hidden" name="id" value={id} />
        <Field label="Title" name="title" value={value} onChange={(e) => setValue(e.target.value)} maxLength={120} error={state && !state.ok ? (state.fieldErrors?.title ?? state.error) : undefined} />
        <DialogActions pending={pending} submitLabel="Save title" pendingLabel="Saving…" />
      </form>
    </Dialog>
  );
}

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[5.5rem_minmax(0,1fr)] gap-2">
      <dt className="text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </div>
  );
}

function DeleteTranscript({ id, title, startDate }: { id: string; title: string; startDate: string }) {
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
      trigger={
        <Button variant="dangerGhost" className="w-full ring-1 ring-inset ring-red-200 dark:ring-red-900">
          Delete transcript…
        </Button>
      }
      title="Delete this transcript?"
      description={
        <>
          The transcript <strong className="font-semibold text-zinc-800 dark:text-zinc-200">{title}</strong> from <FormattedDate iso={startDate} />: its
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
          <SubmitButton variant="danger" pendingLabel="Deleting…">
            Delete transcript
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}

/** An admin's Retry on a failed save: saves the kept text again now; the page shows the outcome. */
function RetryUpload({ id }: { id: string }) {
  const router = useRouter();
  const [state, action] = useActionState(retryUploadAction, null);
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);
  return (
    <form action={action} className="mt-2 flex items-center gap-3">
      <input type="hidden" name="id" value={id} />
      <SubmitButton variant="secondary" pendingLabel="Retrying…">
        Retry saving
      </SubmitButton>
      {state && !state.ok && <span>{state.error}</span>}
      {state?.ok && state.data.state !== "ready" && <span>Still failing: {state.data.error}</span>}
    </form>
  );
}
