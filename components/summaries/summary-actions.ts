"use server";
// Server actions of the transcript page's summary panel, beside it (components/ never imports app/): read (polled while in progress), request and delete. Any member may.
import { memberAction } from "@/lib/auth/action";
import { deleteSummary, getSummaryOfTranscription, requestSummary, summaryPanelData } from "@/lib/summaries/service";
import { createSummarySchema, summaryIdFormSchema, transcriptionIdFormSchema } from "@/lib/summaries/service-schemas";

/** The transcription's live summary for the panel, or null when it has none. */
export const loadSummaryAction = memberAction(transcriptionIdFormSchema, async ({ transcriptionId }, { db, actor }) => {
  const view = await getSummaryOfTranscription(db, actor.accountId, transcriptionId);
  return view ? summaryPanelData(view) : null;
});

/** "Summarize": requests a summary with the chosen template. */
export const requestSummaryAction = memberAction(createSummarySchema, async (input, { db, actor }) => {
  return requestSummary(db, actor, input);
});

/** Deletes the summary (after the panel's confirm dialog). */
export const deleteSummaryAction = memberAction(summaryIdFormSchema, async ({ summaryId }, { db, actor }) => {
  await deleteSummary(db, actor, summaryId);
  return { summaryId };
});
