-- Flashpoint store, migration 1: articles, versions, sightings, stories, runs, rejections.
-- Every timestamp column is TIMESTAMP holding UTC (naive); the original offset of a publication
-- time is kept in published_offset_min.

CREATE TABLE schema_version (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);

-- The current version of each article (one row per article_id).
CREATE TABLE articles (
    article_id           VARCHAR PRIMARY KEY,
    version              INTEGER NOT NULL,
    content_sha          VARCHAR NOT NULL,
    title                VARCHAR NOT NULL,
    text                 VARCHAR NOT NULL,
    origin               VARCHAR NOT NULL,
    url                  VARCHAR,
    canonical_url        VARCHAR,
    source               VARCHAR,
    author               VARCHAR,
    published            TIMESTAMP,
    published_offset_min INTEGER,
    published_status     VARCHAR NOT NULL,
    lang                 VARCHAR,
    lang_score           DOUBLE,
    raw_sha              VARCHAR NOT NULL,
    story_id             VARCHAR NOT NULL,
    tone                 DOUBLE,
    minhash              BLOB,
    ingested_at          TIMESTAMP NOT NULL
);

-- Every stored version of every article (the current one included), with the raw bytes.
-- content_sha is unique across the table: an exact duplicate is never stored twice.
CREATE TABLE article_versions (
    article_id           VARCHAR NOT NULL,
    version              INTEGER NOT NULL,
    content_sha          VARCHAR NOT NULL,
    title                VARCHAR NOT NULL,
    text                 VARCHAR NOT NULL,
    raw                  BLOB,
    raw_sha              VARCHAR NOT NULL,
    origin               VARCHAR NOT NULL,
    url                  VARCHAR,
    canonical_url        VARCHAR,
    source               VARCHAR,
    author               VARCHAR,
    published            TIMESTAMP,
    published_offset_min INTEGER,
    published_status     VARCHAR NOT NULL,
    lang                 VARCHAR,
    lang_score           DOUBLE,
    tone                 DOUBLE,
    ingested_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Where an article's text was seen: one row per distinct (article_id, source, url), including
-- exact copies that were not stored again, so a story counts its distinct sources.
CREATE TABLE sightings (
    article_id VARCHAR NOT NULL,
    source     VARCHAR,
    url        VARCHAR,
    origin     VARCHAR NOT NULL,
    seen_at    TIMESTAMP NOT NULL
);

-- Stories: aggregates kept up to date by every write.  story_id is the id of its first article.
CREATE TABLE stories (
    story_id        VARCHAR PRIMARY KEY,
    title           VARCHAR NOT NULL,
    first_published TIMESTAMP,
    last_published  TIMESTAMP,
    num_articles    INTEGER NOT NULL,
    num_sources     INTEGER NOT NULL,
    first_ingested  TIMESTAMP NOT NULL,
    last_ingested   TIMESTAMP NOT NULL
);

CREATE TABLE runs (
    run_id      VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    manifest    JSON,
    counts      JSON
);

CREATE TABLE rejections (
    run_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    rejected_at TIMESTAMP NOT NULL
);
