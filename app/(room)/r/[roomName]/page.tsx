// The room page (roomUrl, and hostRoomUrl with ?roomKey=…): what a participant opens to join a session (a locked room:
// the host only). With ?embed=1 it is the inside of <verbatim-room> (public/embed.js): no chrome, the element's theme,
// language, name and transcript choice, and messages to the embedding page when its origin is one the account allows.
import type { Metadata } from "next";
import { getDb } from "@/lib/db/client";
import { getRoomByName, isRoomOpen, verifyRoomKey } from "@/lib/rooms/rooms";
import { roomTranscriptionState } from "@/lib/pipeline/room-state";
import { participantsMayDownload } from "@/lib/pipeline/room-downloads";
import { getAccountRoomPageSettings } from "@/lib/settings/account-settings";
import { isEmbedOriginAllowed } from "@/lib/settings/embed-origins";
import { RoomClient, type EmbedOptions } from "@/components/room/room-client";
import { RoomUnavailable } from "@/components/room/room-unavailable";
import { RoomFrame, type EmbedTheme } from "@/components/room/room-frame";
import { EmbedProblem } from "@/components/room/embed-problem";

export const metadata: Metadata = { title: "Room", robots: { index: false, follow: false } };

// Room names are "<prefix->" + 32 hex digits; anything else cannot be a room and is not looked up.
const roomNamePattern = /^[a-z0-9-]{1,80}$/;

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** The embed query (?embed=1&origin=…&theme=…&lang=…&name=…&hideTranscript=1), read leniently: a bad value is the default. */
function embedQuery(search: Search) {
  if (one(search.embed) !== "1") return null;
  const theme = one(search.theme);
  const lang = one(search.lang);
  return {
    origin: one(search.origin) ?? null,
    theme: (theme === "light" || theme === "dark" ? theme : "auto") as EmbedTheme,
    lang: lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang) ? lang : "en",
    displayName: (one(search.name) ?? "").trim().slice(0, 80),
    hideTranscript: one(search.hideTranscript) === "1",
  };
}

export default async function RoomPage({ params, searchParams }: { params: Promise<{ roomName: string }>; searchParams: Promise<Search> }) {
  const { roomName } = await params;
  const search = await searchParams;
  const rawKey = one(search.roomKey);
  const roomKey = rawKey ? rawKey : null;
  const embed = embedQuery(search);
  const frame = embed ? { theme: embed.theme, lang: embed.lang } : null;
  const db = await getDb();
  const room = roomNamePattern.test(roomName) ? await getRoomByName(db, `/${roomName}`) : null;
  if (!room) {
    return (
      <RoomFrame embed={frame}>
        <RoomUnavailable title="Room not found">
          There is no room at this address. Check the link you were given, or ask the organizer for a new one.
        </RoomUnavailable>
      </RoomFrame>
    );
  }
  const pageSettings = embed ? await getAccountRoomPageSettings(db, room.accountId) : null;
  // The page only ever talks to an origin the account lists; frame-ancestors (proxy.ts) keeps other pages from framing it.
  const parentOrigin = embed && isEmbedOriginAllowed(pageSettings!.embedOrigins, embed.origin) ? embed.origin! : null;
  if (!isRoomOpen(room)) {
    return (
      <RoomFrame embed={frame}>
        {parentOrigin && <EmbedProblem parentOrigin={parentOrigin} code="room_ended" message="This room has ended; ask the organizer for a new room link." />}
        <RoomUnavailable title="This room has ended">
          It was open until {room.endDate.toUTCString()}. Ask the organizer for a new room link.
        </RoomUnavailable>
      </RoomFrame>
    );
  }
  const hostKeyValid = roomKey ? verifyRoomKey(room, roomKey) : false;
  if (room.isLocked && !hostKeyValid) {
    return (
      <RoomFrame embed={frame}>
        {parentOrigin && <EmbedProblem parentOrigin={parentOrigin} code="room_locked" message="This room is locked: only the host can join it, with the host link." />}
        <RoomUnavailable title="This room is locked">
          Only the host can join it, with the host link. Ask the organizer to unlock the room or to send you a new link.
        </RoomUnavailable>
      </RoomFrame>
    );
  }
  if (embed && !parentOrigin) {
    return (
      <RoomFrame embed={frame}>
        <RoomUnavailable title="This site may not embed the room">
          {embed.origin ? <span className="font-mono">{embed.origin}</span> : "This page"} is not among the sites allowed to embed this account&apos;s
          rooms. An admin of the account can add it in Configure → Transcription → Sites allowed to embed rooms.
        </RoomUnavailable>
      </RoomFrame>
    );
  }
  const [initial, participantDownloads] = await Promise.all([roomTranscriptionState(db, room), participantsMayDownload(db, room)]);
  const embedOptions: EmbedOptions | null = embed
    ? { parentOrigin: parentOrigin!, displayName: embed.displayName, hideTranscript: embed.hideTranscript }
    : null;
  return (
    <RoomFrame embed={frame}>
      <RoomClient
        roomName={roomName}
        displayRoomName={room.roomName}
        roomTitle={room.title}
        roomKey={roomKey}
        hostKeyValid={hostKeyValid}
        initial={initial}
        participantDownloads={participantDownloads}
        embed={embedOptions}
      />
    </RoomFrame>
  );
}
