-- Full-text search over each transcript's room name, speaker names and text, kept current as segments arrive.
-- The 'simple' configuration (no stemming, no stop words) treats all 36 languages alike. ASCII punctuation is
-- turned into spaces first so that "/sales-3f2a" or "example.com" index as separate words, the same way
-- lib/transcripts/search-query.ts splits what people type. Vectors are stripped of positions: search needs
-- only "does the word occur", and stripped vectors stay small for 12-hour sessions.
CREATE OR REPLACE FUNCTION transcript_search_vector(value text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT strip(to_tsvector('simple'::regconfig, regexp_replace(coalesce(value, ''), '[[:punct:][:space:]]+', ' ', 'g'))) $$;
--> statement-breakpoint
ALTER TABLE "transcriptions" ADD COLUMN "search_vector" tsvector;
--> statement-breakpoint
-- A new transcription starts out searchable by its room name.
CREATE OR REPLACE FUNCTION transcriptions_search_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := transcript_search_vector(NEW.room_name) || coalesce(NEW.search_vector, ''::tsvector);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER transcriptions_search_on_insert BEFORE INSERT ON "transcriptions"
  FOR EACH ROW EXECUTE FUNCTION transcriptions_search_on_insert();
--> statement-breakpoint
-- Segments are only ever added while a session runs (and removed with their transcription), so appending their
-- words is enough. One UPDATE per statement, whatever the number of rows it inserted.
CREATE OR REPLACE FUNCTION transcript_segments_search_append() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "transcriptions" AS t
     SET search_vector = strip(coalesce(t.search_vector, ''::tsvector) || added.words)
    FROM (
      SELECT transcription_id, transcript_search_vector(string_agg(display_name || ' ' || text, ' ')) AS words
        FROM new_segments
       GROUP BY transcription_id
    ) AS added
   WHERE t.id = added.transcription_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER transcript_segments_search_append AFTER INSERT ON "transcript_segments"
  REFERENCING NEW TABLE AS new_segments
  FOR EACH STATEMENT EXECUTE FUNCTION transcript_segments_search_append();
--> statement-breakpoint
UPDATE "transcriptions" AS t
   SET search_vector = transcript_search_vector(t.room_name) || coalesce((
     SELECT transcript_search_vector(string_agg(s.display_name || ' ' || s.text, ' '))
       FROM "transcript_segments" AS s
      WHERE s.transcription_id = t.id
   ), ''::tsvector);
--> statement-breakpoint
CREATE INDEX "transcriptions_search_idx" ON "transcriptions" USING gin ("search_vector");
--> statement-breakpoint
-- Keyset paging for the other two sort orders (startDate uses transcriptions_account_started_idx). An unknown
-- duration (in progress) sorts as -1, and the list query uses exactly this expression.
CREATE INDEX "transcriptions_account_room_idx" ON "transcriptions" USING btree ("account_id", "room_name", "id");
--> statement-breakpoint
CREATE INDEX "transcriptions_account_duration_idx" ON "transcriptions" USING btree ("account_id", (coalesce("duration_seconds", -1)), "id");
