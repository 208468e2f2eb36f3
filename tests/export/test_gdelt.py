"""GDELT 2.0 export of the sample corpus: read our TSV with the 61-column header and check it."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flashpoint.coding.cameo import load_cameo_table
from flashpoint.export.gdelt import (
    event_columns,
    fips_code,
    global_event_id,
    mention_columns,
)
from flashpoint.export.reading import EventFilter, iter_events
from flashpoint.export.run import export
from flashpoint.model import Event
from flashpoint.store import Store, open_store


@pytest.fixture(scope="module")
def store(ingested_sample: Path) -> Iterator[Store]:
    with open_store(ingested_sample) as st:
        yield st


@pytest.fixture(scope="module")
def events(store: Store) -> list[Event]:
    found = list(iter_events(store))
    assert len(found) > 30  # the corpus codes dozens of events
    return found


@pytest.fixture(scope="module")
def gdelt_rows(store: Store, tmp_path_factory: pytest.TempPathFactory
               ) -> list[dict[str, str]]:
    out = tmp_path_factory.mktemp("gdelt") / "events.tsv"
    result = export(store, "gdelt", out=out)
    header = [c.name for c in event_columns()]
    with out.open(encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(raw) == result.rows
    assert all(len(r) == 61 for r in raw), {len(r) for r in raw}
    return [dict(zip(header, r, strict=True)) for r in raw]


def test_column_list_matches_the_gdelt_reference(shared_dir: Path) -> None:
    ref = shared_dir / "reference" / "gdelt2_event_columns.csv"
    with ref.open(encoding="utf-8") as fh:
        names = [row["column"] for row in csv.DictReader(fh)]
    assert [c.name for c in event_columns()] == names
    ref_m = shared_dir / "reference" / "gdelt2_mentions_columns.csv"
    with ref_m.open(encoding="utf-8") as fh:
        mnames = [row["column"] for row in csv.DictReader(fh) if row["bq_type"]]
    assert [c.name for c in mention_columns()] == mnames


def test_global_event_id_is_a_deterministic_63_bit_int() -> None:
    expected = int.from_bytes(hashlib.sha256(b"f63e2d539fa6904b").digest()[:8], "big")
    assert global_event_id("f63e2d539fa6904b") == expected & (2**63 - 1)
    assert 0 <= global_event_id("x") < 2**63
    assert global_event_id("a") != global_event_id("b")


def test_fips_codes() -> None:
    assert fips_code("KSV") == "KV"
    assert fips_code("SRB") == "RI"
    assert fips_code("USA") == "US"
    assert fips_code(None) == "" and fips_code("XXX") == ""


def _check_type(kind: str, value: str, name: str) -> None:
    if value == "":
        return
    if kind == "int":
        assert re.fullmatch(r"-?\d+", value), (name, value)
    elif kind == "float":
        float(value)  # raises when not a number


def test_every_field_has_its_type(gdelt_rows: list[dict[str, str]]) -> None:
    for row in gdelt_rows:
        for col in event_columns():
            _check_type(col.type, row[col.name], col.name)


def test_dates(gdelt_rows: list[dict[str, str]], events: list[Event]) -> None:
    by_id = {str(global_event_id(e.event_id)): e for e in events}
    for row in gdelt_rows:
        event = by_id[row["GLOBALEVENTID"]]
        if event.event_date is None:
            assert row["SQLDATE"] == row["Year"] == ""
            continue
        assert re.fullmatch(r"\d{8}", row["SQLDATE"])
        day = date(int(row["SQLDATE"][:4]), int(row["SQLDATE"][4:6]), int(row["SQLDATE"][6:]))
        assert day.isoformat() == event.event_date
        assert row["MonthYear"] == row["SQLDATE"][:6] and row["Year"] == row["SQLDATE"][:4]
        assert float(row["FractionDate"]) == pytest.approx(
            day.year + (day.month * 30 + day.day) / 365, abs=1e-4)
        assert re.fullmatch(r"\d{14}", row["DATEADDED"]), row["DATEADDED"]


def test_ids_are_unique_and_counts_match(gdelt_rows: list[dict[str, str]],
                                         events: list[Event]) -> None:
    ids = [row["GLOBALEVENTID"] for row in gdelt_rows]
    assert len(set(ids)) == len(ids) == len(events)
    by_id = {str(global_event_id(e.event_id)): e for e in events}
    for row in gdelt_rows:
        e = by_id[row["GLOBALEVENTID"]]
        assert (int(row["NumMentions"]), int(row["NumSources"]), int(row["NumArticles"])) == (
            e.num_mentions, e.num_sources, e.num_articles)
        assert row["Actor1Code"] == e.source_code
        assert row["Actor2Code"] == (e.target_code or "")


def test_cameo_fields(gdelt_rows: list[dict[str, str]]) -> None:
    table = load_cameo_table()
    for row in gdelt_rows:
        code = row["EventCode"]
        assert re.fullmatch(r"\d{2,4}", code)
        assert row["EventRootCode"] == code[:2]
        assert row["EventBaseCode"] == code[:3]
        entry = table.get(code)
        assert int(row["QuadClass"]) in (1, 2, 3, 4)
        assert int(row["QuadClass"]) == entry.quad_class
        assert float(row["GoldsteinScale"]) == entry.goldstein


def test_geography_uses_fips_and_kosovo_is_kv(gdelt_rows: list[dict[str, str]],
                                             events: list[Event]) -> None:
    by_id = {str(global_event_id(e.event_id)): e for e in events}
    kosovo = 0
    for row in gdelt_rows:
        place = by_id[row["GLOBALEVENTID"]].location
        if place is None:
            assert row["ActionGeo_Type"] == row["ActionGeo_CountryCode"] == ""
            assert row["ActionGeo_Lat"] == ""
            continue
        assert row["ActionGeo_CountryCode"] == fips_code(place.country)
        if place.country == "KSV":
            kosovo += 1
            assert row["ActionGeo_CountryCode"] == "KV"
        assert row["ActionGeo_Type"] in {"1", "2", "3", "4", "5"}
        if place.lat is not None:
            assert float(row["ActionGeo_Lat"]) == pytest.approx(place.lat)
            assert float(row["ActionGeo_Long"]) == pytest.approx(place.lon)
    assert kosovo >= 3
    geo_codes = {row[f"{p}Geo_CountryCode"] for row in gdelt_rows
                 for p in ("Actor1", "Actor2", "Action")}
    assert "KSV" not in geo_codes and "SRB" not in geo_codes
    actor_codes = {row["Actor1CountryCode"] for row in gdelt_rows}
    assert "KSV" in actor_codes  # actor country columns keep the CAMEO code


def test_fields_we_do_not_have_are_empty(gdelt_rows: list[dict[str, str]]) -> None:
    never = [c.name for c in event_columns() if c.filled_from.startswith("not coded")]
    assert "Actor1Religion1Code" in never and "Actor2Geo_Lat" in never
    for row in gdelt_rows:
        assert all(row[name] == "" for name in never)
    urls = [row["SOURCEURL"] for row in gdelt_rows]
    assert all(u == "" or u.startswith("https://") for u in urls)
    assert any(urls)


def test_filters_apply(store: Store, events: list[Event]) -> None:
    buf = io.StringIO()
    result = export(store, "gdelt", stream=buf, filters=EventFilter(dyad=("SRB", "KSV")))
    rows = [line.split("\t") for line in buf.getvalue().splitlines()]
    expected = [e for e in events if e.source_key == "SRB" and e.target_key == "KSV"]
    assert result.rows == len(rows) == len(expected) > 0
    assert {r[7] for r in rows} == {"SRB"} and {r[17] for r in rows} == {"KSV"}


def test_mentions_table(store: Store, events: list[Event]) -> None:
    buf = io.StringIO()
    result = export(store, "gdelt-mentions", stream=buf)
    rows = [dict(zip([c.name for c in mention_columns()], line.split("\t"), strict=True))
            for line in buf.getvalue().splitlines()]
    assert result.rows == len(rows) == sum(e.num_mentions for e in events)
    ids = {str(global_event_id(e.event_id)) for e in events}
    assert {r["GLOBALEVENTID"] for r in rows} <= ids
    texts: dict[str, str] = {}
    located = 0
    for r in rows:
        for col in mention_columns():
            _check_type(col.type, r[col.name], col.name)
        assert int(r["SentenceID"]) >= 1 and r["MentionType"] in {"1", "2"}
        assert 0 <= int(r["Confidence"]) <= 100
        if r["MentionType"] == "1":
            assert r["MentionIdentifier"].startswith("https://")
            assert "." in r["MentionSourceName"] and "/" not in r["MentionSourceName"]
        located += int(r["Actor1CharOffset"] != "")
    assert located > len(rows) // 2
    # the char offsets point at the actor's words (span) in the article text
    checked = 0
    for e in events[:40]:
        for m in store.mentions(event_id=e.event_id):
            if m.negated or m.source.span is None:
                continue
            text = texts.setdefault(m.article_id, store.get_article(m.article_id).text)
            base = text.find(m.sentence)
            if base < 0:
                continue
            start = base + m.source.span[0]
            row = next(r for r in rows if r["GLOBALEVENTID"] == str(global_event_id(e.event_id))
                       and r["SentenceID"] == str(m.sentence_index + 1)
                       and r["Actor1CharOffset"] == str(start))
            s0, s1 = m.source.span
            assert text[start:start + s1 - s0] == m.sentence[s0:s1]
            assert int(row["MentionDocLen"]) == len(text)
            checked += 1
    assert checked >= 10


def _row_of(rows: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(r for r in rows if r[key] == value)


def test_actor_details_come_from_the_representative_report(
        gdelt_rows: list[dict[str, str]]) -> None:
    roles = {row["Actor1Type1Code"] for row in gdelt_rows}
    assert {"GOV", "COP"} <= roles
    named = [row for row in gdelt_rows if row["Actor1Name"]]
    assert len(named) == len(gdelt_rows)
    assert all(row["Actor1Name"] == row["Actor1Name"].upper() for row in named)
    nato = [row for row in gdelt_rows if row["Actor1KnownGroupCode"] == "NAT"]
    assert nato and all(row["Actor1Code"].startswith("IGO") for row in nato)


def test_context_is_the_same_per_item_or_in_one_pass(
        store: Store, events: list[Event], monkeypatch: pytest.MonkeyPatch) -> None:
    from flashpoint.export import reading

    some = events[:12]
    one_pass = reading.load_context(store, some, keep_text=True)
    monkeypatch.setattr(reading, "MENTIONS_PER_EVENT_QUERY", 0)
    monkeypatch.setattr(reading, "ARTICLES_PER_ARTICLE_QUERY", 0)
    per_item = reading.load_context(store, some, keep_text=True)
    assert dict(per_item.mentions) == dict(one_pass.mentions)
    assert dict(per_item.articles) == dict(one_pass.articles)
    assert set(one_pass.mentions) == {m for e in some for m in e.mention_ids}
    for e in some:
        rep = one_pass.representative(e)
        assert rep is not None and rep.source.code == e.source_code
        assert rep.sentence == e.evidence
