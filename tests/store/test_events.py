"""Clustering mentions into events: windows, location split, stories, recaps, negation,
representative values, order independence, and the events() filters."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from flashpoint.dedup import signature
from flashpoint.errors import InputError
from flashpoint.ids import short_id
from flashpoint.model import Actor, Article, Coded, Event, Mention, Place
from flashpoint.options import Options
from flashpoint.store import Store, open_store
from flashpoint.store.events import restart, resync

Stored = Callable[..., list[Article]]
MakeMention = Callable[..., Mention]
MakePlace = Callable[..., Place]
Make = Callable[..., Article]
Text = Callable[..., str]

NATO = Actor(text="NATO", code="IGOWSTNAT", country=None, group="NAT", state=False)
SRB_ARMY = Actor(text="Serbian army", code="SRBMIL", country="SRB", role="MIL")
KSV_POLICE = Actor(text="Kosovo police", code="KSVCOP", country="KSV", role="COP")


def day(n: int) -> datetime:
    """Noon UTC on September n, 2024 (n may run past 30)."""
    return datetime(2024, 9, 1, 12, tzinfo=UTC) + timedelta(days=n - 1)


def iso(n: int) -> str:
    return day(n).date().isoformat()


def code(store: Store, *pairs: tuple[Article, tuple[Mention, ...]]) -> None:
    store.add_coded([Coded(a.article_id, ms) for a, ms in pairs])


def test_three_consecutive_days_are_one_event(mem: Store, stored: Stored,
                                              mention: MakeMention) -> None:
    arts = stored(mem, day(24), day(25), day(26))
    code(mem, *((a, (mention(a, 0, iso(24 + i)),)) for i, a in enumerate(arts)))
    (event,) = mem.events()
    assert event.num_mentions == 3 and event.num_articles == 3
    assert event.event_date == iso(24)  # all dates once: the earliest
    assert event.event_id == short_id("event", "SRB", "KSV", "19", iso(24), "")
    assert (event.source_key, event.target_key, event.cameo_root) == ("SRB", "KSV", "19")


def test_windows_are_greedy_and_cascade(mem: Store, stored: Stored,
                                        mention: MakeMention) -> None:
    a, b, c = stored(mem, day(24), day(27), day(30))
    code(mem, (a, (mention(a, 0, iso(24)),)), (b, (mention(b, 0, iso(27)),)))
    assert [e.event_date for e in mem.events()] == [iso(27), iso(24)]  # 24 and 27: two
    # 24, 26, 27: the window of the 24th takes the 26th; the 27th starts its own
    out = mem.add_coded([Coded(c.article_id, (mention(c, 0, iso(26)),))])
    assert len(out.events_changed) == 1 and not out.events_added
    assert [e.num_mentions for e in mem.events()] == [1, 2]
    # an earlier report (23rd) moves every window: 23-25 = {23, 24}, 26-28 = {26, 27}
    (d,) = stored(mem, day(23), seed=1)
    out = mem.add_coded([Coded(d.article_id, (mention(d, 0, iso(23)),))])
    assert [e.event_date for e in mem.events()] == [iso(26), iso(23)]
    assert [e.num_mentions for e in mem.events()] == [2, 2]
    assert len(out.events_added) == 2 and len(out.events_removed) == 2
    # and removing it restores the earlier events exactly
    before_ids = set(out.events_removed)
    out = mem.add_coded([Coded(d.article_id)])
    assert set(out.events_added) == before_ids


def test_location_splits_a_window(mem: Store, stored: Stored, mention: MakeMention,
                                  place_of: MakePlace) -> None:
    arts = stored(mem, day(24), day(24), day(25), day(25), day(25))
    code(mem,
         (arts[0], (mention(arts[0], 0, iso(24), location=place_of("KSV")),)),
         (arts[1], (mention(arts[1], 0, iso(24), location=place_of("KSV", "admin")),)),
         (arts[2], (mention(arts[2], 0, iso(25), location=place_of("SRB")),)),
         (arts[3], (mention(arts[3], 0, iso(25)),)),
         (arts[4], (mention(arts[4], 0, iso(25), location=place_of(None, "none")),)))
    by_country = {e.location.country if e.location else None: e for e in mem.events()}
    assert set(by_country) == {"KSV", "SRB"}
    assert by_country["KSV"].num_mentions == 4  # the two unlocated join the larger cluster
    assert by_country["SRB"].num_mentions == 1
    assert by_country["KSV"].location == place_of("KSV")  # point beats admin
    assert by_country["SRB"].event_id == short_id("event", "SRB", "KSV", "19", iso(24), "SRB")


def test_location_tie_goes_to_the_smallest_country(mem: Store, stored: Stored,
                                                   mention: MakeMention,
                                                   place_of: MakePlace) -> None:
    arts = stored(mem, day(24), day(24), day(24))
    code(mem, (arts[0], (mention(arts[0], 0, iso(24), location=place_of("SRB")),)),
         (arts[1], (mention(arts[1], 0, iso(24), location=place_of("KSV")),)),
         (arts[2], (mention(arts[2], 0, iso(24)),)))
    sizes = {e.location.country: e.num_mentions for e in mem.events() if e.location}
    assert sizes == {"KSV": 2, "SRB": 1}


def _story(store: Store, opts: Options, article: Make, text_of: Text, seed: int,
           n: int) -> list[Article]:
    """``n`` near-copies of one text from different outlets (one story), undated."""
    base = text_of(seed)
    arts = []
    for i in range(n):
        words = base.split()
        words[5 + i] = f"edit{i}"
        arts.append(article(" ".join(words) + f" by outlet {i}", f"https://o{i}.example/{seed}",
                            source=f"Outlet {i}", published=None))
    outs = store.add_articles([(a, signature(a.text, opts)) for a in arts])
    assert len({o.story_id for o in outs}) == 1
    return [replace(a, story_id=o.story_id) for a, o in zip(arts, outs, strict=True)]


def test_unknown_dates_cluster_by_story(mem: Store, opts: Options, article: Make,
                                        text_of: Text, mention: MakeMention,
                                        stored: Stored) -> None:
    one = _story(mem, opts, article, text_of, 60, 3)
    other = _story(mem, opts, article, text_of, 61, 1)
    (dated,) = stored(mem, day(24))
    code(mem, *((a, (mention(a, 0, None),)) for a in one + other),
         (dated, (mention(dated, 0, iso(24)),)))
    events = mem.events()
    assert [e.event_date for e in events] == [iso(24), None, None]  # unknown dates last
    story_events = {e.event_id: e for e in events[1:]}
    big = story_events[short_id("event", "SRB", "KSV", "19", f"story:{one[0].story_id}", "")]
    assert big.num_mentions == 3 and big.num_sources == 3 and big.date_precision == "unknown"
    assert big.first_seen is not None  # no publication dates: the ingest time
    assert mem.events(story=other[0].story_id)[0].num_mentions == 1


def test_recap_joins_the_original_event(mem: Store, stored: Stored,
                                        mention: MakeMention) -> None:
    report, recap, late = stored(mem, day(24), day(30), day(30))
    code(mem, (report, (mention(report, 0, iso(24)),)),
         (recap, (mention(recap, 0, iso(24), background=True),
                  mention(recap, 1, iso(30), cameo="173", background=False))))
    ambush = mem.events(cameo="19")
    assert len(ambush) == 1 and ambush[0].num_articles == 2 and not ambush[0].background
    assert ambush[0].last_seen == day(30) and ambush[0].first_seen == day(24)
    assert ambush[0].event_date == iso(24)
    # an event only ever reported as a recap is background
    code(mem, (late, (mention(late, 0, iso(10), cameo="180", background=True),)))
    assert mem.events(cameo="18")[0].background


def test_negated_mentions_are_stored_but_not_clustered(mem: Store, stored: Stored,
                                                       mention: MakeMention) -> None:
    a, b = stored(mem, day(24), day(24))
    out = mem.add_coded([Coded(a.article_id, (mention(a, 0, iso(24), negated=True),))])
    assert out.mentions_added == 1 and not out.events_added
    assert mem.events() == [] and len(mem.mentions()) == 1
    code(mem, (b, (mention(b, 0, iso(24)),)))
    (event,) = mem.events()
    assert event.mention_ids == (mention(b, 0, iso(24)).mention_id,)
    # the negated report becomes affirmative on re-coding: it joins
    out = mem.add_coded([Coded(a.article_id, (mention(a, 0, iso(24)),))])
    assert out.events_changed == (event.event_id,)
    assert mem.event(event.event_id).num_mentions == 2


def test_representative_values(mem: Store, stored: Stored, mention: MakeMention,
                               place_of: MakePlace) -> None:
    a, b, c, d = stored(mem, day(25), day(24), day(26), None, source=None)
    code(mem,
         (a, (mention(a, 0, iso(25), cameo="190", confidence=0.9, tone=-2.0,
                      location=place_of("KSV", "country"), sentence="A first."),)),
         (b, (mention(b, 0, iso(25), cameo="1931", confidence=0.9, tone=-4.0,
                      location=place_of("KSV", "admin"), sentence="B earliest."),
              mention(b, 1, iso(24), cameo="1931", confidence=0.2, goldstein=-9.0,
                      plover="COERCE"),)),
         (c, (mention(c, 0, iso(26), cameo="190", confidence=0.3,
                      source=SRB_ARMY, precision="week"),)),
         (d, (mention(d, 0, iso(26), cameo="193", confidence=0.1,
                      location=place_of("KSV", "point", name="Banjska")),)))
    (e,) = mem.events()
    assert e.cameo == "1931"  # 190 and 1931 twice each: the longer code
    assert (e.goldstein, e.plover) == (-10.0, "ASSAULT")  # of the most confident 1931 mention
    assert e.event_date == iso(25) and e.date_precision == "day"
    assert e.evidence == "B earliest."  # 0.9 twice: the earlier published article
    assert e.confidence == 0.9
    assert e.source_code == "SRBCOP" and e.target_country == "KSV"
    assert e.location is not None and e.location.place_name == "Banjska"
    assert e.tone == -3.0
    assert e.num_mentions == 5 and e.num_articles == 4 and e.num_sources == 1  # all unknown
    assert e.first_seen == day(24)
    assert e.last_seen is not None and e.last_seen > day(26)  # d: ingest time (now)
    assert e.mention_ids == tuple(sorted(e.mention_ids))
    members = [(m.article_id, m.sentence_index) for m in mem.mentions(event_id=e.event_id)]
    assert members == [(b.article_id, 0), (b.article_id, 1), (a.article_id, 0),
                       (c.article_id, 0), (d.article_id, 0)]  # earliest published first


def test_event_filters(mem: Store, stored: Stored, mention: MakeMention) -> None:
    a, b, c = stored(mem, day(10), day(20), day(30))
    code(mem,
         (a, (mention(a, 0, iso(10), sentence="Police raided 100% of the villages."),
              mention(a, 1, iso(10), source=NATO, target=KSV_POLICE, cameo="043", quad=1,
                      goldstein=2.8, plover="CONSULT", sentence="NATO met Kosovo police."))),
         (b, (mention(b, 0, iso(20), source=NATO, target=None, cameo="010", quad=1,
                      goldstein=0.0, plover=None, sentence="NATO said it was ready."),)),
         (c, (mention(c, 0, iso(30), source=SRB_ARMY, target=KSV_POLICE, cameo="173",
                      quad=4, plover="COERCE", sentence="Soldiers arrested two men."),)))

    def dates(**kw: object) -> list[str | None]:
        return [e.event_date for e in mem.events(**kw)]  # type: ignore[arg-type]

    assert dates() == [iso(30), iso(20), iso(10), iso(10)]
    assert dates(dyad=("SRB", "KSV")) == [iso(30), iso(10)]
    assert dates(dyad=("SRBMIL", "KSV")) == [iso(30)]  # a full actor code
    for nato in ("NAT", "IGOWSTNAT"):  # the group key or the full code
        assert dates(dyad=(nato, "KSV")) == [iso(10)]
        assert dates(dyad=(nato, None)) == [iso(20)]  # no target
    assert dates(dyad=("KSV", "SRB")) == []
    assert dates(actor="KSVCOP") == [iso(30), iso(10)]
    assert dates(actor="NAT") == [iso(20), iso(10)]
    assert dates(since=date(2024, 9, 20)) == [iso(30), iso(20)]
    assert dates(until=date(2024, 9, 20)) == [iso(10), iso(10)]
    assert dates(since=datetime(2024, 9, 20, 23, tzinfo=UTC), until=date(2024, 9, 30)) == \
        [iso(20)]
    assert dates(cameo="1") == [iso(30), iso(10)]
    assert dates(cameo="19") == [iso(10)] and dates(cameo="190") == [iso(10)]
    assert dates(cameo="1901") == []
    assert dates(plover="coerce") == [iso(30)] and dates(plover="Consult") == [iso(10)]
    assert dates(quad=1) == [iso(20), iso(10)] and dates(quad=4) == [iso(30), iso(10)]
    assert dates(story=b.story_id) == [iso(20)] and dates(story="nope") == []
    assert dates(text="ARRESTED") == [iso(30)]
    assert dates(text="100%") == [iso(10)] and dates(text="1_0") == []
    assert dates(text="nato", quad=1, since=date(2024, 9, 15)) == [iso(20)]
    assert dates(text="soldiers", until=date(2024, 10, 1)) == [iso(30)]
    assert dates(text="soldiers", until=date(2024, 9, 30)) == []
    assert dates(limit=2, offset=1) == [iso(20), iso(10)]
    bad_calls: list[dict[str, Any]] = [{"quad": 5}, {"cameo": "1x"}, {"dyad": ("SRB",)},
                                       {"limit": -1}, {"since": "2024-09-01"}]
    for bad in bad_calls:
        with pytest.raises(InputError):
            mem.events(**bad)


def test_restart_and_resync() -> None:
    def d(n: int) -> date:
        return date(2024, 9, n)

    old_starts = [d(1), d(4), d(7), d(10)]  # daily reports 1..12: windows 1-3, 4-6, 7-9, 10-12
    assert restart(old_starts, d(8)) == d(7)  # the window holding the change is rebuilt
    assert restart(old_starts, d(6)) == d(4)
    assert restart(old_starts, d(4)) == d(4) - (d(4) - d(4))  # c0 itself when no start before
    assert restart([d(1)], d(20)) == d(20)  # nothing reaches the change
    daily = [d(n) for n in range(1, 13)]
    # a report added to the window of the 7th: windows from the 10th on stand
    assert resync(d(7), daily, old_starts, d(8)) == d(9)
    # removing the 4th shifts every later window (5-7, 8-10, 11-12): no resync
    assert resync(d(4), [x for x in daily if x != d(4)], old_starts, d(4)) == date.max
    # with a gap the passes meet again: 1, 2, 9 (old windows 1-3, 9-11) after adding the 3rd
    assert resync(d(1), [d(1), d(2), d(3), d(9)], [d(1), d(9)], d(3)) == d(8)


# -- order independence --------------------------------------------------------------------

SOURCES = (Actor("Serbian police", "SRBCOP", "SRB", "COP"), NATO, SRB_ARMY)
TARGETS = (Actor("Kosovo", "KSV", "KSV"), KSV_POLICE, None)


def _scenario(seed: int, arts: list[Article], mention: MakeMention,
              place_of: MakePlace) -> list[Coded]:
    rng = random.Random(seed)
    coded = []
    for art in arts:
        ms = []
        for n in range(rng.randint(0, 6)):
            when = None if rng.random() < 0.15 else iso(rng.randint(20, 34))
            loc = rng.choice([None, None, place_of("KSV"), place_of("SRB", "admin")])
            ms.append(mention(art, n, when, source=rng.choice(SOURCES),
                              target=rng.choice(TARGETS), cameo=rng.choice(["190", "193", "173"]),
                              confidence=rng.choice([0.3, 0.6, 0.9]), location=loc,
                              negated=rng.random() < 0.1, background=rng.random() < 0.2,
                              tone=rng.choice([None, -1.0, -2.5])))
        coded.append(Coded(art.article_id, tuple(ms), tone=rng.choice([None, -0.5])))
    return coded


def _snapshot(store: Store) -> list[tuple[Event, tuple[str, ...]]]:
    return [(e, e.mention_ids) for e in store.events(limit=10_000)]


@pytest.mark.parametrize("seed", [1, 2])
def test_order_independence(seed: int, opts: Options, mention: MakeMention,
                            place_of: MakePlace, article: Make, text_of: Text) -> None:
    rng = random.Random(seed)
    arts = [article(text_of(500 + seed * 50 + i), f"https://r.example/{seed}/{i}",
                    source=f"Outlet {i % 3}", published=day(20 + rng.randint(0, 14)))
            for i in range(10)]
    arts += [article(arts[0].text + " Copied with a credit line.", f"https://copy.example/{seed}",
                     source="Copier", published=day(33))]  # same story as arts[0]
    final = _scenario(seed, arts, mention, place_of)
    decoy = _scenario(seed + 100, arts, mention, place_of)  # a wrong first coding
    snapshots = []
    for way in range(3):
        with open_store(":memory:", opts) as st:
            # articles in one order (a story is named after its first article), codings not
            st.add_articles([(a, signature(a.text, opts)) for a in arts])
            order = list(range(len(arts)))
            random.Random(way).shuffle(order)
            if way == 0:  # everything in one call
                st.add_coded(final)
            elif way == 1:  # one article per call, reversed
                for c in reversed(final):
                    st.add_coded([c])
            else:  # coded wrongly first, then re-coded in shuffled batches
                st.add_coded(decoy)
                for k in range(0, len(final), 4):
                    st.add_coded([final[i] for i in order[k:k + 4]])
            assert st.add_coded(final).empty
            snapshots.append(_snapshot(st))
    assert snapshots[0], "the scenario should produce events"
    for snap in snapshots[1:]:
        assert snap == snapshots[0]
    clustered = {mid for _, mids in snapshots[0] for mid in mids}
    affirmative = {m.mention_id for c in final for m in c.mentions if not m.negated}
    assert clustered == affirmative  # every affirmative mention is in exactly one event
    assert sum(len(mids) for _, mids in snapshots[0]) == len(affirmative)


def test_dense_chain_rebuilds_match_a_fresh_store(opts: Options, mention: MakeMention,
                                                  stored: Stored) -> None:
    """Daily reports of one dyad; reports added and removed in the middle shift the phase of
    every later window: the incremental result equals clustering everything at once."""
    with open_store(":memory:", opts) as inc, open_store(":memory:", opts) as fresh:
        arts = stored(inc, *(day(n) for n in range(1, 15)))
        stored(fresh, *(day(n) for n in range(1, 15)))
        extra = stored(inc, day(40), day(41), seed=1)
        stored(fresh, day(40), day(41), seed=1)
        coded = {a.article_id: Coded(a.article_id, (mention(a, 0, iso(n + 1)),))
                 for n, a in enumerate(arts)}
        for c in coded.values():  # day by day, as news arrives
            inc.add_coded([c])
        late = Coded(extra[0].article_id, (mention(extra[0], 0, iso(9)),  # a backfill
                                           mention(extra[0], 1, iso(3), tag="x")))
        inc.add_coded([late])
        coded[arts[4].article_id] = Coded(arts[4].article_id)  # the 5th's report retracted
        inc.add_coded([coded[arts[4].article_id]])
        fresh.add_coded([*coded.values(), late])
        assert [e.num_mentions for e in inc.events()] == [e.num_mentions for e in fresh.events()]
        assert inc.events(limit=1000) == fresh.events(limit=1000)
