// The meeting object of the REST API, shaped from a room row; secrets never leave this function.
import type { Room } from "./rooms";
import { hostRoomUrl, roomUrl } from "./rooms";

export type MeetingJson = {
  meetingId: string;
  roomName: string;
  roomUrl: string;
  startDate: string;
  endDate: string;
  hostRoomUrl?: string;
};

/** What POST /meetings answers, exactly as api.md lists it: the five fields, plus hostRoomUrl when asked for. */
export function createdMeetingJson(room: Room, opts: { hostRoomUrl: boolean }): MeetingJson {
  return {
    meetingId: room.id,
    roomName: room.roomName,
    roomUrl: roomUrl(room),
    startDate: room.startDate.toISOString(),
    endDate: room.endDate.toISOString(),
    ...(opts.hostRoomUrl ? { hostRoomUrl: hostRoomUrl(room) } : {}),
  };
}

/**
 * What GET answers: the same fields, plus the room's mode, lock and its own liveTranscription settings (null where
 * the room follows the account; the language is always the room's, fixed at creation). The S3 secret is left out.
 */
export function meetingJson(room: Room, opts: { hostRoomUrl: boolean }) {
  return {
    ...createdMeetingJson(room, opts),
    title: room.title,
    roomMode: room.roomMode,
    isLocked: room.isLocked,
    liveTranscription: {
      language: room.language,
      startTrigger: room.overrideStartTrigger,
      vocabulary: room.overrideVocabulary,
      destination:
        room.overrideStorage === "s3"
          ? {
              provider: "s3" as const,
              authenticationType: "accessKey" as const,
              bucket: room.overrideS3Bucket!,
              region: room.overrideS3Region!,
              accessKeyId: room.overrideS3AccessKeyId!,
              endpoint: room.overrideS3Endpoint,
              // Extension, shown only when the room asks for a checksum on every upload (a bucket with Object Lock).
              ...(room.overrideS3ChecksumMode === "whenSupported" ? { checksumMode: room.overrideS3ChecksumMode } : {}),
            }
          : room.overrideStorage === "hosted"
            ? { provider: "hosted" as const }
            : null,
      // Extension: null follows the account's setting.
      participantDownloads: room.overrideParticipantDownloads,
    },
  };
}
