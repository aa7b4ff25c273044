// A database outage in the middle of a live session, in-process on a fresh embedded database cut in its client: how many final segments recognized during the session were not stored.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import { resetAppEnvForTests } from "@/lib/config/env";
import { resetAppKeyringForTests } from "@/lib/config/keyring";
import { useDatabase } from "@/lib/db/client";
import { roomSessions, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { subscribeLive } from "@/lib/pipeline/live/live-bus";
import { acceptAudioStream } from "@/lib/pipeline/participant-audio";
import { joinParticipant, leaveParticipant } from "@/lib/pipeline/participants";
import { settlePipelineTasks } from "@/lib/pipeline/tasks";
import { createRoom } from "@/lib/rooms/rooms";
import { createMeetingSchema } from "@/lib/rooms/validation";
import { cuttablePglite } from "@/lib/testing/db-outage";
import { composeSpeech, MEETING_SENTENCES } from "@/lib/testing/speech";
import { pacedPcmStream } from "./paced-audio";


export type OutageOutcome = { finals: number; finalsDuringOutage: number; stored: number; lost: number };

/**
 * One participant streams about 45 s of speech at real time; the database is cut `cutAtMs` in for `outageMs`, then
 * comes back; the participant leaves and the transcript is saved. Lost = final segments recognized (on the live bus)
 * that are not among the stored ones.
 */
export async function dbOutageMidSession(opts: { outageMs?: number; cutAtMs?: number; log?: (line: string) => void } = {}): Promise<OutageOutcome> {
  const log = opts.log ?? (() => {});
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "verbatim-outage-"));
  process.env.VERBATIM_DATA_DIR = dataDir;
  process.env.VERBATIM_ENCRYPTION_KEYS ??= `b1:${randomBytes(32).toString("base64")}`;
  process.env.VERBATIM_SPEECH_ENGINE = "pocketsphinx";
  resetAppEnvForTests();
  resetAppKeyringForTests();
  const database = await cuttablePglite();
  useDatabase(database.handle);
  const db = database.handle.db;
  try {
    const { account, user } = await createAccountWithAdmin(
      db,
      { accountName: "Outage", name: "Outage", email: "outage@example.com", password: "outage passphrase 1" },
      { onlyIfEmpty: false, via: "cli" },
    );
    const actor = { accountId: account.id, userId: user.id, role: "admin" as const, label: user.email, via: "session" as const };
    const { room } = await createRoom(
      db,
      actor,
      createMeetingSchema.parse({ endDate: new Date(Date.now() + 3600_000).toISOString(), liveTranscription: { startTrigger: "automatic" } }),
    );
    const { pcm } = await composeSpeech(MEETING_SENTENCES.map((text) => ({ text, voice: "slt" as const, pauseAfterMs: 2500 })));
    // As a media server with the account's API key would join its participant.
    const join = await joinParticipant(db, room, { participantId: "ana", displayName: "Ana" }, { apiKey: true });
    const transcriptionId = join.transcription.transcriptionId!;
    let finals = 0;
    let finalsDuringOutage = 0;
    let down = false;
    const unsubscribe = subscribeLive(room.id, (e) => {
      if (e.type !== "segment" || !e.data.final) return;
      finals++;
      if (down) finalsDuringOutage++;
    });
    const [session] = await db.select().from(roomSessions).where(eq(roomSessions.id, join.roomSessionId));
    const streamed = acceptAudioStream(db, session, "ana", pacedPcmStream(pcm));
    await new Promise((r) => setTimeout(r, opts.cutAtMs ?? 5_000));
    log(`  Database cut for ${(opts.outageMs ?? 30_000) / 1000} s…`);
    down = true;
    database.cut();
    await new Promise((r) => setTimeout(r, opts.outageMs ?? 30_000));
    database.restore();
    down = false;
    log(`  Database back; ${finalsDuringOutage} final segment(s) were recognized meanwhile.`);
    await streamed;
    await leaveParticipant(db, room, "ana");
    for (let i = 0; i < 600; i++) {
      const [t] = await db.select().from(transcriptions).where(eq(transcriptions.id, transcriptionId));
      if (t.state !== "in_progress") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await settlePipelineTasks();
    unsubscribe();
    const stored = (await db.select().from(transcriptSegments).where(eq(transcriptSegments.transcriptionId, transcriptionId))).length;
    return { finals, finalsDuringOutage, stored, lost: Math.max(0, finals - stored) };
  } finally {
    await database.handle.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
