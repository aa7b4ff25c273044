// The 12-hour cut: this instance's transcriptions that ran 12 hours stop and are saved like any stopped one.
import { and, eq, lte } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { roomSessions, transcriptions } from "@/lib/db/schema";
import { mayOwn } from "@/lib/pipeline/lease";
import { ownedRuntimes } from "@/lib/pipeline/runtime-registry";
import { MAX_TRANSCRIPTION_MS, cutTranscription } from "@/lib/pipeline/session/sessions";
import { applyChange } from "@/lib/pipeline/transcription-changes";

/** Cuts this instance's transcriptions that reached 12 hours; each is saved like any stopped one. */
export async function cutOverdueTranscriptions(db: Db, now = new Date()): Promise<string[]> {
  const cut: string[] = [];
  const overdue = await db
    .select()
    .from(transcriptions)
    .where(
      and(eq(transcriptions.phase, "running"), lte(transcriptions.startedAt, new Date(now.getTime() - MAX_TRANSCRIPTION_MS))),
    );
  for (const t of overdue) {
    const [session] = await db.select().from(roomSessions).where(eq(roomSessions.id, t.roomSessionId));
    if (!session || !mayOwn(session, now)) continue; // the owner's own sweep cuts it
    const change = await cutTranscription(db, t.id, now);
    if (!change) continue;
    cut.push(t.id);
    // As any stop: the finalize claim is held while the tracks flush, so no other instance saves it without them.
    applyChange(ownedRuntimes().get(session.id), db, change);
  }
  return cut;
}
