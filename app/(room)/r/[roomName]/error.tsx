"use client";
// What the room page shows when it fails to load (the database busy or restarting): what happened and a retry, in the
// room's frame (without chrome when embedded).
import { useSearchParams } from "next/navigation";
import { RoomFrame } from "@/components/room/room-frame";
import { RoomUnavailable } from "@/components/room/room-unavailable";
import { RetryButton, TellReference } from "@/components/ui/retry-button";

export default function RoomError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const embedded = useSearchParams().get("embed") === "1";
  return (
    <RoomFrame embed={embedded ? { theme: "auto", lang: "en" } : null}>
      <RoomUnavailable title="This room could not be loaded">
        <p>
          Something went wrong on the server, often for a moment only. <TellReference whom="the organizer" digest={error.digest} />
        </p>
        <div className="mt-5">
          <RetryButton reset={reset} />
        </div>
      </RoomUnavailable>
    </RoomFrame>
  );
}
