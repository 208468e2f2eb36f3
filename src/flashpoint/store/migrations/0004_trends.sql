-- Flashpoint store, migration 4: escalation alerts (issue 5).
--
-- Daily dyad series are computed from `events` by one aggregate query (flashpoint.store.trends);
-- only what cannot be recomputed is stored: every revision of every alert (a late article
-- revises an alert by adding a revision, never by editing one), the analysts' marks, and the
-- watermark of the last trend update.

CREATE TABLE alerts (
    alert_id      VARCHAR NOT NULL,
    revision      INTEGER NOT NULL,
    source        VARCHAR NOT NULL,
    target        VARCHAR NOT NULL,
    day           DATE NOT NULL,
    direction     VARCHAR NOT NULL,  -- escalation | de-escalation
    channel       VARCHAR NOT NULL,  -- material | verbal
    score         DOUBLE NOT NULL,
    baseline      JSON NOT NULL,
    state         VARCHAR NOT NULL,  -- new | ongoing | resolved
    num_sources   INTEGER NOT NULL,
    single_source BOOLEAN NOT NULL,
    top_events    JSON NOT NULL,
    coder_version VARCHAR NOT NULL,
    as_of         TIMESTAMP NOT NULL,
    digest        VARCHAR NOT NULL,  -- hash of the content: a new revision only when it changes
    PRIMARY KEY (alert_id, revision)
);

-- Analysts' verdicts (the latest per alert counts); kept apart so a mark survives revisions.
CREATE TABLE alert_marks (
    alert_id  VARCHAR NOT NULL,
    mark      VARCHAR NOT NULL,      -- false | confirmed | cleared
    marked_at TIMESTAMP NOT NULL
);

-- Key/value state of the trend updater (e.g. the events watermark of the last update).
CREATE TABLE trend_state (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
