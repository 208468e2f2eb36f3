-- Flashpoint store, migration 2: room for coded events (mentions -> events), quotes and places.
-- Shapes follow flashpoint.model (Mention, Event, Quote, Place) and the mention/event record of
-- the design; the coder refines them with later migrations.  Timestamps are UTC (naive).

CREATE TYPE actor_t AS STRUCT(
    text    VARCHAR,
    code    VARCHAR,
    country VARCHAR,
    role    VARCHAR,
    state   BOOLEAN,
    ethnic  VARCHAR,
    "group" VARCHAR,
    name    VARCHAR,
    span    INTEGER[]
);

CREATE TYPE place_t AS STRUCT(
    text           VARCHAR,
    place_name     VARCHAR,
    country        VARCHAR,
    lat            DOUBLE,
    lon            DOUBLE,
    geo_precision  VARCHAR,
    sentence_index INTEGER,
    span           INTEGER[],
    geoname_id     BIGINT
);

-- One report of an act in one sentence of one article version (what code_article returns).
CREATE TABLE mentions (
    mention_id      VARCHAR PRIMARY KEY,
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
    coded_at        TIMESTAMP NOT NULL
);

-- The act itself, clustered from mentions across articles and sources.
CREATE TABLE events (
    event_id       VARCHAR PRIMARY KEY,
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
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE event_mentions (
    event_id   VARCHAR NOT NULL,
    mention_id VARCHAR NOT NULL,
    PRIMARY KEY (event_id, mention_id)
);

CREATE TABLE quotes (
    quote_id         VARCHAR PRIMARY KEY,
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

-- Place mentions of an article version (event locations live in mentions.location).
CREATE TABLE places (
    article_id      VARCHAR NOT NULL,
    article_version INTEGER NOT NULL,
    place_index     INTEGER NOT NULL,
    place           place_t NOT NULL,
    PRIMARY KEY (article_id, article_version, place_index)
);
