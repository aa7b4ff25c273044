// Downloads from the room page: who in a room may get a transcript of one of its sessions, and the short-lived signed
// links they are given; and the file a valid link opens. The host (room key, host token) and API keys always may;
// a participant of that session only when the room (or, by default, its account) lets participants download.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { sessionParticipants, transcriptions } from "@/lib/db/schema";
import { AppError, CodedError, forbidden, notFound, type DownloadLinkErrorCode } from "@/lib/errors";
import type { Room } from "@/lib/rooms/rooms";
import { getAccountRoomPageSettings, resolveParticipantDownloads } from "@/lib/settings/account-settings";
import { downloadLinkKey, roomDownloadFormats, signDownloadLink, verifyDownloadLink, type RoomDownloadFormat } from "@/lib/transcripts/download-links";
import { transcriptDownload, type TranscriptDownload } from "@/lib/transcripts/transcript-content";
import { isTranscriptionId } from "@/lib/transcripts/transcriptions";

/** Who asks for links: the host by the room key, an API key of the account, or a participant by its token's claims. */
export type DownloadRequester = { kind: "host_key" } | { kind: "api_key" } | { kind: "participant"; roomSessionId: string; participantId: string };

export type RoomDownloadLinks = {
  transcriptionId: string;
  /** When the links stop working (epoch ms), as GET /transcriptions/{id}/access-link says it. */
  expires: number;
  links: Record<RoomDownloadFormat, string>;
};

/** Whether participants (not only the host) may download this room's transcripts: the room's choice, else the account's. */
export async function participantsMayDownload(db: Db, room: Room): Promise<boolean> {
  const account = await getAccountRoomPageSettings(db, room.accountId);
  return resolveParticipantDownloads(account.participantDownloads, room.overrideParticipantDownloads).value;
}

const notReadyYet = () => new AppError("conflict", "The transcript is not ready yet: the transcription is still running or being saved. Try again in a few seconds.");

/** Signed links to the .md, .txt and .vtt files of a finished transcription of this room, for a requester allowed them. */
export async function roomDownloadLinks(db: Db, room: Room, requester: DownloadRequester, transcriptionId: string, now = Date.now()): Promise<RoomDownloadLinks> {
  if (!isTranscriptionId(transcriptionId)) throw notFound();
  const [row] = await db
    .select({ id: transcriptions.id, roomSessionId: transcriptions.roomSessionId, phase: transcriptions.phase, error: transcriptions.error })
    .from(transcriptions)
    .where(and(eq(transcriptions.id, transcriptionId.toLowerCase()), eq(transcriptions.roomId, room.id), eq(transcriptions.accountId, room.accountId)));
  if (!row) throw notFound();

  if (requester.kind === "participant") {
    if (requester.roomSessionId !== row.roomSessionId) {
      throw forbidden("Only the people who were in this session can download its transcript; this participant token is for another session of the room");
    }
    const [me] = await db
      .select({ role: sessionParticipants.role })
      .from(sessionParticipants)
      .where(and(eq(sessionParticipants.roomSessionId, row.roomSessionId), eq(sessionParticipants.participantId, requester.participantId)));
    if (!me) throw forbidden("Only the people who were in this session can download its transcript");
    // Whether it is saved yet is said to everyone who was there (the room page tells guests "saved"); the files only
    // to those allowed them.
    if (row.phase === "running" || row.phase === "saving") throw notReadyYet();
    if (me.role !== "host" && !(await participantsMayDownload(db, room))) {
      throw forbidden(
        row.phase === "ready"
          ? "The transcript is saved for the room's owners. Only the host can download it here; ask the host for a copy"
          : "Only the host can download the transcript of this room; ask the host for a copy",
      );
    }
  }
  if (row.phase === "running" || row.phase === "saving") throw notReadyYet();
  // Nothing was said, or the engine could not start: the stored reason says which.
  if (row.phase === "start_failed") throw new AppError("conflict", row.error ?? "This transcription could not start, so there is no transcript to download");

  const key = downloadLinkKey();
  const signed = roomDownloadFormats.map((format) => [format, signDownloadLink({ key, transcriptionId: row.id, format, now })] as const);
  return {
    transcriptionId: row.id,
    expires: signed[0][1].expires,
    links: Object.fromEntries(signed.map(([format, link]) => [format, link.url])) as Record<RoomDownloadFormat, string>,
  };
}

/** Why a link opens nothing, said to whoever clicked it. */
export class DownloadLinkError extends CodedError<DownloadLinkErrorCode | "not_found"> {
  declare readonly status: 403 | 404 | 410;
  constructor(status: 403 | 404 | 410, message: string) {
    super(status === 403 ? "link_invalid" : status === 410 ? "link_expired" : "not_found", message, status);
    this.name = "DownloadLinkError";
  }
}

/** The file a signed link opens, after checking the link; a forged, expired or dead link throws a DownloadLinkError. */
export async function openDownloadLink(db: Db, args: { transcriptionId: string; format: string; expires: string | null; signature: string | null }): Promise<TranscriptDownload> {
  if (!(roomDownloadFormats as readonly string[]).includes(args.format) || !isTranscriptionId(args.transcriptionId)) {
    throw new DownloadLinkError(404, "There is no such download. Use a link from the room page.");
  }
  const check = verifyDownloadLink({ key: downloadLinkKey(), ...args });
  if (check === "bad_signature") {
    throw new DownloadLinkError(403, "This download link is not valid: it was changed, or it was not made by this server. Get a new link from the room page.");
  }
  if (check === "expired") {
    throw new DownloadLinkError(410, "This download link has expired (links work for 10 minutes). Get a new link from the room page.");
  }
  const [row] = await db.select({ accountId: transcriptions.accountId }).from(transcriptions).where(eq(transcriptions.id, args.transcriptionId.toLowerCase()));
  if (!row) throw new DownloadLinkError(404, "This transcript no longer exists; it may have been deleted.");
  return transcriptDownload(db, row.accountId, args.transcriptionId, args.format as RoomDownloadFormat);
}
