-- Flashpoint store, migration 4: indexes for add_coded and the event queries.
-- (Separate from migration 3: DuckDB cannot create an index in the transaction that updated
-- the table.)

CREATE INDEX mentions_article ON mentions (article_id);
CREATE INDEX mentions_group ON mentions (source_key, target_key, cameo_root);
CREATE INDEX events_date ON events (event_date);
CREATE INDEX events_dyad ON events (source_key, target_key);
CREATE INDEX events_group ON events (source_key, target_key, cameo_root, window_start);
CREATE INDEX quotes_article ON quotes (article_id);
