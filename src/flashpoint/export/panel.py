"""The dyad-day panel: every directed dyad x every day of the range, zero-filled.

What researchers load into R or pandas for time-series work.  Built from the store's daily
aggregates (``Store.dyad_daily``: counts per QuadClass, Goldstein sum, ...) and the coverage of
each actor (``Store.actor_daily``), through ``trends.series.build`` — the same dense series the
escalation watch scores, so the panel and the alerts agree.

- Dyads: every directed dyad (source key -> target key, both known, different) with at least one
  event dated in the range; ``--dyad`` / ``--actor`` narrow them.
- Range: ``since`` (inclusive) to ``until`` (exclusive) when given; otherwise from the first day
  an article mentioning any of the dyads' actors was published (the first covered day; else the
  first event day) to the last day with an event or coverage.  Events recalled from before the
  first covered day (history) are therefore outside the default range.
- ``covered`` is true when an article published that day mentions either side: a day without
  coverage is not a day without events.  Counts of uncovered days are zero (or what recaps
  dated that day report).
- A panel larger than ``MAX_ROWS`` rows is refused with the fix (narrow the range or dyads).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ConfigError, InputError
from ..store import Store
from ..trends.series import build
from .reading import EventFilter

MAX_ROWS = 5_000_000

PANEL_SCHEMA: pa.Schema = pa.schema(
    [
        ("source", pa.string()), ("target", pa.string()), ("day", pa.date32()),
        ("covered", pa.bool_()), ("articles", pa.int32()), ("events", pa.int32()),
        ("q1", pa.int32()), ("q2", pa.int32()), ("q3", pa.int32()), ("q4", pa.int32()),
        ("goldstein_sum", pa.float64()), ("retreat", pa.int32()),
        ("agree_support", pa.int32()), ("max_sources", pa.int32()),
    ],
    metadata={"flashpoint.record": "dyad-day panel"},
)


def check_filters(filters: EventFilter) -> None:
    """The panel is per dyad and day: only --dyad (with a target), --actor, --since, --until."""
    for name in ("cameo", "plover", "quad", "story", "text"):
        if getattr(filters, name) is not None:
            raise ConfigError(f"--{name} does not apply to the panel",
                              "the panel counts every event of a dyad per QuadClass; leave out "
                              f"--{name} or export events (--format csv) instead",
                              subject=f"--{name}")
    if filters.dyad is not None and filters.dyad[1] is None:
        raise ConfigError("a panel dyad needs a target", "write --dyad SOURCE:TARGET",
                          subject="--dyad")


def panel_range(store: Store, filters: EventFilter) -> tuple[list[tuple[str, str]], date, date]:
    """The dyads and the day range (``start``, ``end`` inclusive) of the panel."""
    check_filters(filters)
    pairs_filter = ([(filters.dyad[0], filters.dyad[1])]
                    if filters.dyad is not None and filters.dyad[1] is not None else None)
    rows = store.dyad_daily(dyads=pairs_filter, actor=filters.actor, since=filters.since,
                            until=filters.until)
    if not rows:
        return [], filters.since or date.min, filters.since or date.min
    pairs_all = sorted({(r["source"], r["target"]) for r in rows})
    actors = sorted({k for p in pairs_all for k in p})
    sides = store.actor_daily(actors, since=filters.since, until=filters.until)
    covered = [r["day"] for r in sides if r["articles"] > 0]
    event_days = [r["day"] for r in rows]
    start = filters.since or min(covered or event_days)
    if filters.until is not None:
        end = filters.until - timedelta(days=1)
    else:
        end = max(event_days + [r["day"] for r in sides])
    pairs = sorted({(r["source"], r["target"]) for r in rows if start <= r["day"] <= end})
    return pairs, start, end


def panel_rows(store: Store, filters: EventFilter | None = None) -> Iterator[dict[str, Any]]:
    """Every dyad x every day of the range, ordered by source, target, day."""
    f = filters or EventFilter()
    pairs, start, end = panel_range(store, f)
    if not pairs or end < start:
        return
    days = (end - start).days + 1
    if len(pairs) * days > MAX_ROWS:
        raise InputError(
            f"the panel would have {len(pairs) * days:,} rows ({len(pairs)} dyads x {days} days)",
            f"narrow it to at most {MAX_ROWS:,} rows with --since/--until, --dyad or --actor",
            subject="--format panel")
    until = end + timedelta(days=1)
    rows = store.dyad_daily(dyads=pairs, since=start, until=until)
    sides = store.actor_daily(sorted({k for p in pairs for k in p}), since=start, until=until)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        by_pair.setdefault((r["source"], r["target"]), []).append(r)
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for r in sides:
        by_actor.setdefault(r["actor"], []).append(r)
    for s, t in pairs:
        series = build(s, t, by_pair.get((s, t), []),
                       by_actor.get(s, []) + by_actor.get(t, []), start, end)
        for d in series.days:
            yield {"source": s, "target": t, "day": d.day, "covered": d.covered,
                   "articles": d.articles, "events": d.events, "q1": d.quad[0],
                   "q2": d.quad[1], "q3": d.quad[2], "q4": d.quad[3],
                   "goldstein_sum": d.goldstein_sum, "retreat": d.retreat,
                   "agree_support": d.agree_support, "max_sources": d.max_sources}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_panel_csv(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    """CSV with a header; ``covered`` as true/false, days ISO."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PANEL_SCHEMA.names)
    n = 0
    for row in rows:
        writer.writerow(["true" if v is True else "false" if v is False else _plain(v)
                         for v in (row[k] for k in PANEL_SCHEMA.names)])
        n += 1
    return n


def write_panel_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps({k: _plain(v) for k, v in row.items()}) + "\n")
        n += 1
    return n


def write_panel_parquet(rows: Iterator[dict[str, Any]], path: str | Path,
                        batch: int = 50_000) -> int:
    """Parquet (zstd) of ``PANEL_SCHEMA``."""
    n = 0
    with pq.ParquetWriter(str(path), PANEL_SCHEMA, compression="zstd") as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                writer.write_table(pa.Table.from_pylist(chunk, schema=PANEL_SCHEMA))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=PANEL_SCHEMA))
            n += len(chunk)
    return n


def panel_kind(out: str | None) -> str:
    """The panel file format from the output name: parquet, jsonl, else csv."""
    suffix = Path(out).suffix.lower() if out else ""
    return {".parquet": "parquet", ".jsonl": "jsonl"}.get(suffix, "csv")

