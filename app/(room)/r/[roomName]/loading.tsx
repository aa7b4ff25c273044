// What the room page shows while it looks the room up: a quiet placeholder without the frame, since an embedded room
// (<verbatim-room>) must not flash the full page's chrome.
export default function RoomLoading() {
  return (
    <div role="status" aria-busy="true" aria-live="polite" className="flex min-h-screen items-center justify-center">
      <span className="size-5 animate-spin rounded-full border-2 border-zinc-400 border-t-transparent" aria-hidden />
      <span className="sr-only">Loading the room…</span>
    </div>
  );
}
