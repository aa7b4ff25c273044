"use server";
// Server actions of the transcriptions list: delete the selected transcriptions (admins).
import { z } from "zod";
import { memberAction } from "@/lib/auth/action";
import { createAccessLink, deleteTranscriptions, renameTranscription } from "@/lib/transcripts/transcriptions";
import { titleSchema } from "@/lib/rooms/validation";
import { MAX_BULK_DELETE } from "@/lib/transcripts/validation";

// A form sends one "id" field per selected transcription: one value arrives as a string, several as an array.
const idsSchema = z.object({
  id: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().max(100)).min(1, "Select at least one transcription").max(MAX_BULK_DELETE, `Delete at most ${MAX_BULK_DELETE} at a time`),
  ),
});

/** Deletes the selected transcriptions (members and admins): files, segments and rows, audited. */
export const deleteTranscriptionsAction = memberAction(idsSchema, async ({ id }, { db, actor }) => {
  const { deleted } = await deleteTranscriptions(db, actor, id);
  return { deleted: deleted.length, ids: id };
});

// The longest the API allows (validForSeconds ≤ 43200).
const SHARE_LINK_SECONDS = 12 * 3600;

/** The API's access link of a hosted transcript, valid for 12 hours: anyone with it can download the .md file. */
export const shareLinkAction = memberAction(z.object({ id: z.string().max(100) }), async ({ id }, { db, actor }) => {
  return createAccessLink(db, actor.accountId, id, SHARE_LINK_SECONDS);
});

/** Renames one transcript (members and admins, as they may read and delete it). */
export const renameTranscriptionAction = memberAction(z.object({ id: z.string().max(100), title: titleSchema }), async ({ id, title }, { db, actor }) => {
  await renameTranscription(db, actor, id, title);
  return { title };
});
