// Test factories for summaries: an account with an admin, and a transcription (room, session, segments) stored as the pipeline stores them.
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { roomSessions, rooms, transcriptions, transcriptSegments } from "@/lib/db/schema";
import { createAccountWithAdmin } from "@/lib/accounts/accounts";
import type { Actor } from "@/lib/actor";
import type { TranscriptSegment } from "@/lib/summaries/engines/types";
import { FIXTURE_PHASE } from "@/lib/transcripts/testing";

let accounts = 0;

export async function createTestAccount(db: Db): Promise<{ admin: Actor; accountId: string }> {
  accounts += 1;
  const tag = randomBytes(4).toString("hex");
  const { account, user } = await createAccountWithAdmin(
    db,
    { accountName: `Summaries ${accounts}`, name: `Admin ${accounts}`, email: `sum-${tag}@example.com`, password: "correct horse battery" },
    { onlyIfEmpty: false, via: "cli" },
  );
  return { accountId: account.id, admin: { accountId: account.id, userId: user.id, role: "admin", label: user.email, via: "session" } };
}

export type SeedTranscription = {
  segments?: readonly TranscriptSegment[];
  state?: "in_progress" | "ready" | "failed";
  storageType?: "HOSTED" | "SELF_HOSTED";
  language?: string;
  roomName?: string;
  startedAt?: Date;
};

/** A transcription of `accountId` with its room and session, and its final segments in transcript_segments. */
export async function seedTranscription(db: Db, accountId: string, seed: SeedTranscription = {}) {
  const startedAt = seed.startedAt ?? new Date(Date.now() - 3600_000);
  const state = seed.state ?? "ready";
  const roomName = seed.roomName ?? `/sum-${randomBytes(16).toString("hex")}`;
  const segments = seed.segments ?? [];
  const lastMs = segments.reduce((max, s) => Math.max(max, s.endMs), 0);
  const endedAt = state === "in_progress" ? null : new Date(startedAt.getTime() + lastMs + 1000);
  const roomId = randomUUID();
  await db.insert(rooms).values({
    id: roomId,
    accountId,
    roomName,
    roomKeySealed: "not-a-real-sealed-key",
    startDate: startedAt,
    endDate: new Date(startedAt.getTime() + 24 * 3600_000),
    language: seed.language ?? "en",
    createdAt: startedAt,
  });
  const [session] = await db
    .insert(roomSessions)
    .values({ accountId, roomId, startedAt, endedAt })
    .returning();
  const [transcription] = await db
    .insert(transcriptions)
    .values({
      accountId,
      roomId,
      roomSessionId: session.id,
      roomName,
      language: seed.language ?? "en",
      phase: FIXTURE_PHASE[state],
      startedAt,
      endedAt,
      durationSeconds: endedAt ? Math.round((endedAt.getTime() - startedAt.getTime()) / 1000) : null,
      filename: `${roomName.slice(1)}-${startedAt.toISOString()}.md`,
      storageType: seed.storageType ?? "HOSTED",
      destination: JSON.stringify({ provider: seed.storageType === "SELF_HOSTED" ? "s3" : "hosted" }),
    })
    .returning();
  if (segments.length > 0) {
    await db.insert(transcriptSegments).values(segments.map((s) => ({ ...s, accountId, transcriptionId: transcription.id })));
  }
  return transcription;
}
