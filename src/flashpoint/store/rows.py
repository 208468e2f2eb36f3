"""Records <-> rows: the Arrow schemas the store writes and the conversions both ways.

``Mention``, ``Quote``, ``Place``, ``Actor`` and ``Event`` are written as Arrow tables (nested
records as structs matching the ``actor_t`` / ``place_t`` types of migration 2) and read back
into equal records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from ..ids import sha256_hex
from ..model import Actor, Event, Magnitude, Mention, Place, Quote, actor_key
from .base import from_utc_naive

_SPAN = pa.list_(pa.int32())

ACTOR_T = pa.struct([
    ("text", pa.string()), ("code", pa.string()), ("country", pa.string()),
    ("role", pa.string()), ("state", pa.bool_()), ("ethnic", pa.string()),
    ("group", pa.string()), ("name", pa.string()), ("span", _SPAN),
])

PLACE_T = pa.struct([
    ("text", pa.string()), ("place_name", pa.string()), ("country", pa.string()),
    ("lat", pa.float64()), ("lon", pa.float64()), ("geo_precision", pa.string()),
    ("sentence_index", pa.int32()), ("span", _SPAN), ("geoname_id", pa.int64()),
])

MAGNITUDE_T = pa.struct([("dead", pa.int32()), ("injured", pa.int32()),
                         ("size", pa.int32())])

MENTION_SCHEMA = pa.schema([
    ("mention_id", pa.string()), ("article_id", pa.string()), ("article_version", pa.int32()),
    ("sentence_index", pa.int32()), ("sentence", pa.string()), ("source", ACTOR_T),
    ("target", ACTOR_T), ("cameo", pa.string()), ("cameo_root", pa.string()),
    ("quad_class", pa.int32()), ("penta_class", pa.int32()), ("goldstein", pa.float64()),
    ("plover", pa.string()), ("plover_mode", pa.string()), ("event_date", pa.date32()),
    ("date_precision", pa.string()), ("background", pa.bool_()), ("negated", pa.bool_()),
    ("trigger_span", _SPAN), ("magnitude", MAGNITUDE_T), ("location", PLACE_T),
    ("quote_ids", pa.list_(pa.string())), ("tone", pa.float64()), ("confidence", pa.float64()),
    ("rule", pa.string()), ("coder_version", pa.string()), ("coded_at", pa.timestamp("us")),
    ("source_key", pa.string()), ("target_key", pa.string()), ("digest", pa.string()),
])

QUOTE_SCHEMA = pa.schema([
    ("quote_id", pa.string()), ("article_id", pa.string()), ("article_version", pa.int32()),
    ("text", pa.string()), ("span_start", pa.int32()), ("span_end", pa.int32()),
    ("partial", pa.bool_()), ("speaker_text", pa.string()), ("speaker", ACTOR_T),
    ("sentence_indices", pa.list_(pa.int32())), ("mention_ids", pa.list_(pa.string())),
])

PLACE_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("article_version", pa.int32()),
    ("place_index", pa.int32()), ("place", PLACE_T),
])

EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("source_code", pa.string()), ("target_code", pa.string()),
    ("source_country", pa.string()), ("target_country", pa.string()), ("cameo", pa.string()),
    ("cameo_root", pa.string()), ("quad_class", pa.int32()), ("goldstein", pa.float64()),
    ("plover", pa.string()), ("event_date", pa.date32()), ("date_precision", pa.string()),
    ("num_mentions", pa.int32()), ("num_articles", pa.int32()), ("num_sources", pa.int32()),
    ("first_seen", pa.timestamp("us")), ("last_seen", pa.timestamp("us")),
    ("location", PLACE_T), ("tone", pa.float64()), ("updated_at", pa.timestamp("us")),
    ("source_key", pa.string()), ("target_key", pa.string()), ("evidence", pa.string()),
    ("confidence", pa.float64()), ("background", pa.bool_()), ("window_start", pa.date32()),
    ("mention_ids", pa.list_(pa.string())), ("digest", pa.string()),
])

# Event columns in the order ``event_from_row`` reads them.
EVENT_COLUMNS = (
    "event_id", "source_code", "target_code", "source_country", "target_country", "cameo",
    "cameo_root", "quad_class", "goldstein", "plover", "event_date", "date_precision",
    "num_mentions", "num_articles", "num_sources", "first_seen", "last_seen", "location",
    "tone", "source_key", "target_key", "evidence", "confidence", "background", "mention_ids",
)

# Mention columns in the order ``mention_from_row`` reads them.
MENTION_COLUMNS = (
    "mention_id", "article_id", "sentence_index", "sentence", "source", "target", "cameo",
    "cameo_root", "quad_class", "penta_class", "goldstein", "plover", "plover_mode",
    "event_date", "date_precision", "background", "trigger_span", "magnitude", "location",
    "quote_ids", "tone", "confidence", "rule", "coder_version", "negated",
)

QUOTE_COLUMNS = (
    "quote_id", "article_id", "text", "span_start", "span_end", "partial", "speaker_text",
    "speaker", "sentence_indices", "mention_ids",
)


# -- records <-> rows --------------------------------------------------------------------------

def _span(value: tuple[int, int] | None) -> list[int] | None:
    return list(value) if value is not None else None


def _pair(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    first, second = value
    return int(first), int(second)


def actor_row(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"text": actor.text, "code": actor.code, "country": actor.country,
            "role": actor.role, "state": actor.state, "ethnic": actor.ethnic,
            "group": actor.group, "name": actor.name, "span": _span(actor.span)}


def actor_from(row: dict[str, Any] | None) -> Actor | None:
    if row is None:
        return None
    return Actor(text=row["text"], code=row["code"], country=row["country"], role=row["role"],
                 state=bool(row["state"]), ethnic=row["ethnic"], group=row["group"],
                 name=row["name"], span=_pair(row["span"]))


def place_row(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"text": place.text, "place_name": place.place_name, "country": place.country,
            "lat": place.lat, "lon": place.lon, "geo_precision": place.geo_precision,
            "sentence_index": place.sentence_index, "span": _span(place.span),
            "geoname_id": place.geoname_id}


def place_from(row: dict[str, Any] | None) -> Place | None:
    if row is None:
        return None
    return Place(text=row["text"], place_name=row["place_name"], country=row["country"],
                 lat=row["lat"], lon=row["lon"], geo_precision=row["geo_precision"],
                 sentence_index=row["sentence_index"], span=_pair(row["span"]),
                 geoname_id=row["geoname_id"])


def mention_date(mention: Mention) -> date | None:
    """The mention's ``event_date`` as a date (``ValueError`` when it is not ISO)."""
    if mention.event_date is None:
        return None
    return date.fromisoformat(mention.event_date)


def mention_digest(mention: Mention) -> str:
    """A hash of the whole record: equal mentions, equal digests (``repr`` is exact)."""
    return sha256_hex(repr(mention))[:32]


def mention_row(
    mention: Mention, version: int, now: datetime, digest: str | None = None
) -> dict[str, Any]:
    mag = mention.magnitude
    return {
        "mention_id": mention.mention_id, "article_id": mention.article_id,
        "article_version": version, "sentence_index": mention.sentence_index,
        "sentence": mention.sentence, "source": actor_row(mention.source),
        "target": actor_row(mention.target), "cameo": mention.cameo,
        "cameo_root": mention.cameo_root, "quad_class": mention.quad_class,
        "penta_class": mention.penta_class, "goldstein": mention.goldstein,
        "plover": mention.plover, "plover_mode": mention.plover_mode,
        "event_date": mention_date(mention), "date_precision": mention.date_precision,
        "background": mention.background, "negated": mention.negated,
        "trigger_span": _span(mention.trigger_span),
        "magnitude": {"dead": mag.dead, "injured": mag.injured, "size": mag.size},
        "location": place_row(mention.location), "quote_ids": list(mention.quote_ids),
        "tone": mention.tone, "confidence": mention.confidence, "rule": mention.rule,
        "coder_version": mention.coder_version, "coded_at": now,
        "source_key": actor_key(mention.source) or "", "target_key": actor_key(mention.target),
        "digest": digest if digest is not None else mention_digest(mention),
    }


def mention_from_row(row: Sequence[Any]) -> Mention:
    """A ``Mention`` from a row of ``MENTION_COLUMNS``."""
    rec = dict(zip(MENTION_COLUMNS, row, strict=True))
    mag = rec["magnitude"] or {}
    source = actor_from(rec["source"])
    assert source is not None
    when = rec["event_date"]
    return Mention(
        mention_id=rec["mention_id"], article_id=rec["article_id"],
        sentence_index=int(rec["sentence_index"]), sentence=rec["sentence"], source=source,
        target=actor_from(rec["target"]), cameo=rec["cameo"], cameo_root=rec["cameo_root"],
        quad_class=int(rec["quad_class"]), penta_class=int(rec["penta_class"]),
        goldstein=float(rec["goldstein"]), plover=rec["plover"],
        plover_mode=rec["plover_mode"],
        event_date=when.isoformat() if when is not None else None,
        date_precision=rec["date_precision"], background=bool(rec["background"]),
        trigger_span=_pair(rec["trigger_span"]),
        magnitude=Magnitude(mag.get("dead"), mag.get("injured"), mag.get("size")),
        location=place_from(rec["location"]), quote_ids=tuple(rec["quote_ids"] or ()),
        tone=rec["tone"], confidence=float(rec["confidence"]), rule=rec["rule"],
        coder_version=rec["coder_version"], negated=bool(rec["negated"]),
    )


def quote_row(quote: Quote, version: int) -> dict[str, Any]:
    return {"quote_id": quote.quote_id, "article_id": quote.article_id,
            "article_version": version, "text": quote.text, "span_start": quote.span[0],
            "span_end": quote.span[1], "partial": quote.partial,
            "speaker_text": quote.speaker_text, "speaker": actor_row(quote.speaker),
            "sentence_indices": list(quote.sentence_indices),
            "mention_ids": list(quote.mention_ids)}


def quote_from_row(row: Sequence[Any]) -> Quote:
    """A ``Quote`` from a row of ``QUOTE_COLUMNS``."""
    rec = dict(zip(QUOTE_COLUMNS, row, strict=True))
    return Quote(quote_id=rec["quote_id"], article_id=rec["article_id"], text=rec["text"],
                 span=(int(rec["span_start"]), int(rec["span_end"])),
                 partial=bool(rec["partial"]), speaker_text=rec["speaker_text"],
                 speaker=actor_from(rec["speaker"]),
                 sentence_indices=tuple(int(i) for i in rec["sentence_indices"] or ()),
                 mention_ids=tuple(rec["mention_ids"] or ()))




def _naive(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=None) if value is not None else None


def event_row(
    event: Event, window_start: date | None, now: datetime, digest: str
) -> dict[str, Any]:
    return {
        "event_id": event.event_id, "source_code": event.source_code,
        "target_code": event.target_code, "source_country": event.source_country,
        "target_country": event.target_country, "cameo": event.cameo,
        "cameo_root": event.cameo_root, "quad_class": event.quad_class,
        "goldstein": event.goldstein, "plover": event.plover,
        "event_date": date.fromisoformat(event.event_date) if event.event_date else None,
        "date_precision": event.date_precision, "num_mentions": event.num_mentions,
        "num_articles": event.num_articles, "num_sources": event.num_sources,
        "first_seen": _naive(event.first_seen), "last_seen": _naive(event.last_seen),
        "location": place_row(event.location), "tone": event.tone, "updated_at": now,
        "source_key": event.source_key, "target_key": event.target_key,
        "evidence": event.evidence, "confidence": event.confidence,
        "background": event.background, "window_start": window_start,
        "mention_ids": list(event.mention_ids), "digest": digest,
    }


def event_from_row(row: Sequence[Any]) -> Event:
    """An ``Event`` from a row of ``EVENT_COLUMNS``."""
    rec = dict(zip(EVENT_COLUMNS, row, strict=True))
    when = rec["event_date"]
    return Event(
        event_id=rec["event_id"], source_code=rec["source_code"],
        target_code=rec["target_code"], source_country=rec["source_country"],
        target_country=rec["target_country"], cameo=rec["cameo"],
        cameo_root=rec["cameo_root"], quad_class=int(rec["quad_class"]),
        goldstein=float(rec["goldstein"]), plover=rec["plover"],
        event_date=when.isoformat() if when is not None else None,
        date_precision=rec["date_precision"], num_mentions=int(rec["num_mentions"]),
        num_articles=int(rec["num_articles"]), num_sources=int(rec["num_sources"]),
        first_seen=from_utc_naive(rec["first_seen"]),
        last_seen=from_utc_naive(rec["last_seen"]), mention_ids=tuple(rec["mention_ids"]),
        location=place_from(rec["location"]), tone=rec["tone"],
        source_key=rec["source_key"], target_key=rec["target_key"], evidence=rec["evidence"],
        confidence=float(rec["confidence"]), background=bool(rec["background"]),
    )
