// The API's transcription object (api.md, Transcriptions), from a transcriptions row.
import type { transcriptions } from "@/lib/db/schema";

export type TranscriptionRow = typeof transcriptions.$inferSelect;

export type TranscriptionJson = {
  transcriptionId: string;
  roomSessionId: string;
  roomName: string;
  filename: string;
  startDate: string;
  /** null while in progress */
  endDate: string | null;
  createdAt: string;
  state: "in_progress" | "ready" | "failed";
  /** null while in progress */
  durationInSeconds: number | null;
  type: "LIVE_TRANSCRIPTION";
  storageType: "HOSTED" | "SELF_HOSTED";
  language: string;
  /** The speech engine that produced it (an id such as "pocketsphinx"); null when none was chosen or before engines were recorded. */
  engine: string | null;
};

type Fields = Pick<
  TranscriptionRow,
  "id" | "roomSessionId" | "roomName" | "filename" | "startedAt" | "endedAt" | "createdAt" | "state" | "durationSeconds" | "storageType" | "language" | "engineId"
>;

export function transcriptionJson(row: Fields): TranscriptionJson {
  return {
    transcriptionId: row.id,
    roomSessionId: row.roomSessionId,
    roomName: row.roomName,
    filename: row.filename,
    startDate: row.startedAt.toISOString(),
    endDate: row.endedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    state: row.state,
    durationInSeconds: row.durationSeconds ?? null,
    type: "LIVE_TRANSCRIPTION",
    storageType: row.storageType,
    language: row.language,
    engine: row.engineId,
  };
}
