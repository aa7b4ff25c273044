CREATE TABLE "off_record_spans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"transcription_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "room_sessions" ADD COLUMN "segments_sent_through" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "room_sessions" ADD COLUMN "segments_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "not_transcribed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "off_record_spans" ADD CONSTRAINT "off_record_spans_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "off_record_spans" ADD CONSTRAINT "off_record_spans_transcription_id_transcriptions_id_fk" FOREIGN KEY ("transcription_id") REFERENCES "public"."transcriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "off_record_spans_transcription_idx" ON "off_record_spans" USING btree ("transcription_id","started_at");