"use client";
// The transcriptions list's client island: the table, selection and bulk delete.
import { useActionState, useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import type { DashboardTranscription, DashboardTranscriptionPage } from "@/lib/transcripts/dashboard-list";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { TranscriptIcon } from "@/components/ui/icons";
import { inputClass } from "@/components/ui/field";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { SubmitButton } from "@/components/ui/submit-button";
import { FormattedDate } from "@/components/ui/formatted-date";
import { deleteTranscriptionsAction } from "./actions";
import { formatSeconds, languageName, stateLabel, stateTone, storageLabel, summaryLabel, transcriptTitle } from "./format";
import { FirstRunChecklist } from "./first-run-checklist";

type Filters = { q: string; room: string; from: string; to: string; state: string; storage: string; sort: string };
const emptyFilters: Filters = { q: "", room: "", from: "", to: "", state: "", storage: "", sort: "startDate:desc" };

// While something is being transcribed, the list is refreshed this often; otherwise less often, so that a session
// that starts while the page is open shows up without a reload.
const LIVE_REFRESH_MS = 3000;
const IDLE_REFRESH_MS = 15_000;

/** The date inputs are local days; the server compares instants, so they are sent as the local midnights. */
function localDayStart(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function queryString(filters: Filters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set("q", filters.q.trim());
  if (filters.room.trim()) params.set("room", filters.room.trim());
  const from = localDayStart(filters.from);
  const to = localDayStart(filters.to, 1);
  if (from) params.set("from", from);
  if (to) params.set("to", to);
  if (filters.state) params.set("state", filters.state);
  if (filters.storage) params.set("storage", filters.storage);
  params.set("sort", filters.sort);
  params.set("limit", "50");
  if (cursor) params.set("cursor", cursor);
  return params.toString();
}

async function fetchPage(filters: Filters, cursor?: string): Promise<DashboardTranscriptionPage> {
  const res = await fetch(`/transcriptions/list-data?${queryString(filters, cursor)}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.details?.[0]?.message ?? body?.error ?? `The list could not be loaded (${res.status})`);
  return body;
}

export function TranscriptionsClient({
  initialPage,
  roomNames,
  isAdmin,
  hasSessions,
  initialFilters,
}: {
  initialPage: DashboardTranscriptionPage;
  roomNames: string[];
  isAdmin: boolean;
  hasSessions: boolean;
  initialFilters: { room: string; q: string };
}) {
  const [draft, setDraft] = useState<Filters>({ ...emptyFilters, ...initialFilters });
  const [filters, setFilters] = useState<Filters>({ ...emptyFilters, ...initialFilters });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // On a phone only the search shows until "Filters" is pressed; from md up every filter is always there.
  const [filtersOpen, setFiltersOpen] = useState(false);
  const queryClient = useQueryClient();

  // Search as you type, a moment after the last key.
  useEffect(() => {
    const t = setTimeout(() => setFilters(draft), 300);
    return () => clearTimeout(t);
  }, [draft]);

  const isInitial = JSON.stringify(filters) === JSON.stringify(emptyFilters);
  const query = useInfiniteQuery({
    queryKey: ["transcriptions", filters],
    queryFn: ({ pageParam }) => fetchPage(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: isInitial ? { pages: [initialPage], pageParams: [undefined] } : undefined,
    placeholderData: (previous) => previous,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((i) => i.state === "in_progress")) ? LIVE_REFRESH_MS : IDLE_REFRESH_MS),
    refetchOnWindowFocus: true,
  });

  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const visibleSelected = items.filter((i) => selected.has(i.id));
  // A transcription still in progress cannot be selected: "all" means all the others, and there are none to select
  // while every row shown is in progress.
  const selectable = items.filter((i) => i.state !== "in_progress");
  const allSelected = selectable.length > 0 && selectable.every((i) => selected.has(i.id));
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const set = (patch: Partial<Filters>) => setDraft((d) => ({ ...d, ...patch }));
  const filtered = JSON.stringify({ ...draft, sort: "" }) !== JSON.stringify({ ...emptyFilters, sort: "" });

  return (
    <div className="space-y-4">
      <Card className="px-4 py-4 md:px-5">
        <form role="search" className="grid grid-cols-2 gap-3 md:grid-cols-12" onSubmit={(e) => (e.preventDefault(), setFilters(draft))}>
          <div className="col-span-2 md:col-span-4">
            <label htmlFor="filter-q" className="mb-1.5 block text-sm font-medium">Search</label>
            <div className="flex gap-2">
              <input id="filter-q" type="search" className={inputClass} placeholder="Words said, speaker or room" value={draft.q} onChange={(e) => set({ q: e.target.value })} maxLength={200} />
              <Button variant="secondary" className="md:hidden" aria-expanded={filtersOpen} aria-controls="more-filters" onClick={() => setFiltersOpen((o) => !o)}>
                Filters
              </Button>
            </div>
          </div>
          <div id="more-filters" className={`col-span-2 grid grid-cols-2 gap-3 md:col-span-8 md:grid md:grid-cols-8 ${filtersOpen ? "" : "max-md:hidden"}`}>
          <div className="col-span-2 md:col-span-4">
            <label htmlFor="filter-room" className="mb-1.5 block text-sm font-medium">Room</label>
            <input id="filter-room" list="room-names" className={inputClass} placeholder="Any room" value={draft.room} onChange={(e) => set({ room: e.target.value })} maxLength={200} />
            <datalist id="room-names">
              {roomNames.map((r) => (
                <option key={r} value={r} />
              ))}
            </datalist>
          </div>
          <div className="md:col-span-2">
            <label htmlFor="filter-from" className="mb-1.5 block text-sm font-medium">From</label>
            <input id="filter-from" type="date" className={inputClass} value={draft.from} onChange={(e) => set({ from: e.target.value })} />
          </div>
          <div className="md:col-span-2">
            <label htmlFor="filter-to" className="mb-1.5 block text-sm font-medium">To</label>
            <input id="filter-to" type="date" className={inputClass} value={draft.to} onChange={(e) => set({ to: e.target.value })} />
          </div>
          </div>
          <div className={`col-span-2 grid grid-cols-2 gap-3 md:col-span-12 md:grid md:grid-cols-12 ${filtersOpen ? "" : "max-md:hidden"}`}>
          <div className="md:col-span-3">
            <label htmlFor="filter-state" className="mb-1.5 block text-sm font-medium">State</label>
            <select id="filter-state" className={inputClass} value={draft.state} onChange={(e) => set({ state: e.target.value })}>
              <option value="">Any state</option>
              <option value="in_progress">In progress</option>
              <option value="ready">Ready</option>
              <option value="failed">Failed</option>
            </select>
          </div>
          <div className="md:col-span-3">
            <label htmlFor="filter-storage" className="mb-1.5 block text-sm font-medium">Storage</label>
            <select id="filter-storage" className={inputClass} value={draft.storage} onChange={(e) => set({ storage: e.target.value })}>
              <option value="">Any storage</option>
              <option value="HOSTED">Hosted</option>
              <option value="SELF_HOSTED">Your bucket</option>
            </select>
          </div>
          <div className="md:col-span-3">
            <label htmlFor="filter-sort" className="mb-1.5 block text-sm font-medium">Sort by</label>
            <select id="filter-sort" className={inputClass} value={draft.sort} onChange={(e) => set({ sort: e.target.value })}>
              <option value="startDate:desc">Newest first</option>
              <option value="startDate:asc">Oldest first</option>
              <option value="durationInSeconds:desc">Longest first</option>
              <option value="durationInSeconds:asc">Shortest first</option>
              <option value="roomName:asc">Room A–Z</option>
              <option value="roomName:desc">Room Z–A</option>
            </select>
          </div>
          <div className="flex items-end gap-2 md:col-span-3">
            {filtered && (
              <Button variant="ghost" onClick={() => setDraft({ ...emptyFilters, sort: draft.sort })}>
                Clear filters
              </Button>
            )}
          </div>
          </div>
        </form>
      </Card>

      {query.isError && <Alert tone="error">{(query.error as Error).message}</Alert>}

      <Card>
        <div className="flex min-h-14 items-center justify-between gap-3 border-b border-zinc-200 px-5 py-2.5 dark:border-zinc-800">
          <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {visibleSelected.length > 0
              ? `${visibleSelected.length} selected`
              : query.isFetching && !query.isFetchingNextPage
                ? "Updating…"
                : `${items.length}${query.hasNextPage ? "+" : ""} transcription${items.length === 1 ? "" : "s"}`}
          </p>
          {visibleSelected.length > 0 && (
            <BulkDelete
              items={visibleSelected}
              onDone={(ids) => {
                setSelected((prev) => new Set([...prev].filter((id) => !ids.includes(id))));
                queryClient.invalidateQueries({ queryKey: ["transcriptions"] });
              }}
            />
          )}
        </div>
        {items.length === 0 ? (
          filtered ? (
            <EmptyState icon={<TranscriptIcon />} title="Nothing matches">
              No transcription matches these filters. Try fewer words, or clear the filters.
            </EmptyState>
          ) : (
            <FirstRunChecklist isAdmin={isAdmin} hasRoom={roomNames.length > 0} hasSessions={hasSessions} />
          )
        ) : (
          <div className="md:overflow-x-auto">
            <table className="w-full text-left text-sm max-md:block">
              <thead className="text-xs uppercase tracking-wide text-zinc-600 max-md:sr-only dark:text-zinc-400">
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th className="w-10 py-2.5 pl-5">
                    <input
                      type="checkbox"
                      aria-label="Select all shown"
                      className="size-4 accent-brand-600"
                      checked={allSelected}
                      disabled={selectable.length === 0}
                      onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((i) => i.id)))}
                    />
                  </th>
                  <th className="px-2.5 py-2.5 font-medium">Room</th>
                  <th className="px-2.5 py-2.5 font-medium">Started</th>
                  <th className="px-2.5 py-2.5 font-medium">Duration</th>
                  <th className="px-2.5 py-2.5 font-medium">Participants</th>
                  {/* The language column gives way first on narrower screens, so the table fits without scrolling. */}
                  <th className="px-2.5 py-2.5 font-medium max-2xl:hidden">Language</th>
                  <th className="px-2.5 py-2.5 font-medium">Storage</th>
                  <th className="px-2.5 py-2.5 font-medium">State</th>
                  <th className="py-2.5 pl-2.5 pr-5 font-medium">Summary</th>
                </tr>
              </thead>
              <tbody className="max-md:block">
                {items.map((t) => (
                  <Row key={t.id} t={t} q={draft.q.trim()} checked={selected.has(t.id)} onToggle={() => toggle(t.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {query.hasNextPage && (
          <div className="border-t border-zinc-200 px-5 py-3 text-center dark:border-zinc-800">
            <Button variant="secondary" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? "Loading…" : "Show more"}
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}

// Below md each row is a card: the title on its own line, the details wrapping underneath (one DOM for both layouts).
const cell = "px-2.5 py-3 max-md:p-0 max-md:text-xs";

function Row({ t, q, checked, onToggle }: { t: DashboardTranscription; q: string; checked: boolean; onToggle: () => void }) {
  const running = t.state === "in_progress";
  const title = transcriptTitle(t);
  // The words searched for travel with the link, and the transcript page highlights them.
  const href = `/transcriptions/${t.id}${q ? `?q=${encodeURIComponent(q)}` : ""}`;
  return (
    <tr
      className="border-b border-zinc-100 align-top last:border-0 hover:bg-zinc-50/60 max-md:relative max-md:flex max-md:flex-wrap max-md:items-center max-md:gap-x-3 max-md:gap-y-1.5 max-md:py-3 max-md:pl-12 max-md:pr-4 dark:border-zinc-800/60 dark:hover:bg-zinc-800/30"
      data-testid="transcription-row"
    >
      <td className="py-3 pl-5 max-md:absolute max-md:left-4 max-md:top-3 max-md:p-0">
        <input
          type="checkbox"
          className="size-4 accent-brand-600"
          aria-label={`Select ${title}, ${t.startDate}`}
          checked={checked}
          disabled={running}
          title={running ? "Still in progress: it can be deleted once the session ends" : undefined}
          onChange={onToggle}
        />
      </td>
      <td className="max-w-60 px-2.5 py-3 max-md:w-full max-md:max-w-none max-md:p-0">
        <Link href={href} className="block truncate font-medium text-brand-700 hover:underline dark:text-brand-100" title={`View ${title}`}>
          {title}
        </Link>
        {title !== t.roomName && <span className="block truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{t.roomName}</span>}
      </td>
      <td className={`whitespace-nowrap text-zinc-600 dark:text-zinc-400 ${cell}`}>
        <FormattedDate iso={t.startDate} />
      </td>
      <td className={`whitespace-nowrap tabular-nums text-zinc-600 dark:text-zinc-400 ${cell}`}>
        <span className="md:hidden">· </span>
        {running ? "—" : formatSeconds(t.durationInSeconds)}
      </td>
      <td className={`max-w-40 text-zinc-600 max-md:order-last max-md:w-full max-md:max-w-none dark:text-zinc-400 ${cell}`}>
        <span className="line-clamp-2" title={t.participants.join(", ")}>
          {t.participants.length ? t.participants.join(", ") : "—"}
        </span>
      </td>
      <td className={`whitespace-nowrap text-zinc-600 max-2xl:hidden dark:text-zinc-400 ${cell}`}>{languageName(t.language)}</td>
      <td className={`whitespace-nowrap text-zinc-600 max-md:hidden dark:text-zinc-400 ${cell}`}>{storageLabel[t.storageType]}</td>
      <td className={cell}>
        <Badge tone={stateTone[t.state]}>
          {running && <span className="size-1.5 animate-pulse rounded-full bg-red-500" aria-hidden />}
          {stateLabel[t.state]}
        </Badge>
        {t.error && !t.saveStatus && <p className="mt-1 max-w-56 text-xs text-red-700 dark:text-red-300">{t.error}</p>}
        {t.saveStatus?.kind === "retrying" && (
          <p className="mt-1 max-w-56 text-xs text-red-700 dark:text-red-300">
            Saving to {t.saveStatus.where} failed, retrying at <FormattedDate iso={t.saveStatus.retryAt} />: {t.saveStatus.reason}
          </p>
        )}
      </td>
      <td className={`whitespace-nowrap py-3 pl-2.5 pr-5 text-zinc-600 dark:text-zinc-400 ${t.summaryState ? "" : "max-md:hidden"} max-md:p-0 max-md:text-xs`}>
        <span className="md:hidden">Summary: </span>
        {t.summaryState ? summaryLabel[t.summaryState] : "—"}
      </td>
    </tr>
  );
}

function BulkDelete({ items, onDone }: { items: DashboardTranscription[]; onDone: (ids: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(deleteTranscriptionsAction, null);
  useEffect(() => {
    if (state?.ok) {
      setOpen(false);
      onDone(state.data.ids);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);
  const count = items.length;
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={<Button variant="danger">Delete {count} selected</Button>}
      title={count === 1 ? "Delete this transcript?" : `Delete ${count} transcripts?`}
      description={
        count === 1
          ? "Its Markdown file (in hosted storage or your bucket) and every line of its text are deleted for good. This cannot be undone."
          : "Their Markdown files (in hosted storage or your bucket) and every line of their text are deleted for good. This cannot be undone."
      }
    >
      <form action={action} className="space-y-4">
        <ul className="max-h-48 space-y-1 overflow-y-auto rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/60" aria-label="Transcripts to delete">
          {items.map((t) => (
            <li key={t.id} className="flex justify-between gap-3">
              <input type="hidden" name="id" value={t.id} />
              <span className="truncate font-medium">{transcriptTitle(t)}</span>
              <span className="shrink-0 text-zinc-500">
                <FormattedDate iso={t.startDate} />
              </span>
            </li>
          ))}
        </ul>
        {state && !state.ok && <Alert tone="error">{state.error}</Alert>}
        <div className="flex justify-end gap-2">
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <SubmitButton variant="danger" pendingLabel="Deleting…">
            {count === 1 ? "Delete transcript" : `Delete ${count} transcripts`}
          </SubmitButton>
        </div>
      </form>
    </Dialog>
  );
}
