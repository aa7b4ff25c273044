"use server";
// Server actions of the transcriptions list: delete the selected transcriptions (admins).
import { z } from "zod";
import { memberAction } from "@/lib/auth/action";
import { deleteTranscriptions } from "@/lib/transcripts/transcriptions";
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
