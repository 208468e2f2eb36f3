"""Render records for people and programs: table, JSON, JSON Lines, CSV.

Used by the CLI (and the exports); pure functions from records to text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

FORMATS = ("table", "json", "jsonl", "csv")


def as_dict(obj: Any, *, drop: Iterable[str] = ("raw", "minhash")) -> Any:
    """A JSON-ready form of a record (dataclasses → dicts, datetimes → ISO 8601, bytes dropped)."""
    skip = set(drop)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: as_dict(getattr(obj, f.name), drop=skip)
                for f in dataclasses.fields(obj) if f.name not in skip}
    if isinstance(obj, Mapping):
        return {str(k): as_dict(v, drop=skip) for k, v in obj.items() if k not in skip}
    if isinstance(obj, list | tuple):
        return [as_dict(v, drop=skip) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, bytes):
        return None
    return obj


def to_json(rows: Sequence[Any]) -> str:
    return json.dumps([as_dict(r) for r in rows], ensure_ascii=False, indent=2)


def to_jsonl(rows: Iterable[Any]) -> str:
    return "".join(json.dumps(as_dict(r), ensure_ascii=False) + "\n" for r in rows)


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_flat(row.get(c)) for c in columns])
    return buf.getvalue()


def to_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str],
             widths: Mapping[str, int] | None = None) -> str:
    """A plain fixed-width table; long cells are cut with an ellipsis."""
    limits = dict(widths or {})
    cells = [[_cut(_flat(row.get(c)).replace("\n", " "), limits.get(c, 40)) for c in columns]
             for row in rows]
    sizes = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    lines += ["  ".join(v.ljust(sizes[i]) for i, v in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def render(rows: Sequence[Any], fmt: str, columns: Sequence[str],
           widths: Mapping[str, int] | None = None) -> str:
    """Render records in one of ``FORMATS`` (table and csv show ``columns``)."""
    if fmt == "json":
        return to_json(rows) + "\n"
    if fmt == "jsonl":
        return to_jsonl(rows)
    dicts = [as_dict(r) for r in rows]
    if fmt == "csv":
        return to_csv(dicts, columns)
    if fmt == "table":
        return to_table(dicts, columns, widths)
    raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")
