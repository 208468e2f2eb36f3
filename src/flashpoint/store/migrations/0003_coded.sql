-- Flashpoint store, migration 3: what add_coded needs to store coder output and cluster events.
--
-- * mentions gain their dyad keys (flashpoint.model.actor_key) and a digest (a hash of the
--   record, so re-coding an article with the same result writes nothing);
-- * events gain dyad keys, evidence, confidence, background, the start of the date window they
--   were clustered in, a digest, and their member ids (mention_ids, replacing the
--   event_mentions table: one row per event, deleted and written with it);
-- * articles gain `coded` (its mentions/quotes/places were stored at least once);
-- * mentions, events, quotes and places are rebuilt WITHOUT primary keys and no other index is
--   created: DuckDB rewrites a changed table's whole ART index at every checkpoint (measured:
--   about 0.6 s per 5 M keys), which at 10 M events would cost seconds per ingest batch.
--   add_coded keeps ids unique itself (it deletes before it inserts, in one transaction), and
--   the queries rely on zone maps (rows arrive roughly in date order).
-- Events are derived data; any event written before (none were) is rebuilt by re-coding.

CREATE TABLE mentions_v3 (
    mention_id      VARCHAR NOT NULL,
    article_id      VARCHAR NOT NULL,
    article_version INTEGER NOT NULL,
    sentence_index  INTEGER NOT NULL,
    sentence        VARCHAR NOT NULL,
    source          actor_t NOT NULL,
    target          actor_t,
    cameo           VARCHAR NOT NULL,
    cameo_root      VARCHAR NOT NULL,
    quad_class      INTEGER NOT NULL,
    penta_class     INTEGER NOT NULL,
    goldstein       DOUBLE NOT NULL,
    plover          VARCHAR,
    plover_mode     VARCHAR,
    event_date      DATE,
    date_precision  VARCHAR NOT NULL,
    background      BOOLEAN NOT NULL,
    negated         BOOLEAN NOT NULL DEFAULT false,
    trigger_span    INTEGER[],
    magnitude       STRUCT(dead INTEGER, injured INTEGER, size INTEGER),
    location        place_t,
    quote_ids       VARCHAR[],
    tone            DOUBLE,
    confidence      DOUBLE NOT NULL,
    rule            VARCHAR NOT NULL,
    coder_version   VARCHAR NOT NULL,
    coded_at        TIMESTAMP NOT NULL,
    source_key      VARCHAR NOT NULL,  -- actor_key(source), '' when it has none
    target_key      VARCHAR,           -- actor_key(target)
    digest          VARCHAR NOT NULL   -- hash of the Mention record ('' for rows from before)
);

INSERT INTO mentions_v3 BY NAME
SELECT *,
       coalesce(nullif(source.country, ''), nullif(source."group", ''),
                nullif(source.code, ''), '') AS source_key,
       CASE WHEN target IS NULL THEN NULL
            ELSE coalesce(nullif(target.country, ''), nullif(target."group", ''),
                          nullif(target.code, '')) END AS target_key,
       '' AS digest
FROM mentions;

DROP TABLE mentions;
ALTER TABLE mentions_v3 RENAME TO mentions;

DROP TABLE event_mentions;
DROP TABLE events;

CREATE TABLE events (
    event_id       VARCHAR NOT NULL,
    source_code    VARCHAR NOT NULL,
    target_code    VARCHAR,
    source_country VARCHAR,
    target_country VARCHAR,
    cameo          VARCHAR NOT NULL,
    cameo_root     VARCHAR NOT NULL,
    quad_class     INTEGER NOT NULL,
    goldstein      DOUBLE NOT NULL,
    plover         VARCHAR,
    event_date     DATE,
    date_precision VARCHAR NOT NULL,
    num_mentions   INTEGER NOT NULL,
    num_articles   INTEGER NOT NULL,
    num_sources    INTEGER NOT NULL,
    first_seen     TIMESTAMP,
    last_seen      TIMESTAMP,
    location       place_t,
    tone           DOUBLE,
    updated_at     TIMESTAMP NOT NULL,
    source_key     VARCHAR NOT NULL,
    target_key     VARCHAR,
    evidence       VARCHAR NOT NULL,
    confidence     DOUBLE NOT NULL,
    background     BOOLEAN NOT NULL,
    window_start   DATE,               -- NULL for a cluster of undated mentions of one story
    mention_ids    VARCHAR[] NOT NULL, -- sorted
    digest         VARCHAR NOT NULL    -- hash of the Event record
);

CREATE TABLE quotes_v3 (
    quote_id         VARCHAR NOT NULL,
    article_id       VARCHAR NOT NULL,
    article_version  INTEGER NOT NULL,
    text             VARCHAR NOT NULL,
    span_start       INTEGER NOT NULL,
    span_end         INTEGER NOT NULL,
    partial          BOOLEAN NOT NULL,
    speaker_text     VARCHAR,
    speaker          actor_t,
    sentence_indices INTEGER[],
    mention_ids      VARCHAR[]
);
INSERT INTO quotes_v3 BY NAME SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_v3 RENAME TO quotes;

CREATE TABLE places_v3 (
    article_id      VARCHAR NOT NULL,
    article_version INTEGER NOT NULL,
    place_index     INTEGER NOT NULL,
    place           place_t NOT NULL
);
INSERT INTO places_v3 BY NAME SELECT * FROM places;
DROP TABLE places;
ALTER TABLE places_v3 RENAME TO places;

ALTER TABLE articles ADD COLUMN coded BOOLEAN DEFAULT false;
UPDATE articles SET coded = true
WHERE article_id IN (SELECT article_id FROM mentions UNION SELECT article_id FROM quotes
                     UNION SELECT article_id FROM places);
