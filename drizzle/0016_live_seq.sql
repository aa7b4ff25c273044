ALTER TABLE "transcript_segments" ADD COLUMN "live_seq" bigint;--> statement-breakpoint
CREATE INDEX "transcript_segments_live_seq_idx" ON "transcript_segments" USING btree ("transcription_id","live_seq");--> statement-breakpoint
-- Segments of transcriptions running during the upgrade get a place in the live stream (later ones come from the clock, far above).
UPDATE "transcript_segments" SET "live_seq" = "id" WHERE "transcription_id" IN (SELECT "id" FROM "transcriptions" WHERE "phase" = 'running');
