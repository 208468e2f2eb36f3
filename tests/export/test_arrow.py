"""The Arrow schemas of the event record and their round trips (synthetic records only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flashpoint.errors import DataFileError
from flashpoint.export.arrow import (
    ARTICLE_SCHEMA,
    EVENT_SCHEMA,
    MENTION_SCHEMA,
    articles_from_table,
    articles_table,
    events_from_table,
    events_table,
    mentions_from_table,
    mentions_table,
)
from flashpoint.export.codebook import PLOVER_FIELDS, parse_codebook
from flashpoint.export.gdelt import parse_columns
from flashpoint.model import Actor, Article, Event, Magnitude, Mention, Place, PublishedStatus

BANJSKA = Place(text="Banjska", place_name="Banjska", country="KSV", lat=42.98, lon=20.79,
                geo_precision="point", sentence_index=0, span=(190, 197), geoname_id=None)
BRUSSELS = Place(text="Brussels", place_name="Brussels", country="BEL", lat=50.85,
                 lon=4.35, geo_precision="point", sentence_index=1, span=(10, 18),
                 geoname_id=2800866)
T0 = datetime(2023, 9, 24, 8, 30, tzinfo=UTC)


def make_event(i: int, **changes: object) -> Event:
    base = Event(
        event_id=f"ev{i:04d}", source_code="KSVUAF", target_code="KSVCOP",
        source_country="KSV", target_country="KSV", cameo="193", cameo_root="19",
        quad_class=4, goldstein=-10.0, plover="ASSAULT", event_date="2023-09-24",
        date_precision="day", num_mentions=3, num_articles=2, num_sources=2, first_seen=T0,
        last_seen=T0 + timedelta(days=1), mention_ids=("m1", "m2", "m3"), location=BANJSKA,
        tone=-3.5, source_key="KSVUAF", target_key="KSV", evidence="Gunmen opened fire.",
        confidence=0.9, background=False)
    return replace(base, **changes)  # type: ignore[arg-type]


def make_mention(**changes: object) -> Mention:
    base = Mention(
        mention_id="m1", article_id="a1", sentence_index=2, sentence="Gunmen opened fire.",
        source=Actor(text="Gunmen", code="KSVUAF", country="KSV", role="UAF", state=False,
                     span=(0, 6)),
        target=Actor(text="police", code="KSVCOP", country="KSV", role="COP", ethnic="ALB",
                     group=None, name="Kosovo Police", span=(20, 26)),
        cameo="193", cameo_root="19", quad_class=4, penta_class=4, goldstein=-10.0,
        plover="ASSAULT", plover_mode="firearms", event_date="2023-09-24",
        date_precision="day", background=False, trigger_span=(7, 13),
        magnitude=Magnitude(dead=1, injured=None, size=30), location=BANJSKA,
        quote_ids=("q1",), tone=-2.1, confidence=0.95, rule="open.fire",
        coder_version="fp-coder-0.1", negated=False)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_event_round_trip_keeps_every_field() -> None:
    events = [
        make_event(1),
        make_event(2, target_code=None, target_country=None, target_key=None, location=None,
                   event_date=None, date_precision="unknown", tone=None, mention_ids=()),
        make_event(3, location=BRUSSELS, plover=None, background=True,
                   first_seen=None, last_seen=None),
    ]
    table = events_table(events)
    assert table.schema.equals(EVENT_SCHEMA)
    assert table.num_rows == 3
    assert events_from_table(table) == events


def test_event_times_come_back_as_aware_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    naive = make_event(1, first_seen=datetime(2023, 9, 24, 10, 30),
                       last_seen=datetime(2023, 9, 24, 12, 30, tzinfo=plus2))
    back = events_from_table(events_table([naive]))[0]
    assert back.first_seen == datetime(2023, 9, 24, 10, 30, tzinfo=UTC)
    assert back.last_seen == datetime(2023, 9, 24, 10, 30, tzinfo=UTC)
    assert back.last_seen is not None and back.last_seen.utcoffset() == timedelta(0)


def test_event_date_is_date32_and_partitionable() -> None:
    assert EVENT_SCHEMA.field("event_date").type == pa.date32()
    table = events_table([make_event(1), make_event(2, event_date="2023-10-01")])
    days = [d.isoformat() for d in table.column("event_date").to_pylist()]
    assert days == ["2023-09-24", "2023-10-01"]


def test_exact_types_for_map_in_arrow() -> None:
    # Spark's mapInArrow needs the exact schema: counts and classes are int32, ids int64.
    for name in ("quad_class", "num_mentions", "num_articles", "num_sources"):
        assert EVENT_SCHEMA.field(name).type == pa.int32(), name
    assert EVENT_SCHEMA.field("location_geoname_id").type == pa.int64()
    assert EVENT_SCHEMA.field("first_seen").type == pa.timestamp("us", tz="UTC")
    assert EVENT_SCHEMA.field("mention_ids").type == pa.list_(pa.string())
    assert not EVENT_SCHEMA.field("event_id").nullable
    for schema in (EVENT_SCHEMA, MENTION_SCHEMA, ARTICLE_SCHEMA):
        assert len(set(schema.names)) == len(schema.names)


def test_empty_tables_have_the_schema() -> None:
    assert events_table([]).schema.equals(EVENT_SCHEMA)
    assert mentions_table([]).num_rows == 0
    assert articles_table([]).schema.equals(ARTICLE_SCHEMA)


def test_mention_round_trip() -> None:
    mentions = [
        make_mention(),
        make_mention(mention_id="m2", target=None, location=None, trigger_span=None,
                     magnitude=Magnitude(), event_date=None, quote_ids=(), tone=None,
                     negated=True),
    ]
    table = mentions_table(mentions)
    assert table.schema.equals(MENTION_SCHEMA)
    assert table.column("source_key").to_pylist() == ["KSVUAF", "KSVUAF"]
    assert table.column("target_key").to_pylist() == ["KSV", None]
    assert mentions_from_table(table) == mentions


def test_article_round_trip_leaves_out_raw_bytes() -> None:
    art = Article(article_id="a1", content_sha="c" * 64, title="Title", text="Body\n\nMore",
                  origin="https://news.example/1", url="https://news.example/1",
                  canonical_url="https://news.example/1", source="Outlet", author="A. Writer",
                  published=T0, published_offset_min=120,
                  published_status=PublishedStatus.PARSED, lang="en", lang_score=0.98,
                  raw=b"<html>", raw_sha="r" * 64, story_id="a1", version=2, tone=-1.5)
    table = articles_table([art, replace(art, article_id="a2", published=None)])
    assert "raw" not in table.schema.names
    assert table.column("published_date").to_pylist()[0].isoformat() == "2023-09-24"
    back = articles_from_table(table)
    assert back[0] == replace(art, raw=b"")
    assert back[1].published is None


def test_parquet_file_round_trip(tmp_path: Path) -> None:
    events = [make_event(i) for i in range(5)]
    path = tmp_path / "events.parquet"
    pq.write_table(events_table(events), path, compression="zstd")
    assert events_from_table(pq.read_table(path)) == events


# -- data files --------------------------------------------------------------------------------

GOOD = "index,column,type,filled_from\n0,A,int,x\n1,B,str,y\n"


def test_column_list_parses() -> None:
    cols = parse_columns("t.csv", GOOD, 2)
    assert [(c.index, c.name, c.type) for c in cols] == [(0, "A", "int"), (1, "B", "str")]


@pytest.mark.parametrize(("text", "entry", "field"), [
    ("index,column,type,filled_from\n0,A,int,x\n2,B,str,y\n", "B", "index"),
    ("index,column,type,filled_from\n0,A,int,x\n1,B,text,y\n", "B", "type"),
    ("index,column,type,filled_from\n0,A,int,x\n1,A,str,y\n", "A", "column"),
    ("index,column,type,filled_from\n0,A,int,x\n1,,str,y\n", "row 3", "column"),
])
def test_column_list_errors_name_entry_and_field(text: str, entry: str, field: str) -> None:
    with pytest.raises(DataFileError) as err:
        parse_columns("t.csv", text, 2)
    assert err.value.entry == entry and err.value.field == field
    assert "t.csv" in err.value.message


def test_column_list_count_and_header_are_checked() -> None:
    with pytest.raises(DataFileError, match="1 columns, expected 2"):
        parse_columns("t.csv", "index,column,type,filled_from\n0,A,int,x\n", 2)
    with pytest.raises(DataFileError, match="header"):
        parse_columns("t.csv", "i,c,t\n0,A,int\n", 1)


def _codebook_text(drop: str | None = None) -> str:
    fmts = "".join(f'[formats.{f}]\ntitle = "T"\nabout = "A"\n'
                   for f in ("gdelt", "gdelt-mentions", "plover", "jsonl", "csv", "parquet",
                             "panel"))
    from flashpoint.export.panel import PANEL_SCHEMA

    groups = {"event": EVENT_SCHEMA.names, "panel": PANEL_SCHEMA.names,
              "plover": list(PLOVER_FIELDS)}
    cols = "".join(f"[columns.{g}]\n" + "".join(f'{n} = "d"\n' for n in names if n != drop)
                   for g, names in groups.items())
    codes = "".join(f'[codes.{c}]\nx = "y"\n'
                    for c in ("quad_class", "date_precision", "geo_precision",
                              "actiongeo_type"))
    return fmts + cols + codes


def test_codebook_texts_validate() -> None:
    texts = parse_codebook("cb.toml", _codebook_text())
    assert texts.formats["gdelt"] == ("T", "A")
    with pytest.raises(DataFileError) as err:
        parse_codebook("cb.toml", _codebook_text(drop="event_date"))
    assert err.value.field == "event_date" and err.value.entry == "columns.event"
