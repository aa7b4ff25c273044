ALTER TABLE "rooms" ADD COLUMN "title" text;--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "title" text;