-- Flashpoint store, migration 3: what add_coded needs to store coder output and cluster events.
-- Dyad keys (flashpoint.model.actor_key) on mentions and events, the event's evidence,
-- confidence, background flag and window start, and a digest per mention and event (a hash of
-- the record) so re-coding the same article or re-clustering the same mentions writes nothing.
-- articles.tone already exists (migration 1).

ALTER TABLE mentions ADD COLUMN source_key VARCHAR;
ALTER TABLE mentions ADD COLUMN target_key VARCHAR;
ALTER TABLE mentions ADD COLUMN digest VARCHAR;

-- Rows written before this migration (none were, but be exact): keys from the actor structs.
UPDATE mentions SET
    source_key = coalesce(nullif(source.country, ''), nullif(source."group", ''),
                          nullif(source.code, ''), ''),
    target_key = CASE WHEN target IS NULL THEN NULL
                      ELSE coalesce(nullif(target.country, ''), nullif(target."group", ''),
                                    nullif(target.code, '')) END,
    digest = '';

ALTER TABLE events ADD COLUMN source_key VARCHAR;
ALTER TABLE events ADD COLUMN target_key VARCHAR;
ALTER TABLE events ADD COLUMN evidence VARCHAR DEFAULT '';
ALTER TABLE events ADD COLUMN confidence DOUBLE DEFAULT 0.0;
ALTER TABLE events ADD COLUMN background BOOLEAN DEFAULT false;
ALTER TABLE events ADD COLUMN digest VARCHAR DEFAULT '';
-- The start of the date window the event was clustered in (NULL for a story cluster).
ALTER TABLE events ADD COLUMN window_start DATE;

-- Events are derived data: any event clustered before this migration is rebuilt by the next
-- add_coded of its articles (`flashpoint recode`).
DELETE FROM event_mentions;
DELETE FROM events;
