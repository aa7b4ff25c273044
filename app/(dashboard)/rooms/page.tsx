// The rooms page: the account's rooms with their effective settings and where each setting comes from.
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getAccountRoomPageSettings, getAccountTranscriptionSettings, resolveParticipantDownloads } from "@/lib/settings/account-settings";
import { configuredEngineLanguages, supportedLanguages } from "@/lib/speech/engine-languages";
import { languageName } from "@/lib/speech/languages";
import type { Destination } from "@/lib/settings/types";
import { effectiveRoomSettingsFrom, isRoomOpen, listRooms, roomLinksFor } from "@/lib/rooms/rooms";
import { countSessionsByRoom, liveRoomIds } from "@/lib/rooms/session-counts";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { RoomsClient, type RoomView, type CreateOptions } from "./rooms-client";
import { startTriggerLabels, type StartTrigger } from "@/lib/start-triggers";

export const metadata = { title: "Rooms" };

const PAGE_SIZE = 50;

const storageLabel = (d: Destination) => (d.provider === "s3" ? `S3: ${d.bucket}` : "Hosted");
// A few entries, then how many more: a room may list 100.
const vocabularyLabel = (v: string[]) => (v.length <= 3 ? v.join(", ") : `${v.slice(0, 3).join(", ")} and ${v.length - 3} more`);

export default async function RoomsPage({ searchParams }: { searchParams: Promise<{ cursor?: string; q?: string; create?: string }> }) {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const db = await getDb();
  const { cursor, q, create } = await searchParams;
  const search = typeof q === "string" ? q.slice(0, 200) : "";
  let page;
  try {
    page = await listRooms(db, user.accountId, { cursor: typeof cursor === "string" ? cursor : undefined, limit: PAGE_SIZE, search });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    redirect("/rooms");
  }
  const [account, roomPage] = await Promise.all([getAccountTranscriptionSettings(db, user.accountId), getAccountRoomPageSettings(db, user.accountId)]);
  const ids = page.rooms.map((r) => r.id);
  const [sessions, live] = await Promise.all([countSessionsByRoom(db, user.accountId, ids), liveRoomIds(db, user.accountId, ids)]);
  const isAdmin = user.role === "admin";
  const now = new Date();

  const views: RoomView[] = page.rooms.map((room) => {
    const { effective, source } = effectiveRoomSettingsFrom(room, account);
    const downloads = resolveParticipantDownloads(roomPage.participantDownloads, room.overrideParticipantDownloads);
    return {
      id: room.id,
      title: room.title,
      roomName: room.roomName,
      // The host link grants the host role: only admins get it.
      ...roomLinksFor(room, user.role),
      live: live.has(room.id),
      endDate: room.endDate.toISOString(),
      open: isRoomOpen(room, now),
      sessions: sessions.get(room.id) ?? 0,
      roomMode: room.roomMode,
      isLocked: room.isLocked,
      settings: [
        { field: "enabled", label: "Transcription", value: effective.enabled ? "On" : "Off", source: source.enabled },
        { field: "startTrigger", label: "Start", value: startTriggerLabels[effective.startTrigger], source: source.startTrigger },
        { field: "language", label: "Language", value: languageName(effective.language), source: source.language },
        { field: "vocabulary", label: "Vocabulary", value: vocabularyLabel(effective.vocabulary) || "None", source: source.vocabulary },
        { field: "destination", label: "Storage", value: storageLabel(effective.destination), source: source.destination },
        { field: "participantDownloads", label: "Downloads", value: downloads.value ? "Host and participants" : "Host only", source: downloads.source },
      ],
    };
  });

  const engines = configuredEngineLanguages();
  const options: CreateOptions = {
    engineNames: engines.map((e) => e.engineName),
    languages: supportedLanguages(engines).map((code) => ({ code, name: languageName(code) })),
    accountDefaults: {
      language: languageName(account.language),
      startTrigger: account.enabled ? startTriggerLabels[account.startTrigger] : "Off",
      vocabulary: vocabularyLabel(account.vocabulary),
      storage: storageLabel(account.destination),
    },
  };
  const pageQuery = (extra: Record<string, string>) => {
    const params = new URLSearchParams({ ...(search ? { q: search } : {}), ...extra });
    const text = params.toString();
    return text ? `/rooms?${text}` : "/rooms";
  };

  return (
    <>
      <PageHeader title="Rooms" description="Where people meet: open a room, send its link, and see the transcription settings each one uses." />
      {!isAdmin && (
        <Alert tone="info" className="mb-6">
          Only account admins can create or delete rooms.
        </Alert>
      )}
      <RoomsClient rooms={views} isAdmin={isAdmin} options={options} search={search} openCreate={create === "1"} />
      {(cursor || page.nextCursor) && (
        <nav aria-label="Pages" className="mt-4 flex justify-end gap-2">
          {cursor && (
            <Link href={pageQuery({})} className={buttonClass("secondary")}>
              First page
            </Link>
          )}
          {page.nextCursor && (
            <Link href={pageQuery({ cursor: page.nextCursor })} className={buttonClass("secondary")}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
