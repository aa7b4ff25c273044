// A speech engine's failure on a track, recorded on its transcription so the dashboard shows it instead of silence.
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { transcriptions } from "@/lib/db/schema";

/** Marks an engine error in `transcriptions.error`, so saving the transcript keeps it (an upload error it clears). */
export const ENGINE_ERROR_PREFIX = "Speech engine: ";

/**
 * Records the first engine error of a running transcription (a refused key fails every track the same way; one
 * message says it). The transcription goes on: other tracks, and this participant's next audio, are still transcribed.
 */
export async function recordEngineError(db: Db, transcriptionId: string, message: string): Promise<void> {
  await db
    .update(transcriptions)
    .set({ error: `${ENGINE_ERROR_PREFIX}${message}`, updatedAt: new Date() })
    .where(
      and(
        eq(transcriptions.id, transcriptionId),
        eq(transcriptions.state, "in_progress"),
        or(isNull(transcriptions.error), sql`${transcriptions.error} not like ${`${ENGINE_ERROR_PREFIX}%`}`),
      ),
    );
}

/** The error to keep when the transcript is saved: an engine error stays, anything else (a past upload failure) goes. */
export const keptOnSave = sql<string | null>`case when ${transcriptions.error} like ${`${ENGINE_ERROR_PREFIX}%`} then ${transcriptions.error} else null end`;
