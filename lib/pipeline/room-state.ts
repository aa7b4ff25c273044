// What a room looks like live: its transcription state (room page, live streams) and GET /rooms/{roomName}'s snapshot.
import type { Db } from "@/lib/db/client";
import { getEffectiveRoomSettings, type Room } from "@/lib/rooms/rooms";
import type { LiveTranscriptionState } from "@/lib/pipeline/live/live-bus";
import { ownedRuntimes } from "@/lib/pipeline/runtime-registry";
import { getOpenSession, openOffRecordSpan, presentParticipants, runningTranscription, type SessionRow } from "@/lib/pipeline/session/sessions";

/** The room's transcription state as the room page and GET /rooms/{roomName} show it. */
export async function roomTranscriptionState(db: Db, room: Room, session?: SessionRow | null): Promise<LiveTranscriptionState> {
  const settings = await getEffectiveRoomSettings(db, room);
  const open = session === undefined ? await getOpenSession(db, room.id) : session;
  const running = open ? await runningTranscription(db, open.id) : undefined;
  const rt = open ? ownedRuntimes().get(open.id) : undefined;
  const offRecord = running ? await openOffRecordSpan(db, running.id) : undefined;
  return {
    state: running ? "in_progress" : "idle",
    transcriptionId: running?.id ?? null,
    offTheRecordSince: offRecord?.startedAt.toISOString() ?? null,
    startTrigger: settings.effective.enabled ? settings.effective.startTrigger : "none",
    language: settings.effective.language,
    degraded: rt?.degraded() ?? null,
  };
}

/**
 * GET /rooms/{roomName}: no secrets. Participant ids only for the account's API key (a media server acting for its
 * participants): for anyone with the room link they are none of their business.
 */
export async function roomSnapshot(db: Db, room: Room, opts: { withParticipantIds: boolean }) {
  const session = (await getOpenSession(db, room.id)) ?? null;
  const participants = session ? await presentParticipants(db, session.id) : [];
  return {
    roomName: room.roomName,
    roomSessionId: session?.id ?? null,
    transcription: await roomTranscriptionState(db, room, session),
    participants: participants.map((p) => ({
      ...(opts.withParticipantIds ? { participantId: p.participantId } : {}),
      displayName: p.displayName,
      role: p.role,
      transcribed: !p.notTranscribed,
    })),
  };
}
