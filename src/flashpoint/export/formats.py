"""PLOVER/POLECAT-style JSON, and the flat event record as JSONL, CSV and Parquet (zstd).

- ``plover``: a JSON array, one object per event, shaped like POLECAT records: the PLOVER
  ``event_type`` and ``mode``, the source and target actors, the ``country`` where it happened,
  the ``date``, the ``magnitude`` fields, the evidence sentence, counts and the CAMEO codes it
  was coded from.  ``context`` is left out: we do not code PLOVER contexts (never invented).
- ``jsonl`` / ``csv`` / ``parquet``: the flat event record of ``arrow.EVENT_SCHEMA``, one row
  per event.  In CSV the ``mention_ids`` list is joined with ``|``, dates are ISO, times
  ISO 8601 UTC, missing values empty.  Parquet is written page by page (zstd).

Every writer takes the events as an iterable (streamed from the store) and returns the count.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..model import Actor, Event, Mention
from .arrow import EVENT_SCHEMA, event_row, events_table
from .reading import EventContext

PARQUET_COMPRESSION = "zstd"
PARQUET_BATCH = 10_000
LIST_SEPARATOR = "|"


# -- PLOVER ------------------------------------------------------------------------------------

def _actor_object(code: str | None, country: str | None, key: str | None,
                  actor: Actor | None) -> dict[str, Any] | None:
    if not code:
        return None
    same = actor is not None and actor.code == code
    return {
        "code": code, "key": key, "country": country,
        "text": actor.text if same and actor else None,
        "name": actor.name if same and actor else None,
        "role": actor.role if same and actor else None,
        "group": actor.group if same and actor else None,
        "ethnic": actor.ethnic if same and actor else None,
        "state": actor.state if same and actor else None,
    }


def _magnitude(rep: Mention | None, members: list[Mention]) -> dict[str, int | None]:
    """The representative member's magnitude; a field it lacks from the most confident member
    that has it (reports of one act differ in what they count, never in kind)."""
    ordered = ([rep] if rep is not None else []) + sorted(
        members, key=lambda m: (-m.confidence, m.mention_id))
    out: dict[str, int | None] = {"dead": None, "injured": None, "size": None}
    for name in out:
        for m in ordered:
            value = getattr(m.magnitude, name)
            if value is not None:
                out[name] = value
                break
    return out


def plover_object(event: Event, ctx: EventContext) -> dict[str, Any]:
    """One event as a POLECAT/PLOVER-style JSON object."""
    rep = ctx.representative(event)
    members = ctx.members(event)
    place = event.location
    return {
        "event_id": event.event_id,
        "event_type": event.plover,
        "mode": rep.plover_mode if rep is not None and rep.plover == event.plover else None,
        "source": _actor_object(event.source_code, event.source_country,
                                event.source_key or None,
                                rep.source if rep is not None else None),
        "target": _actor_object(event.target_code, event.target_country, event.target_key,
                                rep.target if rep is not None else None),
        "country": place.country if place is not None else None,
        "location": None if place is None else {
            "name": place.place_name, "country": place.country, "lat": place.lat,
            "lon": place.lon, "precision": place.geo_precision,
            "geoname_id": place.geoname_id},
        "date": event.event_date,
        "date_precision": event.date_precision,
        "magnitude": _magnitude(rep, members),
        "evidence": event.evidence,
        "background": event.background,
        "cameo": event.cameo,
        "cameo_root": event.cameo_root,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "tone": event.tone,
        "confidence": event.confidence,
        "num_mentions": event.num_mentions,
        "num_articles": event.num_articles,
        "num_sources": event.num_sources,
        "first_seen": _iso(event.first_seen),
        "last_seen": _iso(event.last_seen),
        "mention_ids": list(event.mention_ids),
        "coder_version": rep.coder_version if rep is not None else None,
    }


def write_plover(events: Iterable[Event], ctx: EventContext, out: IO[str]) -> int:
    """A JSON array of ``plover_object``s, one per line; returns the count."""
    n = 0
    out.write("[")
    for event in events:
        out.write(",\n" if n else "\n")
        out.write(json.dumps(plover_object(event, ctx), ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


# -- flat record -------------------------------------------------------------------------------

def _iso(value: object) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def flat_record(event: Event) -> dict[str, Any]:
    """The event as a JSON-ready flat dict (columns of ``EVENT_SCHEMA``; ISO dates and times)."""
    return {k: _iso(v) for k, v in event_row(event).items()}


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    n = 0
    for event in events:
        out.write(json.dumps(flat_record(event), ensure_ascii=False) + "\n")
        n += 1
    return n


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(events: Iterable[Event], out: IO[str]) -> int:
    """CSV with a header of the ``EVENT_SCHEMA`` names (RFC 4180 quoting)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_SCHEMA.names)
    n = 0
    for event in events:
        record = flat_record(event)
        writer.writerow([_cell(record[name]) for name in EVENT_SCHEMA.names])
        n += 1
    return n


def _batches(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(events: Iterable[Event], path: str | Path) -> int:
    """A Parquet file of ``EVENT_SCHEMA`` (zstd), written ``PARQUET_BATCH`` events at a time."""
    n = 0
    with pq.ParquetWriter(str(path), EVENT_SCHEMA, compression=PARQUET_COMPRESSION) as writer:
        for batch in _batches(events, PARQUET_BATCH):
            writer.write_table(events_table(batch))
            n += len(batch)
        if n == 0:
            writer.write_table(pa.Table.from_pylist([], schema=EVENT_SCHEMA))
    return n
