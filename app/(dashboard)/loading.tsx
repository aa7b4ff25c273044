// What a dashboard page shows while its data loads: the page's frame with placeholders, so the layout never jumps.
export default function DashboardLoading() {
  return (
    <div role="status" aria-busy="true" aria-live="polite" className="animate-pulse">
      <span className="sr-only">Loading…</span>
      <div className="mb-6 h-8 w-56 rounded-md bg-zinc-200 dark:bg-zinc-800" />
      <div className="mb-8 h-4 w-96 max-w-full rounded bg-zinc-100 dark:bg-zinc-800/60" />
      <div className="space-y-3 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
        {[0, 1, 2, 3, 4].map((i) => (
          <div key={i} className="h-5 rounded bg-zinc-100 dark:bg-zinc-800/60" />
        ))}
      </div>
    </div>
  );
}
