"use client";
// Who is in the room and for how long: the room's public snapshot, polled while joined, and a timer since joining.
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";

export type Present = { participantId: string; displayName: string; role: "host" | "guest"; transcribed?: boolean };

const PRESENCE_POLL_MS = 5000;

/** The people in the room, from GET /api/v1/rooms/{roomName}, refreshed every few seconds while `active`. */
export function usePresentParticipants(roomUrl: string, active: boolean): Present[] {
  const [present, setPresent] = useState<Present[]>([]);
  useEffect(() => {
    if (!active) return setPresent([]);
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch(roomUrl, { cache: "no-store" });
        if (res.ok && !cancelled) setPresent(((await res.json()) as { participants: Present[] }).participants);
      } catch {
        // Offline for a moment: the next poll tries again.
      }
    };
    void load();
    const timer = setInterval(load, PRESENCE_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [roomUrl, active]);
  return present;
}

/** "04:12" since `since` (ms epoch), ticking every second; "" without one. */
export function useSessionClock(since: number | null): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  if (since === null) return "";
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

export function ParticipantList({ participants }: { participants: Present[] }) {
  if (participants.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-1.5 border-b border-zinc-200 px-5 py-2.5 text-sm dark:border-zinc-800">
      <span className="mr-1 text-xs text-zinc-600 dark:text-zinc-400">In the room ({participants.length}):</span>
      <ul className="contents" aria-label="People in the room" data-testid="participants">
        {participants.map((p) => (
          <li key={p.participantId}>
            <Badge tone={p.role === "host" ? "brand" : "gray"}>
              {p.displayName}
              {p.role === "host" ? " · host" : ""}
              {p.transcribed === false ? " · not transcribed" : ""}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}
