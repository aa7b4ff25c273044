// The room page (roomUrl, and hostRoomUrl with ?roomKey=…): what a participant opens to join a session (a locked room: the host only).
import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { getRoomByName, isRoomOpen, verifyRoomKey } from "@/lib/rooms/rooms";
import { roomTranscriptionState } from "@/lib/pipeline/service";
import { RoomClient } from "@/components/room/room-client";
import { RoomUnavailable } from "@/components/room/room-unavailable";

export const metadata: Metadata = { title: "Room", robots: { index: false, follow: false } };

// Room names are "<prefix->" + 32 hex digits; anything else cannot be a room and is not looked up.
const roomNamePattern = /^[a-z0-9-]{1,80}$/;

export default async function RoomPage({ params, searchParams }: { params: Promise<{ roomName: string }>; searchParams: Promise<{ roomKey?: string | string[] }> }) {
  const { roomName } = await params;
  const { roomKey: rawKey } = await searchParams;
  const roomKey = typeof rawKey === "string" && rawKey ? rawKey : null;
  const db = await getDb();
  const room = roomNamePattern.test(roomName) ? await getRoomByName(db, `/${roomName}`) : null;
  if (!room) {
    return (
      <RoomUnavailable title="Room not found">
        There is no room at this address. Check the link you were given, or ask the organizer for a new one.
      </RoomUnavailable>
    );
  }
  if (!isRoomOpen(room)) {
    return (
      <RoomUnavailable title="This room has ended">
        It was open until {room.endDate.toUTCString()}. Ask the organizer for a new room link.
      </RoomUnavailable>
    );
  }
  const hostKeyValid = roomKey ? verifyRoomKey(room, roomKey) : false;
  if (room.isLocked && !hostKeyValid) {
    return (
      <RoomUnavailable title="This room is locked">
        Only the host can join it, with the host link. Ask the organizer to unlock the room or to send you a new link.
      </RoomUnavailable>
    );
  }
  const initial = await roomTranscriptionState(db, room);
  return (
    <RoomClient
      roomName={roomName}
      displayRoomName={room.roomName}
      roomTitle={room.title}
      roomKey={roomKey}
      hostKeyValid={hostKeyValid}
      initial={initial}
    />
  );
}
