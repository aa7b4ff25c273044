"use server";
// Server action of the transcript page: an admin retries saving a transcript whose upload failed.
import { z } from "zod";
import { adminAction } from "@/lib/auth/action";
import { retryTranscriptUpload } from "@/lib/pipeline/finalize";

/** An admin's Retry on a transcript whose save failed for good: saved again now from the kept text. */
export const retryUploadAction = adminAction(z.object({ id: z.string().max(100) }), async ({ id }, { db, actor }) => {
  const row = await retryTranscriptUpload(db, actor, id);
  return { state: row.state, error: row.error };
});
