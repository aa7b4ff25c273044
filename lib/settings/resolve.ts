// A room's effective transcription settings: the account defaults overridden field by field by the room's own.
import type { TranscriptionLanguage } from "@/lib/speech/languages";
import { transcribesAtAll, type StartTrigger } from "@/lib/start-triggers";
import type { Destination, TranscriptionSettings } from "./types";

/** What a room itself says; null means "follow the account default", including its later changes. */
export type RoomOverrides = {
  /** Fixed when the room is created: the requested language, or the account default of that moment. */
  language: TranscriptionLanguage;
  /** Whether the creator chose the language (true) or it was copied from the account default (false). */
  languageFromRoom: boolean;
  startTrigger: StartTrigger | null;
  /** The room's own list replaces the account's (it is not merged with it). */
  vocabulary: string[] | null;
  destination: Destination | null;
};

export type SettingsField = "enabled" | "startTrigger" | "language" | "vocabulary" | "destination";
export type SettingSource = "room" | "account";

export type ResolvedRoomSettings = {
  effective: TranscriptionSettings;
  source: Record<SettingsField, SettingSource>;
};

/**
 * Field by field:
 * - startTrigger: the room's when set, else the account's.
 * - enabled: a room has no on/off of its own; its start trigger is its switch. A room trigger of "none" makes
 *   transcription unavailable in the room, any other room trigger makes it available (the creator asked for it in
 *   the room's liveTranscription block), and a room without a trigger follows the account's on/off.
 * - language: always the room's, since it is fixed at creation; the source says who chose it.
 * - vocabulary: the room's list when set (even an empty one), else the account's.
 * - destination: the room's when set, else the account's.
 */
export function resolveRoomSettings(account: TranscriptionSettings, room: RoomOverrides): ResolvedRoomSettings {
  const triggerFromRoom = room.startTrigger !== null;
  const startTrigger = room.startTrigger ?? account.startTrigger;
  // A room's own trigger decides alone; one that follows the account also follows its on/off.
  const enabled = transcribesAtAll(startTrigger) && (triggerFromRoom || account.enabled);
  return {
    effective: {
      enabled,
      startTrigger,
      language: room.language,
      vocabulary: room.vocabulary ?? account.vocabulary,
      destination: room.destination ?? account.destination,
    },
    source: {
      enabled: triggerFromRoom ? "room" : "account",
      startTrigger: triggerFromRoom ? "room" : "account",
      language: room.languageFromRoom ? "room" : "account",
      vocabulary: room.vocabulary ? "room" : "account",
      destination: room.destination ? "room" : "account",
    },
  };
}
