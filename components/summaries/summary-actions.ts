"use server";
// Server actions of the transcript page's summary panel, beside it (components/ never imports app/): request and delete
// (reading is the summary-data route, polled with React Query). Any member may.
import { memberAction } from "@/lib/auth/action";
import { deleteSummary, requestSummary } from "@/lib/summaries/service";
import { createSummarySchema, summaryIdFormSchema } from "@/lib/summaries/service-schemas";

/** "Summarize": requests a summary with the chosen template. */
export const requestSummaryAction = memberAction(createSummarySchema, async (input, { db, actor }) => {
  return requestSummary(db, actor, input);
});

/** Deletes the summary (after the panel's confirm dialog). */
export const deleteSummaryAction = memberAction(summaryIdFormSchema, async ({ summaryId }, { db, actor }) => {
  await deleteSummary(db, actor, summaryId);
  return { summaryId };
});
