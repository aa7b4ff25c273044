CREATE TABLE "rooms" (
	"id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"room_name" text NOT NULL,
	"room_key_sealed" text NOT NULL,
	"room_mode" text DEFAULT 'normal' NOT NULL,
	"is_locked" boolean DEFAULT false NOT NULL,
	"start_date" timestamp with time zone NOT NULL,
	"end_date" timestamp with time zone NOT NULL,
	"has_transcription_block" boolean DEFAULT false NOT NULL,
	"language" text NOT NULL,
	"language_from_room" boolean DEFAULT false NOT NULL,
	"override_start_trigger" text,
	"override_storage" text,
	"override_s3_bucket" text,
	"override_s3_region" text,
	"override_s3_access_key_id" text,
	"override_s3_secret_sealed" text,
	"override_s3_endpoint" text,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_room_name_key" ON "rooms" USING btree ("room_name");--> statement-breakpoint
CREATE INDEX "rooms_account_created_idx" ON "rooms" USING btree ("account_id","created_at","id");