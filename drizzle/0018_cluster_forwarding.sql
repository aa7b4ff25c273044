CREATE TABLE "app_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "room_sessions" ADD COLUMN "owner_address" text;--> statement-breakpoint
ALTER TABLE "transcript_segments" ADD COLUMN "end_seq" integer;