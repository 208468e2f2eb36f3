"""add_coded: storing what the coder returns (mentions, quotes, places, tone), replacing it on
re-code and on a new article version, idempotency, errors, the remote path, and migration."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flashpoint.dedup import signature
from flashpoint.errors import InputError, NotFoundError
from flashpoint.model import Actor, Article, Coded, Magnitude, Mention, Place, Quote
from flashpoint.options import Options
from flashpoint.store import CodedOutcome, LocalStore, RemoteStore, Store, open_store, schema, wire

Stored = Callable[..., list[Article]]
MakeMention = Callable[..., Mention]
MakePlace = Callable[..., Place]

SEP24 = datetime(2024, 9, 24, 9, tzinfo=UTC)
SEP25 = datetime(2024, 9, 25, 9, tzinfo=UTC)
SEP30 = datetime(2024, 9, 30, 9, tzinfo=UTC)
VUCIC = Actor(text="Aleksandar Vucic", code="SRBGOV", country="SRB", role="GOV",
              name="Aleksandar Vucic", span=(0, 16))
KURTI = Actor(text="Albin Kurti", code="KSVGOV", country="KSV", role="GOV")


def _quote(art: Article, n: int, speaker: Actor | None, mention_ids: tuple[str, ...] = ()
           ) -> Quote:
    return Quote(quote_id=f"{art.article_id}-q{n}", article_id=art.article_id,
                 text=f"words {n}", span=(10 * n, 10 * n + 7), partial=n % 2 == 1,
                 speaker_text=speaker.text if speaker else None, speaker=speaker,
                 sentence_indices=(n, n + 1), mention_ids=mention_ids)


def _full(art: Article, mention: MakeMention, place_of: MakePlace) -> Coded:
    """A coding with every kind of field filled: nested actors, magnitude, location, quotes."""
    m0 = replace(mention(art, 0, location=place_of("KSV", name="Banjska"), tone=-2.5,
                         confidence=0.9), magnitude=Magnitude(dead=3, injured=2, size=30),
                 quote_ids=(f"{art.article_id}-q0",), plover_mode="firearms")
    m1 = mention(art, 1, None, source=VUCIC, target=None, cameo="010", quad=1, goldstein=0.0,
                 plover=None, negated=True)
    places = (place_of("KSV", name="Banjska"), place_of("SRB", "admin", name="Raska"),
              Place("northern Kosovo", "Northern Kosovo", "KSV", None, None, "admin", 3,
                    (40, 55), 7))
    return Coded(art.article_id, (m0, m1), (_quote(art, 0, VUCIC, (m0.mention_id,)),
                                             _quote(art, 1, None)), places, tone=-1.25)


def test_round_trip(mem: Store, stored: Stored, mention: MakeMention,
                    place_of: MakePlace) -> None:
    art, other = stored(mem, SEP24, SEP25)
    coded = _full(art, mention, place_of)
    out = mem.add_coded([coded, Coded(other.article_id, skipped="language")])
    assert out.mentions_added == 2 and out.mentions_removed == 0
    assert len(out.events_added) == 1  # the negated mention is stored but never clustered
    assert mem.mentions(article_id=art.article_id) == list(coded.mentions)
    assert mem.quotes(article_id=art.article_id) == list(coded.quotes)
    assert mem.places(art.article_id) == list(coded.places)
    assert mem.get_article(art.article_id).tone == -1.25
    assert mem.get_article(art.article_id, version=1).tone == -1.25
    assert mem.places(other.article_id) == [] and mem.mentions(article_id=other.article_id) == []
    stats = mem.stats()
    assert (stats["mentions"], stats["events"], stats["quotes"]) == (2, 1, 2)


def test_recode_replaces_everything(mem: Store, stored: Stored, mention: MakeMention,
                                    place_of: MakePlace) -> None:
    (art,) = stored(mem, SEP24)
    first = _full(art, mention, place_of)
    mem.add_coded([first])
    kept = first.mentions[0]
    new = mention(art, 5, "2024-09-24", cameo="193", tag="new")
    second = Coded(art.article_id, (kept, new), (_quote(art, 7, KURTI),),
                   (place_of("ALB"),), tone=0.5)
    out = mem.add_coded([second])
    assert (out.mentions_added, out.mentions_removed) == (1, 1)  # the negated one went
    assert out.events_changed and not out.events_added and not out.events_removed
    assert {m.mention_id for m in mem.mentions(article_id=art.article_id)} == \
        {kept.mention_id, new.mention_id}
    assert mem.quotes() == list(second.quotes)
    assert mem.places(art.article_id) == [place_of("ALB")]
    assert mem.get_article(art.article_id).tone == 0.5
    # a changed mention (same id, other content) is replaced, counted as removed and added
    changed = replace(new, confidence=0.99, sentence="Changed.")
    out = mem.add_coded([Coded(art.article_id, (kept, changed))])
    assert (out.mentions_added, out.mentions_removed) == (1, 1)
    assert mem.mentions(article_id=art.article_id)[1].sentence == "Changed."
    # an empty coding removes the article's mentions, quotes, places and events
    out = mem.add_coded([Coded(art.article_id, skipped="empty")])
    assert out.mentions_removed == 2 and len(out.events_removed) == 1
    assert mem.stats()["mentions"] == mem.stats()["events"] == mem.stats()["quotes"] == 0
    assert mem.places(art.article_id) == [] and mem.get_article(art.article_id).tone is None


def test_new_version_replaces_the_previous_versions_coding(
    mem: Store, opts: Options, stored: Stored, mention: MakeMention,
) -> None:
    (v1,) = stored(mem, SEP24)
    mem.add_coded([Coded(v1.article_id, (mention(v1, 0), mention(v1, 1)), tone=-1.0)])
    v2 = replace(v1, text=v1.text + " Updated with a correction.", content_sha="")
    (outcome,) = mem.add_articles([(v2, signature(v2.text, opts))])
    assert outcome.status == "updated" and outcome.version == 2
    v2 = mem.get_article(v1.article_id)
    fresh = mention(v2, 0)
    assert fresh.mention_id != mention(v1, 0).mention_id
    out = mem.add_coded([Coded(v2.article_id, (fresh,), tone=-3.0)])
    assert (out.mentions_added, out.mentions_removed) == (1, 2)
    assert out.events_changed and not out.events_added  # same event, fewer reports
    assert mem.mentions(article_id=v1.article_id) == [fresh]
    assert mem.event(out.events_changed[0]).mention_ids == (fresh.mention_id,)
    assert mem.get_article(v1.article_id, version=2).tone == -3.0
    assert mem.get_article(v1.article_id, version=1).tone == -1.0  # its own coding's tone
    assert isinstance(mem, LocalStore)
    with mem._reader() as cur:
        assert cur.execute("SELECT DISTINCT article_version FROM mentions").fetchall() == [(2,)]


def _dump(store: Store) -> dict[str, list[str]]:
    assert isinstance(store, LocalStore)
    with store._reader() as cur:
        return {t: sorted(map(repr, cur.execute(f"SELECT * FROM {t}").fetchall()))
                for t in ("mentions", "events", "quotes", "places",
                          "articles", "article_versions")}


def test_idempotent(mem: Store, stored: Stored, mention: MakeMention,
                    place_of: MakePlace) -> None:
    a, b = stored(mem, SEP24, SEP25)
    batch = [_full(a, mention, place_of),
             Coded(b.article_id, (mention(b, 0, "2024-09-25"), mention(b, 1, None)), tone=1.0)]
    first = mem.add_coded(batch)
    assert first.mentions_added == 4 and len(first.events_added) == 2
    before = _dump(mem)
    again = mem.add_coded(batch)
    assert again == CodedOutcome() and again.empty
    assert _dump(mem) == before  # not even a timestamp moved
    # the same article twice in one call: the later coding wins
    twice = mem.add_coded([Coded(b.article_id), batch[1]])
    assert twice.empty
    assert mem.add_coded([]) == CodedOutcome()


def test_unknown_article_changes_nothing(mem: Store, stored: Stored,
                                         mention: MakeMention) -> None:
    (art,) = stored(mem, SEP24)
    ghost = replace(art, article_id="0123456789abcdef")
    with pytest.raises(NotFoundError, match="'0123456789abcdef' is not in the store") as info:
        mem.add_coded([Coded(art.article_id, (mention(art, 0),)),
                       Coded(ghost.article_id, (mention(ghost, 0),))])
    assert info.value.subject == ghost.article_id and "add_articles" in info.value.fix
    assert mem.stats()["mentions"] == 0 and mem.stats()["events"] == 0


def test_bad_input(mem: Store, stored: Stored, mention: MakeMention) -> None:
    a, b = stored(mem, SEP24, SEP25)
    cases: list[tuple[Any, str]] = [
        (["not coded"], "not a Coded"),
        (Coded(a.article_id), "sequence"),
        ([Coded(a.article_id, (mention(b, 0),))], "belongs to article"),
        ([Coded(a.article_id, (mention(a, 0), mention(a, 0)))], "given twice"),
        ([Coded(a.article_id, (mention(a, 0, "24 Sep"),))], "not an ISO date"),
        ([Coded(a.article_id, quotes=(_quote(b, 0, None),))], "quote"),
        ([Coded(a.article_id, places=("Banjska",))], "Place"),  # type: ignore[arg-type]
    ]
    for items, match in cases:
        with pytest.raises(InputError, match=match):
            mem.add_coded(items)
    assert mem.stats()["mentions"] == 0


def test_article_ids(mem: Store, stored: Stored) -> None:
    a, b, c = stored(mem, SEP25, None, SEP24)
    assert mem.article_ids() == [c.article_id, a.article_id, b.article_id]
    assert mem.article_ids(since=SEP25) == [a.article_id]
    assert mem.article_ids(until=SEP25) == [c.article_id]
    assert mem.article_ids(since=SEP30) == []


def test_quotes_filters(mem: Store, stored: Stored) -> None:
    a, b, c = stored(mem, SEP24, SEP30, None)
    mem.add_coded([Coded(a.article_id, quotes=(_quote(a, 0, VUCIC), _quote(a, 1, KURTI))),
                   Coded(b.article_id, quotes=(_quote(b, 0, VUCIC),)),
                   Coded(c.article_id, quotes=(_quote(c, 0, None),))])
    everything = mem.quotes()
    assert [q.article_id for q in everything] == [b.article_id, a.article_id, a.article_id,
                                                  c.article_id]
    for key in ("SRB", "SRBGOV"):  # the speaker's country or full code
        assert {q.quote_id for q in mem.quotes(actor=key)} == {f"{a.article_id}-q0",
                                                               f"{b.article_id}-q0"}
    assert [q.speaker for q in mem.quotes(actor="KSV")] == [KURTI]
    assert [q.article_id for q in mem.quotes(since=date(2024, 9, 25))] == [b.article_id]
    assert {q.article_id for q in mem.quotes(until=date(2024, 9, 25))} == {a.article_id}
    assert mem.quotes(until=datetime(2024, 9, 24, 8, tzinfo=UTC)) == []
    assert len(mem.quotes(limit=1, offset=1)) == 1
    assert mem.quotes(article_id=c.article_id)[0].speaker is None
    with pytest.raises(NotFoundError):
        mem.quotes(article_id="nope")


def test_lookups_not_found(mem: Store, stored: Stored, mention: MakeMention) -> None:
    (art,) = stored(mem, SEP24)
    mem.add_coded([Coded(art.article_id, (mention(art, 0),))])
    for call in (lambda: mem.event("nope"), lambda: mem.places("nope"),
                 lambda: mem.mentions(article_id="nope"), lambda: mem.mentions(event_id="nope")):
        with pytest.raises(NotFoundError, match="'nope' is not in the store"):
            call()
    with pytest.raises(InputError, match="limit"):
        mem.mentions(limit=10**6)
    assert mem.mentions() == [mention(art, 0)]


def test_through_a_remote_store(store: Store, db_path: Path, opts: Options, stored: Stored,
                                mention: MakeMention, place_of: MakePlace) -> None:
    a, b = stored(store, SEP24, SEP25)
    batch = [_full(a, mention, place_of), Coded(b.article_id, (mention(b, 0, "2024-09-25"),))]
    with open_store(db_path, opts) as client:
        assert isinstance(client, RemoteStore) and not client.is_owner
        out = client.add_coded(batch)
        assert out.mentions_added == 3 and len(out.events_added) == 1
        assert client.add_coded(batch).empty
        (event,) = client.events(dyad=("SRB", "KSV"), since=date(2024, 9, 1))
        assert event == store.event(event.event_id) == client.event(event.event_id)
        assert client.mentions(event_id=event.event_id) == \
            store.mentions(event_id=event.event_id)
        assert client.mentions(article_id=a.article_id) == list(batch[0].mentions)
        assert client.quotes(actor="SRB") == store.quotes(actor="SRB")
        assert client.places(a.article_id) == list(batch[0].places)
        assert client.article_ids() == store.article_ids()
        assert client.stats()["events"] == 1
        with pytest.raises(NotFoundError, match="not in the store"):
            client.add_coded([Coded("feedfeedfeedfeed")])
        with pytest.raises(NotFoundError):
            client.event("nope")


def test_wire_round_trips_coded_records(mention: MakeMention, place_of: MakePlace,
                                        stored: Stored, mem: Store) -> None:
    (art,) = stored(mem, SEP24)
    coded = _full(art, mention, place_of)
    mem.add_coded([coded])
    (event,) = mem.events()

    def rt(value: object) -> object:
        return wire.decode(json.loads(wire.dumps(wire.encode(value))))

    assert rt(coded) == coded and rt([event]) == [event]
    outcome = CodedOutcome(2, 1, ("e1",), (), ("e2", "e3"))
    assert rt(outcome) == outcome
    for name in ("add_coded", "events", "event", "mentions", "quotes", "places", "article_ids"):
        assert name in wire.METHODS
    _, kwargs = wire.parse_request(wire.request("events", {"dyad": ("SRB", None),
                                                                "since": date(2024, 9, 1)}))
    assert kwargs == {"dyad": ("SRB", None), "since": date(2024, 9, 1)}


def test_migration_from_a_version_2_store(
    db_path: Path, opts: Options, stored: Stored, mention: MakeMention,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = schema.migrations()[:2]
    monkeypatch.setattr(schema, "migrations", lambda: old)
    with open_store(db_path, opts) as st:
        assert st.schema_version() == 2
        (art,) = stored(st, SEP24)
    con = duckdb.connect(str(db_path))  # a mention row written by an older coder
    con.execute(
        "INSERT INTO mentions (mention_id, article_id, article_version, sentence_index,"
        " sentence, source, target, cameo, cameo_root, quad_class, penta_class, goldstein,"
        " date_precision, background, confidence, rule, coder_version, coded_at) VALUES"
        " ('old', ?, 1, 0, 's', {'text': 'NATO', 'code': 'IGOWSTNAT', 'country': NULL,"
        " 'role': NULL, 'state': false, 'ethnic': NULL, 'group': 'NAT', 'name': NULL,"
        " 'span': NULL}, NULL, '010', '01', 1, 1, 0.0, 'unknown', false, 0.5, 'r', 'v0',"
        " now()::TIMESTAMP)", [art.article_id])
    con.close()
    monkeypatch.undo()
    with open_store(db_path, opts) as st:
        assert st.schema_version() == schema.latest_version() >= 3
        assert isinstance(st, LocalStore)
        with st._reader() as cur:
            assert cur.execute("SELECT source_key, target_key FROM mentions").fetchall() == \
                [("NAT", None)]
        out = st.add_coded([Coded(art.article_id, (mention(art, 0),), tone=0.25)])
        assert (out.mentions_added, out.mentions_removed) == (1, 1)
        assert st.mentions() == [mention(art, 0)] and st.stats()["events"] == 1
        assert st.get_article(art.article_id).tone == 0.25
