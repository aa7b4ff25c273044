CREATE TABLE "account_settings" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"transcription_enabled" boolean DEFAULT true NOT NULL,
	"start_trigger" text DEFAULT 'manual' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"storage" text DEFAULT 'hosted' NOT NULL,
	"s3_bucket" text,
	"s3_region" text,
	"s3_access_key_id" text,
	"s3_secret_sealed" text,
	"s3_endpoint" text,
	"retention_days" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by_user_id" uuid
);
--> statement-breakpoint
ALTER TABLE "account_settings" ADD CONSTRAINT "account_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_settings" ADD CONSTRAINT "account_settings_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;