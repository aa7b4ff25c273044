// The transcriptions list: search, sort and page through the account's transcripts.
import { redirect } from "next/navigation";
import { and, asc, eq, isNull } from "drizzle-orm";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { rooms, roomSessions } from "@/lib/db/schema";
import { PageHeader } from "@/components/ui/page-header";
import { dashboardTranscriptionPage } from "@/lib/transcripts/dashboard-list";
import { transcriptionListFiltersSchema } from "@/lib/transcripts/validation";
import { TranscriptionsClient } from "./transcriptions-client";

export const metadata = { title: "Transcriptions" };
export const dynamic = "force-dynamic";

export default async function TranscriptionsPage({ searchParams }: { searchParams: Promise<{ room?: string; q?: string }> }) {
  // A room's session count on the Rooms page links here with ?room=…, already filtered.
  const { room, q } = await searchParams;
  const initialFilters = { room: typeof room === "string" ? room.slice(0, 200) : "", q: typeof q === "string" ? q.slice(0, 200) : "" };
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const db = await getDb();
  const [firstPage, roomNames, sessions] = await Promise.all([
    dashboardTranscriptionPage(db, user.accountId, transcriptionListFiltersSchema.parse({})),
    // For the room filter's suggestions.
    db
      .select({ roomName: rooms.roomName })
      .from(rooms)
      .where(and(eq(rooms.accountId, user.accountId), isNull(rooms.deletedAt)))
      .orderBy(asc(rooms.roomName))
      .limit(500),
    // Whether anyone ever joined a room: the first-run checklist ticks "open the host link" with it.
    db.select({ id: roomSessions.id }).from(roomSessions).where(eq(roomSessions.accountId, user.accountId)).limit(1),
  ]);
  return (
    <>
      <PageHeader title="Transcriptions" description="Every transcribed session of your account: search, read, download or delete." />
      <TranscriptionsClient
        initialPage={firstPage}
        roomNames={roomNames.map((r) => r.roomName)}
        isAdmin={user.role === "admin"}
        hasSessions={sessions.length > 0}
        initialFilters={initialFilters}
      />
    </>
  );
}
