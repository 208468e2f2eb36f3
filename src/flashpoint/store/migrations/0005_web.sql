-- Flashpoint store, migration 5: derived data of the HTTP API (issue 6).
--
-- * web_state: key/value state of the API's derived data (when the full-text index over
--   mention sentences was built and what it covered, see flashpoint.store.search; the basis of
--   the daily tables and of the ranking below);
-- * dyad_day / actor_day: the rows of Store.dyad_daily / Store.actor_daily for every dyad and
--   actor, kept sorted by key and day so that one dyad's series is a short range read instead
--   of a scan of every event (derived data: rebuilt whole from events, mentions and articles
--   when events changed; plover_counts are the counts of the PLOVER names listed in
--   web_state 'derived.plover', in that order);
-- * dyad_rank: the ranking of directed dyads by current escalation score that /api/dyads
--   serves (the figures of `flashpoint dyads`), computed from the daily tables.
-- Their basis (web_state 'derived.basis' / 'rank.basis') is the events' max(updated_at) they
-- were computed from.  No table here is read by anything but the HTTP API.

CREATE TABLE web_state (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE dyad_day (
    source         VARCHAR NOT NULL,
    target         VARCHAR NOT NULL,
    day            DATE NOT NULL,
    events         INTEGER NOT NULL,
    q1             INTEGER NOT NULL,
    q2             INTEGER NOT NULL,
    q3             INTEGER NOT NULL,
    q4             INTEGER NOT NULL,
    goldstein_sum  DOUBLE NOT NULL,
    goldstein_mean DOUBLE NOT NULL,
    retreat        INTEGER NOT NULL,
    agree_support  INTEGER NOT NULL,
    max_sources    INTEGER NOT NULL,
    plover_counts  INTEGER[] NOT NULL
);

CREATE TABLE actor_day (
    actor              VARCHAR NOT NULL,
    day                DATE NOT NULL,
    articles           INTEGER NOT NULL,
    events             INTEGER NOT NULL,
    retreat_untargeted INTEGER NOT NULL
);

CREATE TABLE dyad_rank (
    source   VARCHAR NOT NULL,
    target   VARCHAR NOT NULL,
    score    DOUBLE NOT NULL,
    events   INTEGER NOT NULL,
    conflict INTEGER NOT NULL,
    last_day DATE,
    spark    INTEGER[] NOT NULL   -- daily conflict events (QuadClass 3 + 4), the last 30 days
);
