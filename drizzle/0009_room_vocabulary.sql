ALTER TABLE "account_settings" ADD COLUMN "vocabulary" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "override_vocabulary" jsonb;--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "vocabulary" jsonb DEFAULT '[]'::jsonb NOT NULL;