ALTER TABLE "account_settings" ADD COLUMN "s3_checksum_mode" text DEFAULT 'whenRequired' NOT NULL;--> statement-breakpoint
ALTER TABLE "rooms" ADD COLUMN "override_s3_checksum_mode" text;