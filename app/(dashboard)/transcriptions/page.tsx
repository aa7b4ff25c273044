// The transcriptions list: search, sort and page through the account's transcripts.
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { PageHeader } from "@/components/ui/page-header";
import { accountHasSessions, dashboardTranscriptionPage, roomNameSuggestions } from "@/lib/transcripts/dashboard-list";
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
  const [firstPage, roomNames, hasSessions] = await Promise.all([
    dashboardTranscriptionPage(db, user.accountId, transcriptionListFiltersSchema.parse({})),
    roomNameSuggestions(db, user.accountId),
    accountHasSessions(db, user.accountId),
  ]);
  return (
    <>
      <PageHeader title="Transcriptions" description="Every transcribed session of your account: search, read, download or delete." />
      <TranscriptionsClient
        initialPage={firstPage}
        roomNames={roomNames}
        isAdmin={user.role === "admin"}
        hasSessions={hasSessions}
        initialFilters={initialFilters}
      />
    </>
  );
}
