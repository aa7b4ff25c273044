-- Final segments carry a write key (a retried insert is not stored twice). The transcription lifecycle as one phase
-- column (lib/pipeline/lifecycle.ts); the save claim and the retry due time in columns of their own; `state` derived
-- from the phase. Backfilled from the columns it replaces (next_upload_at goes in the next migration).
ALTER TABLE "transcript_segments" ADD COLUMN "segment_key" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "transcript_segments_key" ON "transcript_segments" USING btree ("transcription_id","segment_key");--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "phase" text DEFAULT 'running' NOT NULL;--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "upload_due_at" timestamp with time zone;--> statement-breakpoint
UPDATE "transcriptions" SET
  "phase" = CASE
    WHEN "state" = 'ready' THEN 'ready'
    WHEN "state" = 'failed' AND "upload_attempts" = 0 THEN 'start_failed'
    WHEN "state" = 'failed' THEN 'upload_failed'
    WHEN "ended_at" IS NULL THEN 'running'
    WHEN "upload_attempts" > 0 THEN 'upload_retrying'
    ELSE 'saving'
  END,
  "upload_due_at" = CASE WHEN "state" = 'in_progress' AND "ended_at" IS NOT NULL AND "upload_attempts" > 0 THEN "next_upload_at" END,
  "claimed_until" = CASE WHEN "state" = 'in_progress' AND "ended_at" IS NOT NULL AND "upload_attempts" = 0 THEN "next_upload_at" END;--> statement-breakpoint
DROP INDEX "transcriptions_state_idx";--> statement-breakpoint
ALTER TABLE "transcriptions" DROP COLUMN "state";--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "state" text GENERATED ALWAYS AS (CASE phase WHEN 'running' THEN 'in_progress' WHEN 'saving' THEN 'in_progress' WHEN 'upload_retrying' THEN 'in_progress' WHEN 'ready' THEN 'ready' WHEN 'start_failed' THEN 'failed' WHEN 'upload_failed' THEN 'failed' END) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "transcriptions_phase_idx" ON "transcriptions" USING btree ("phase","upload_due_at");
