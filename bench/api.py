"""Latency of the dyad endpoints of the HTTP API on a large synthetic store (issue 6).

Builds (once; reused when the file exists with the same N) a store of N synthetic events, one
mention each, three mentions per article, written by DuckDB bulk inserts straight into the
tables of the current schema (migrations applied first): 400 actor keys, dyads drawn with a
heavy tail (a few busy dyads, many quiet ones), events spread over three years and inserted in
date order (as news arrives).  Then serves it in-process (httpx over the ASGI app, the full
stack: routing, validation, store, JSON) and prints p50 / p95 / max of

* ``GET /api/dyads?top=20``                     (the stored ranking; built once first, timed)
* ``GET /api/dyads?top=20&actor=K..``           (the stored ranking filtered by actor)
* ``GET /api/dyads/{src}/{tgt}/series``         (full range, for the top dyads)
* ``GET /api/dyads/{src}/{tgt}/series?since=``  (the last 90 days)
* ``GET /`` (the overview page) and ``GET /dyad/{src}/{tgt}`` (a dyad page), one request in ten

Target: p95 <= 100 ms for the API; the overview page renders in <= 1 s.
Figures are printed, never asserted.

Measured (2026-11-27, 2 shared cores, 10 M events; store built in 122 s, daily tables and
ranking in 248 s, once): /api/dyads p50 20 / p95 29 ms; with actor 18 / 25 ms; series (3
years) 49 / 73 ms; series (90 days) 25 / 33 ms; overview page 26 / 78 ms; dyad page 67 / 84 ms.

    .venv/bin/python bench/api.py [--events 10000000] [--db /tmp/fp-bench-api.duckdb]
                                  [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import timedelta
from typing import Any

import duckdb

from flashpoint.options import Options
from flashpoint.store import LocalStore, open_store

ACTORS = 400
DAYS = 3 * 365
START = "2022-01-01"


def build(path: str, n: int) -> float:
    """Write ``n`` synthetic events (and their mentions and articles) into a new store."""
    began = time.perf_counter()
    if os.path.exists(path):
        os.remove(path)
    LocalStore(path, Options()).close()  # the schema, by the migrations
    con = duckdb.connect(path)
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    # event i: day = i * DAYS / n (date order); dyad from a heavy-tailed draw of two actors
    con.execute(f"""
    CREATE TEMP TABLE gen AS
    SELECT i,
           DATE '{START}' + CAST(floor(i * {DAYS} / {n}) AS INTEGER) AS day,
           'K' || lpad(CAST(CAST(floor({ACTORS} * pow(hash(i) % 1000003 / 1000003.0, 3))
                               AS INTEGER) AS VARCHAR), 3, '0') AS src,
           'K' || lpad(CAST(CAST(floor({ACTORS} * pow(hash(i + 7) % 1000003 / 1000003.0, 3))
                               AS INTEGER) AS VARCHAR), 3, '0') AS tgt0,
           CAST(hash(i * 31) % 20 AS INTEGER) AS kind,
           'a' || lpad(CAST(i // 3 AS VARCHAR), 15, '0') AS article_id,
           'm' || lpad(CAST(i AS VARCHAR), 15, '0') AS mention_id,
           'e' || lpad(CAST(i AS VARCHAR), 15, '0') AS event_id
    FROM range({n}) t(i)
    """)
    con.execute("""
    CREATE TEMP TABLE g AS
    SELECT *, CASE WHEN tgt0 = src THEN 'K399' ELSE tgt0 END AS tgt,
           (['010','020','036','040','042','057','060','070','100','112','120','130','138',
             '140','154','163','173','180','190','195'])[kind + 1] AS cameo,
           ([1,1,1,1,1,2,2,2,3,3,3,3,3,3,4,4,4,4,4,4])[kind + 1] AS quad,
           ([0.0,3.0,4.0,1.0,1.9,6.5,6.0,7.0,-5.0,-2.0,-4.0,-4.4,-7.0,-6.5,-7.2,-8.0,-5.0,
             -9.0,-10.0,-10.0])[kind + 1] AS goldstein,
           (['CONSULT','REQUEST','AGREE','CONSULT','CONSULT','SUPPORT','COOPERATE','AID',
             'REQUEST','ACCUSE','REJECT','THREATEN','THREATEN','PROTEST','MOBILIZE','SANCTION',
             'COERCE','ASSAULT','ASSAULT','ASSAULT'])[kind + 1] AS plover
    FROM gen
    """)
    actor = ("{{'text': {k}, 'code': {k}, 'country': {k}, 'role': NULL, 'state': true, "
             "'ethnic': NULL, 'group': NULL, 'name': NULL, 'span': NULL}}")
    con.execute("""
    INSERT INTO articles BY NAME
    SELECT article_id, 1 AS version, article_id AS content_sha, 'Synthetic ' || article_id
           AS title, 'Synthetic text.' AS text, 'bench' AS origin, NULL AS url,
           NULL AS canonical_url, 'Outlet ' || CAST(hash(article_id) % 50 AS VARCHAR)
           AS source, NULL AS author, CAST(min(day) AS TIMESTAMP) + INTERVAL 10 HOUR
           AS published, 0 AS published_offset_min, 'given' AS published_status,
           'en' AS lang, 1.0 AS lang_score, '' AS raw_sha, article_id AS story_id,
           NULL AS tone, NULL AS minhash, now()::TIMESTAMP AS ingested_at, true AS coded
    FROM g GROUP BY article_id ORDER BY article_id
    """)
    con.execute(f"""
    INSERT INTO mentions BY NAME
    SELECT mention_id, article_id, 1 AS article_version, 0 AS sentence_index,
           'Synthetic sentence ' || mention_id || ' about ' || src || ' and ' || tgt
           AS sentence, {actor.format(k='src')} AS source, {actor.format(k='tgt')} AS target,
           cameo, substr(cameo, 1, 2) AS cameo_root, quad AS quad_class, quad AS penta_class,
           goldstein, plover, NULL AS plover_mode, day AS event_date, 'day' AS date_precision,
           false AS background, false AS negated, NULL AS trigger_span, NULL AS magnitude,
           NULL AS location, [] AS quote_ids, NULL AS tone, 0.9 AS confidence,
           'bench' AS rule, 'bench' AS coder_version, now()::TIMESTAMP AS coded_at,
           src AS source_key, tgt AS target_key, '' AS digest
    FROM g ORDER BY i
    """)
    con.execute("""
    INSERT INTO events BY NAME
    SELECT event_id, src AS source_code, tgt AS target_code, src AS source_country,
           tgt AS target_country, cameo, substr(cameo, 1, 2) AS cameo_root, quad AS quad_class,
           goldstein, plover, day AS event_date, 'day' AS date_precision, 1 AS num_mentions,
           1 AS num_articles, 1 AS num_sources, CAST(day AS TIMESTAMP) AS first_seen,
           CAST(day AS TIMESTAMP) AS last_seen, NULL AS location, NULL AS tone,
           now()::TIMESTAMP AS updated_at, src AS source_key, tgt AS target_key,
           'Synthetic sentence ' || mention_id AS evidence, 0.9 AS confidence,
           false AS background, day AS window_start, [mention_id] AS mention_ids,
           '' AS digest
    FROM g ORDER BY i
    """)
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - began


def _stats(name: str, times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (f"{name:<44} n={len(ms):4d}  p50 {statistics.median(ms):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms")


def run(db: str, requests: int) -> None:
    from fastapi.testclient import TestClient

    from flashpoint.web.app import create_app

    opts = Options(db=db)
    with open_store(db, opts) as store:
        print(f"store: {store.stats()['events']:,} events, {store.stats()['mentions']:,} "
              f"mentions, {store.stats()['articles']:,} articles")
        client = TestClient(create_app(opts, store=store))
        began = time.perf_counter()
        top = client.get("/api/dyads?top=50").json()
        print(f"ranking computed and stored once: {time.perf_counter() - began:.1f} s "
              f"({len(top['items'])} shown)")
        rng = random.Random(1)
        pairs = [(r["source"], r["target"]) for r in top["items"]]
        last = max(r["last_day"] for r in top["items"] if r["last_day"])
        since = (__import__("datetime").date.fromisoformat(last) - timedelta(days=89))
        runs: dict[str, list[float]] = {}

        def timed(name: str, url: str) -> Any:
            t = time.perf_counter()
            resp = client.get(url)
            runs.setdefault(name, []).append(time.perf_counter() - t)
            assert resp.status_code == 200, resp.text[:300]
            return resp

        for _ in range(3):  # warm-up
            timed("warm-up", "/api/dyads?top=20")
        for _ in range(requests):
            timed("/api/dyads?top=20", "/api/dyads?top=20")
            k = rng.choice(pairs)[rng.randint(0, 1)]
            timed("/api/dyads?top=20&actor=..", f"/api/dyads?top=20&actor={k}")
            s, t = rng.choice(pairs)
            timed("/api/dyads/{src}/{tgt}/series", f"/api/dyads/{s}/{t}/series")
            timed("/api/dyads/{src}/{tgt}/series?since=-90d",
                  f"/api/dyads/{s}/{t}/series?since={since.isoformat()}")
            if _ % 10 == 0:  # the pages are slower to build: a sample of them
                timed("page / (overview)", "/")
                timed("page /dyad/{src}/{tgt}", f"/dyad/{s}/{t}")
        for name, times in runs.items():
            if name != "warm-up":
                print(_stats(name, times))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--db", default="/tmp/fp-bench-api.duckdb")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--rebuild", action="store_true", help="Rebuild the store even if present.")
    args = ap.parse_args()
    have = None
    if os.path.exists(args.db) and not args.rebuild:
        with duckdb.connect(args.db, read_only=True) as con:
            row = con.execute("SELECT count(*) FROM events").fetchone()
            have = int(row[0]) if row else None
    if have != args.events:
        print(f"building a store of {args.events:,} events at {args.db} ...")
        print(f"built in {build(args.db, args.events):.1f} s")
    run(args.db, args.requests)


if __name__ == "__main__":
    main()
