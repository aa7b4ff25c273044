CREATE TABLE "summaries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"transcription_id" uuid NOT NULL,
	"template" text NOT NULL,
	"state" text DEFAULT 'in_progress' NOT NULL,
	"summary" jsonb,
	"error" text,
	"engine" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"requested_by_user_id" uuid,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"modified_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "summaries" ADD CONSTRAINT "summaries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "summaries" ADD CONSTRAINT "summaries_transcription_id_transcriptions_id_fk" FOREIGN KEY ("transcription_id") REFERENCES "public"."transcriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "summaries_transcription_live_key" ON "summaries" USING btree ("transcription_id") WHERE "summaries"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "summaries_account_created_idx" ON "summaries" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "summaries_pending_idx" ON "summaries" USING btree ("state","lease_expires_at");