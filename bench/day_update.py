"""Cost of one busy news day in the store and the trend series (issue 5).

Builds a fresh store with a synthetic history, then adds a "1,000-article day" and times it:

- history: ``--days`` days (default 60) of articles for ``--dyads`` dyads (default 200) among 20
  countries' governments; each history day has ``--history-per-day`` articles (default 40) with
  ``--mentions`` mentions each (default 5), every mention a coded act of a random dyad (CAMEO
  code, quad class, Goldstein score and PLOVER type drawn from a small table: consult, agree,
  aid, retreat, accuse, demand, mobilise, assault), dated to the article's day.  Articles are
  stored with ``Store.add_articles`` (signatures from ``flashpoint.dedup.signature``), the coded
  mentions with ``Store.add_coded`` day by day, and ``flashpoint.trends.update`` runs once at the
  end (so the day below is an incremental update, as after an ingest);
- the day: ``--day-articles`` articles (default 1,000) with ``--mentions`` mentions each, over
  all the dyads, published the day after the history.

Timed: (a) ``add_coded`` of the day's mentions (store + event clustering), (b)
``trends.update(store)`` for that day (series of every changed dyad rebuilt, episodes evaluated,
alert revisions stored), and their total (target: <= 2 s).  ``add_articles`` of the day is shown
apart (it is the ingest's storage step, not the trend update).  The texts are synthetic words
(never text from ../shared).  Prints figures; asserts nothing.

    .venv/bin/python bench/day_update.py [--days 60] [--dyads 200] [--history-per-day 40]
        [--day-articles 1000] [--mentions 5] [--seed 1] [--db PATH]

Measured (2026-11-27, 2 shared cores under load from other jobs, defaults): (a) add_coded
0.7-0.9 s, (b) trends.update 1.2 s (was 27.6 s before the explanations were batched into two
store calls and the four tests of a channel into one tail computation), total ~2.1 s.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.model import Actor, Article, Coded, Mention, PublishedStatus
from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.trends import update

START = date(2024, 1, 1)
COUNTRIES = ("SRB", "KSV", "ALB", "BIH", "MNE", "MKD", "HRV", "SVN", "BGR", "ROU",
             "GRC", "TUR", "HUN", "AUT", "DEU", "FRA", "GBR", "USA", "RUS", "UKR")
# (cameo, quad class, goldstein, plover, weight)
ACTS = (("042", 1, 1.9, "CONSULT", 5), ("057", 1, 8.0, "AGREE", 1), ("073", 2, 7.4, "AID", 1),
        ("0871", 2, 9.0, "RETREAT", 1), ("112", 3, -2.0, "ACCUSE", 4), ("100", 3, -5.0,
                                                                          "REQUEST", 2),
        ("150", 4, -7.2, "MOBILIZE", 1), ("190", 4, -10.0, "ASSAULT", 1))
OUTLETS = tuple(f"Outlet {c}" for c in "ABCDEFGHIJKL")
SYLLABLES = [a + b for a in ("ka", "lo", "mi", "ne", "po", "ru", "si", "ta", "vu", "ze", "bo",
                             "da") for b in ("dan", "mer", "sol", "tik", "bra", "qen", "lum",
                                             "fos", "gri", "hev", "jor", "kul", "nip", "osk")]


def dyads(n: int, rng: random.Random) -> list[tuple[Actor, Actor]]:
    pairs = [(a, b) for a in COUNTRIES for b in COUNTRIES if a != b]
    rng.shuffle(pairs)
    if n > len(pairs):
        raise SystemExit(f"--dyads at most {len(pairs)}")

    def gov(country: str) -> Actor:
        return Actor(text=f"{country} government", code=f"{country}GOV", country=country,
                     role="GOV")

    return [(gov(a), gov(b)) for a, b in pairs[:n]]


def make_article(key: str, day: date, rng: random.Random) -> Article:
    text = f"Report {key}. " + " ".join(rng.choice(SYLLABLES) for _ in range(90)) + "."
    url = f"https://bench.example/{key}"
    canonical = ids.canonical_url(url)
    published = datetime(day.year, day.month, day.day, 6 + rng.randrange(16), tzinfo=UTC)
    raw = text.encode()
    return Article(article_id=ids.article_id(canonical, text), content_sha=ids.content_sha(text),
                   title=f"Report {key}", text=text, origin=url, url=url,
                   canonical_url=canonical, source=rng.choice(OUTLETS), published=published,
                   published_status=PublishedStatus.GIVEN, lang="en", raw=raw,
                   raw_sha=ids.sha256_hex(raw))


def make_coded(art: Article, day: date, pairs: Sequence[tuple[Actor, Actor]], mentions: int,
               rng: random.Random) -> Coded:
    weights = [a[4] for a in ACTS]
    out = []
    for n in range(mentions):
        source, target = rng.choice(pairs)
        cameo, quad, goldstein, plover, _w = rng.choices(ACTS, weights)[0]
        out.append(Mention(
            mention_id=ids.short_id("mention", art.article_id, art.content_sha, n),
            article_id=art.article_id, sentence_index=n,
            sentence=f"{source.text} and {target.text}: act {cameo} ({art.title}, {n}).",
            source=source, target=target, cameo=cameo, cameo_root=cameo[:2], quad_class=quad,
            penta_class=quad, goldstein=goldstein, plover=plover, plover_mode=None,
            event_date=day.isoformat(), date_precision="day", background=False,
            trigger_span=(0, 4), confidence=0.6, rule="bench", coder_version="bench-1"))
    return Coded(article_id=art.article_id, mentions=tuple(out), tone=-1.0)


def articles_for(day: date, count: int, tag: str, rng: random.Random) -> list[Article]:
    return [make_article(f"{tag}-{day.isoformat()}-{i}", day, rng) for i in range(count)]


def store_day(store: Store, opts: Options, arts: list[Article], day: date,
              pairs: Sequence[tuple[Actor, Actor]], mentions: int,
              rng: random.Random) -> tuple[float, float, int]:
    """Store the day's articles and their coded mentions; (seconds add_articles, seconds
    add_coded, mentions)."""
    sigs = [(a, signature(a.text, opts)) for a in arts]
    t0 = time.perf_counter()
    store.add_articles(sigs)
    t1 = time.perf_counter()
    coded = [make_coded(a, day, pairs, mentions, rng) for a in arts]
    t2 = time.perf_counter()
    store.add_coded(coded)
    t3 = time.perf_counter()
    return t1 - t0, t3 - t2, sum(len(c.mentions) for c in coded)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--dyads", type=int, default=200)
    ap.add_argument("--history-per-day", type=int, default=40)
    ap.add_argument("--day-articles", type=int, default=1000)
    ap.add_argument("--mentions", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default=None, help="store path (default: a temporary folder)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    opts = Options(workers=1)
    pairs = dyads(args.dyads, rng)
    with tempfile.TemporaryDirectory(prefix="fp-bench-day-") as tmp:
        db = args.db or str(Path(tmp) / "bench.duckdb")
        with open_store(db, opts) as store:
            began = time.perf_counter()
            hist_mentions = 0
            for d in range(args.days):
                day = START + timedelta(days=d)
                arts = articles_for(day, args.history_per_day, "h", rng)
                hist_mentions += store_day(store, opts, arts, day, pairs, args.mentions, rng)[2]
            built = time.perf_counter() - began
            t0 = time.perf_counter()
            first = update(store)
            first_s = time.perf_counter() - t0
            print(f"history: {args.days} days x {args.history_per_day} articles, "
                  f"{hist_mentions} mentions over {len(pairs)} dyads, stored in {built:.1f} s; "
                  f"first trends.update {first_s:.2f} s ({len(first)} alert revisions)")

            day = START + timedelta(days=args.days)
            arts = articles_for(day, args.day_articles, "d", rng)
            add_s, coded_s, day_mentions = store_day(store, opts, arts, day, pairs,
                                                     args.mentions, rng)
            changed = len(store.changed_dyads(store.trend_state()["watermark"]))
            t0 = time.perf_counter()
            fresh = update(store)
            update_s = time.perf_counter() - t0
            stats = store.stats()
        print(f"day {day}: {args.day_articles} articles, {day_mentions} mentions, "
              f"{changed} dyads changed")
        print(f"  add_articles (apart)   {add_s:6.2f} s")
        print(f"  (a) add_coded          {coded_s:6.2f} s")
        print(f"  (b) trends.update      {update_s:6.2f} s  ({len(fresh)} alert revisions)")
        print(f"  (a)+(b) total          {coded_s + update_s:6.2f} s  (target <= 2 s)")
        print(f"store: {stats}")


if __name__ == "__main__":
    main()
