"""The Arrow schemas of the event, mention and article records, and conversions both ways.

One schema per record, everywhere: the Parquet exports, the local and Spark batch runners
(``flashpoint.scale``, ``mapInArrow`` needs exact types) and ``flashpoint serve --parquet`` read
and write these.  The schemas are stable; a change is a new ``SCHEMA_VERSION``.

Layout (documented in the export codebook, ``export/data/codebook.toml``):

- Records are **flat**: nested actors become ``source_*`` / ``target_*`` columns, the location
  ``location_*``, the magnitude ``magnitude_*``, spans ``*_start`` / ``*_end``.  A missing
  nested record is all-null: ``target_code`` is null exactly when there is no target,
  ``location_place_name`` is null exactly when there is no location.
- ``event_date`` is ``date32`` (the partition key ``date=YYYY-MM-DD`` derives from it; null when
  the date is unknown).  Times are ``timestamp[us, UTC]``; small integers ``int32``; counts
  ``int32``; ``location_geoname_id`` ``int64``; scores ``float64``; id lists ``list<string>``.
- ``ARTICLE_SCHEMA`` leaves out the raw bytes (``raw``; ``raw_sha`` names them).

Schema objects are immutable, so they live at module level.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from ..model import Actor, Article, Event, Magnitude, Mention, Place, PublishedStatus, actor_key

SCHEMA_VERSION = 1

_TS = pa.timestamp("us", tz="UTC")

_LOCATION_FIELDS: list[tuple[str, pa.DataType]] = [
    ("location_text", pa.string()), ("location_place_name", pa.string()),
    ("location_country", pa.string()), ("location_lat", pa.float64()),
    ("location_lon", pa.float64()), ("location_geo_precision", pa.string()),
    ("location_sentence_index", pa.int32()), ("location_span_start", pa.int32()),
    ("location_span_end", pa.int32()), ("location_geoname_id", pa.int64()),
]


def _actor_fields(prefix: str) -> list[tuple[str, pa.DataType]]:
    return [
        (f"{prefix}_text", pa.string()), (f"{prefix}_code", pa.string()),
        (f"{prefix}_country", pa.string()), (f"{prefix}_role", pa.string()),
        (f"{prefix}_state", pa.bool_()), (f"{prefix}_ethnic", pa.string()),
        (f"{prefix}_group", pa.string()), (f"{prefix}_name", pa.string()),
        (f"{prefix}_span_start", pa.int32()), (f"{prefix}_span_end", pa.int32()),
        (f"{prefix}_key", pa.string()),
    ]


EVENT_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        ("event_date", pa.date32()), ("date_precision", pa.string()),
        pa.field("source_code", pa.string(), nullable=False),
        ("source_country", pa.string()), ("source_key", pa.string()),
        ("target_code", pa.string()), ("target_country", pa.string()),
        ("target_key", pa.string()),
        ("cameo", pa.string()), ("cameo_root", pa.string()), ("quad_class", pa.int32()),
        ("goldstein", pa.float64()), ("plover", pa.string()),
        ("num_mentions", pa.int32()), ("num_articles", pa.int32()),
        ("num_sources", pa.int32()), ("first_seen", _TS), ("last_seen", _TS),
        ("tone", pa.float64()), ("confidence", pa.float64()), ("background", pa.bool_()),
        ("evidence", pa.string()), ("mention_ids", pa.list_(pa.string())),
        *_LOCATION_FIELDS,
    ],
    metadata={"flashpoint.record": "event", "flashpoint.schema_version": str(SCHEMA_VERSION)},
)

MENTION_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("mention_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        ("sentence_index", pa.int32()), ("sentence", pa.string()),
        ("event_date", pa.date32()), ("date_precision", pa.string()),
        *_actor_fields("source"), *_actor_fields("target"),
        ("cameo", pa.string()), ("cameo_root", pa.string()), ("quad_class", pa.int32()),
        ("penta_class", pa.int32()), ("goldstein", pa.float64()), ("plover", pa.string()),
        ("plover_mode", pa.string()), ("background", pa.bool_()), ("negated", pa.bool_()),
        ("trigger_start", pa.int32()), ("trigger_end", pa.int32()),
        ("magnitude_dead", pa.int32()), ("magnitude_injured", pa.int32()),
        ("magnitude_size", pa.int32()),
        *_LOCATION_FIELDS,
        ("quote_ids", pa.list_(pa.string())), ("tone", pa.float64()),
        ("confidence", pa.float64()), ("rule", pa.string()), ("coder_version", pa.string()),
    ],
    metadata={"flashpoint.record": "mention", "flashpoint.schema_version": str(SCHEMA_VERSION)},
)

ARTICLE_SCHEMA: pa.Schema = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("content_sha", pa.string(), nullable=False),
        ("version", pa.int32()), ("story_id", pa.string()), ("title", pa.string()),
        ("text", pa.string()), ("origin", pa.string()), ("url", pa.string()),
        ("canonical_url", pa.string()), ("source", pa.string()), ("author", pa.string()),
        ("published", _TS), ("published_date", pa.date32()),
        ("published_offset_min", pa.int32()), ("published_status", pa.string()),
        ("lang", pa.string()), ("lang_score", pa.float64()), ("raw_sha", pa.string()),
        ("tone", pa.float64()),
    ],
    metadata={"flashpoint.record": "article", "flashpoint.schema_version": str(SCHEMA_VERSION)},
)


# -- helpers -----------------------------------------------------------------------------------

def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: datetime | None) -> datetime | None:
    """Aware UTC (naive values are taken as UTC, the store's convention)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _pair(start: Any, end: Any) -> tuple[int, int] | None:
    if start is None or end is None:
        return None
    return int(start), int(end)


def _location_row(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {name: None for name, _ in _LOCATION_FIELDS}
    span = place.span or (None, None)
    return {
        "location_text": place.text, "location_place_name": place.place_name,
        "location_country": place.country, "location_lat": place.lat,
        "location_lon": place.lon, "location_geo_precision": place.geo_precision,
        "location_sentence_index": place.sentence_index, "location_span_start": span[0],
        "location_span_end": span[1], "location_geoname_id": place.geoname_id,
    }


def _location_from(row: dict[str, Any]) -> Place | None:
    if row["location_place_name"] is None:
        return None
    return Place(
        text=row["location_text"] or "", place_name=row["location_place_name"],
        country=row["location_country"], lat=row["location_lat"], lon=row["location_lon"],
        geo_precision=row["location_geo_precision"] or "none",
        sentence_index=row["location_sentence_index"],
        span=_pair(row["location_span_start"], row["location_span_end"]),
        geoname_id=row["location_geoname_id"],
    )


def _actor_row(prefix: str, actor: Actor | None) -> dict[str, Any]:
    if actor is None:
        return {name: None for name, _ in _actor_fields(prefix)}
    span = actor.span or (None, None)
    return {
        f"{prefix}_text": actor.text, f"{prefix}_code": actor.code,
        f"{prefix}_country": actor.country, f"{prefix}_role": actor.role,
        f"{prefix}_state": actor.state, f"{prefix}_ethnic": actor.ethnic,
        f"{prefix}_group": actor.group, f"{prefix}_name": actor.name,
        f"{prefix}_span_start": span[0], f"{prefix}_span_end": span[1],
        f"{prefix}_key": actor_key(actor),
    }


def _actor_from(prefix: str, row: dict[str, Any]) -> Actor | None:
    if row[f"{prefix}_code"] is None:
        return None
    state = row[f"{prefix}_state"]
    return Actor(
        text=row[f"{prefix}_text"] or "", code=row[f"{prefix}_code"],
        country=row[f"{prefix}_country"], role=row[f"{prefix}_role"],
        state=True if state is None else bool(state), ethnic=row[f"{prefix}_ethnic"],
        group=row[f"{prefix}_group"], name=row[f"{prefix}_name"],
        span=_pair(row[f"{prefix}_span_start"], row[f"{prefix}_span_end"]),
    )


# -- events ------------------------------------------------------------------------------------

def event_row(event: Event) -> dict[str, Any]:
    """One event as a flat dict with the columns of ``EVENT_SCHEMA`` (dates as ``date``)."""
    return {
        "event_id": event.event_id, "event_date": _day(event.event_date),
        "date_precision": event.date_precision, "source_code": event.source_code,
        "source_country": event.source_country, "source_key": event.source_key,
        "target_code": event.target_code, "target_country": event.target_country,
        "target_key": event.target_key, "cameo": event.cameo, "cameo_root": event.cameo_root,
        "quad_class": event.quad_class, "goldstein": event.goldstein, "plover": event.plover,
        "num_mentions": event.num_mentions, "num_articles": event.num_articles,
        "num_sources": event.num_sources, "first_seen": _utc(event.first_seen),
        "last_seen": _utc(event.last_seen), "tone": event.tone,
        "confidence": event.confidence, "background": event.background,
        "evidence": event.evidence, "mention_ids": list(event.mention_ids),
        **_location_row(event.location),
    }


def events_table(events: Iterable[Event]) -> pa.Table:
    """The events as one Arrow table of ``EVENT_SCHEMA``."""
    return pa.Table.from_pylist([event_row(e) for e in events], schema=EVENT_SCHEMA)


def event_from_row(row: dict[str, Any]) -> Event:
    """The inverse of ``event_row`` (accepts a row of any table with ``EVENT_SCHEMA``)."""
    return Event(
        event_id=row["event_id"], source_code=row["source_code"],
        target_code=row["target_code"], source_country=row["source_country"],
        target_country=row["target_country"], cameo=row["cameo"],
        cameo_root=row["cameo_root"], quad_class=int(row["quad_class"]),
        goldstein=float(row["goldstein"]), plover=row["plover"],
        event_date=_iso(row["event_date"]), date_precision=row["date_precision"],
        num_mentions=int(row["num_mentions"]), num_articles=int(row["num_articles"]),
        num_sources=int(row["num_sources"]), first_seen=_utc(row["first_seen"]),
        last_seen=_utc(row["last_seen"]), mention_ids=tuple(row["mention_ids"] or ()),
        location=_location_from(row), tone=row["tone"],
        source_key=row["source_key"] or "", target_key=row["target_key"],
        evidence=row["evidence"] or "", confidence=float(row["confidence"] or 0.0),
        background=bool(row["background"]),
    )


def events_from_table(table: pa.Table) -> list[Event]:
    """The events of a table with ``EVENT_SCHEMA`` (extra columns are ignored)."""
    return [event_from_row(r) for r in table.select(EVENT_SCHEMA.names).to_pylist()]


# -- mentions ----------------------------------------------------------------------------------

def mention_row(mention: Mention) -> dict[str, Any]:
    """One mention as a flat dict with the columns of ``MENTION_SCHEMA``."""
    trigger = mention.trigger_span or (None, None)
    mag = mention.magnitude
    return {
        "mention_id": mention.mention_id, "article_id": mention.article_id,
        "sentence_index": mention.sentence_index, "sentence": mention.sentence,
        "event_date": _day(mention.event_date), "date_precision": mention.date_precision,
        **_actor_row("source", mention.source), **_actor_row("target", mention.target),
        "cameo": mention.cameo, "cameo_root": mention.cameo_root,
        "quad_class": mention.quad_class, "penta_class": mention.penta_class,
        "goldstein": mention.goldstein, "plover": mention.plover,
        "plover_mode": mention.plover_mode, "background": mention.background,
        "negated": mention.negated, "trigger_start": trigger[0], "trigger_end": trigger[1],
        "magnitude_dead": mag.dead, "magnitude_injured": mag.injured,
        "magnitude_size": mag.size, **_location_row(mention.location),
        "quote_ids": list(mention.quote_ids), "tone": mention.tone,
        "confidence": mention.confidence, "rule": mention.rule,
        "coder_version": mention.coder_version,
    }


def mentions_table(mentions: Iterable[Mention]) -> pa.Table:
    """The mentions as one Arrow table of ``MENTION_SCHEMA``."""
    return pa.Table.from_pylist([mention_row(m) for m in mentions], schema=MENTION_SCHEMA)


def mention_from_row(row: dict[str, Any]) -> Mention:
    source = _actor_from("source", row)
    if source is None:
        source = Actor(text="", code="")
    return Mention(
        mention_id=row["mention_id"], article_id=row["article_id"],
        sentence_index=int(row["sentence_index"]), sentence=row["sentence"] or "",
        source=source, target=_actor_from("target", row), cameo=row["cameo"],
        cameo_root=row["cameo_root"], quad_class=int(row["quad_class"]),
        penta_class=int(row["penta_class"]), goldstein=float(row["goldstein"]),
        plover=row["plover"], plover_mode=row["plover_mode"],
        event_date=_iso(row["event_date"]), date_precision=row["date_precision"],
        background=bool(row["background"]),
        trigger_span=_pair(row["trigger_start"], row["trigger_end"]),
        magnitude=Magnitude(row["magnitude_dead"], row["magnitude_injured"],
                            row["magnitude_size"]),
        location=_location_from(row), quote_ids=tuple(row["quote_ids"] or ()),
        tone=row["tone"], confidence=float(row["confidence"] or 0.0), rule=row["rule"] or "",
        coder_version=row["coder_version"] or "", negated=bool(row["negated"]),
    )


def mentions_from_table(table: pa.Table) -> list[Mention]:
    """The mentions of a table with ``MENTION_SCHEMA``."""
    return [mention_from_row(r) for r in table.select(MENTION_SCHEMA.names).to_pylist()]


# -- articles ----------------------------------------------------------------------------------

def article_row(article: Article) -> dict[str, Any]:
    """One article (without its raw bytes) as a flat dict with the columns of ARTICLE_SCHEMA."""
    published = _utc(article.published)
    return {
        "article_id": article.article_id, "content_sha": article.content_sha,
        "version": article.version, "story_id": article.story_id, "title": article.title,
        "text": article.text, "origin": article.origin, "url": article.url,
        "canonical_url": article.canonical_url, "source": article.source,
        "author": article.author, "published": published,
        "published_date": published.date() if published is not None else None,
        "published_offset_min": article.published_offset_min,
        "published_status": str(article.published_status), "lang": article.lang,
        "lang_score": article.lang_score, "raw_sha": article.raw_sha, "tone": article.tone,
    }


def articles_table(articles: Iterable[Article]) -> pa.Table:
    """The articles as one Arrow table of ``ARTICLE_SCHEMA`` (raw bytes left out)."""
    return pa.Table.from_pylist([article_row(a) for a in articles], schema=ARTICLE_SCHEMA)


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(
        article_id=row["article_id"], content_sha=row["content_sha"],
        title=row["title"] or "", text=row["text"] or "", origin=row["origin"] or "",
        url=row["url"], canonical_url=row["canonical_url"], source=row["source"],
        author=row["author"], published=_utc(row["published"]),
        published_offset_min=row["published_offset_min"],
        published_status=PublishedStatus(row["published_status"] or "unknown"),
        lang=row["lang"], lang_score=row["lang_score"], raw_sha=row["raw_sha"] or "",
        story_id=row["story_id"], version=int(row["version"] or 1), tone=row["tone"],
    )


def articles_from_table(table: pa.Table) -> list[Article]:
    """The articles of a table with ``ARTICLE_SCHEMA`` (``raw`` is empty)."""
    return [article_from_row(r) for r in table.select(ARTICLE_SCHEMA.names).to_pylist()]
