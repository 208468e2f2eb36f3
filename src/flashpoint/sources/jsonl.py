"""JSON Lines: one article record per line (files, ``.jsonl.gz`` and standard input).

A record is an object with ``text`` or ``html`` (a non-empty string) and optional ``id``, ``url``,
``title``, ``published`` (kept as the raw string; ``clean`` parses it) and ``source``::

    {"id": "a1", "url": "https://…", "title": "…", "text": "…", "published": "2023-09-24"}

Every record becomes a ``RawDocument(kind=RECORD)`` whose origin is ``<path>:<line>``; a bad line
becomes a ``Rejection`` and the following lines are still read.  Blank lines are skipped.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ..model import DocKind, RawDocument, Rejection
from ..options import Options
from .files import GZIP_MAGIC, CappedGzipReader, format_of, read_prefix, unreadable

OPTIONAL_FIELDS = ("id", "url", "title", "published", "source")
BODY_FIELDS = ("text", "html")
_SKIP_CHUNK = 64 * 1024
_EXAMPLE = '{"id": "a1", "url": "https://…", "title": "…", "text": "…", "published": "2024-01-31"}'


def iter_file(path: Path, options: Options) -> Iterator[RawDocument | Rejection]:
    """Records of a ``.jsonl`` / ``.ndjson`` file, gzip-compressed or not."""
    origin = str(path)
    try:
        gz = format_of(path)[1] or read_prefix(path, 2) == GZIP_MAGIC
        with path.open("rb") as handle:
            if gz:
                reader = CappedGzipReader(handle, options.max_decompressed_bytes)
                stream = io.BufferedReader(reader, _SKIP_CHUNK)
                yield from iter_stream(
                    stream, origin, options,
                    stopped=lambda: reader.too_large or reader.truncated,
                )
                if reader.too_large:
                    yield Rejection(
                        origin, "too-large",
                        f"{origin}: {reader.detail} (a gzip bomb?); the lines before the limit "
                        "were read — check the file; raise max_decompressed_bytes only if you "
                        "trust it",
                    )
                elif reader.truncated:
                    yield Rejection(
                        origin, "truncated",
                        f"{origin}: {reader.detail}; the lines before the damage were read — "
                        "the file is incomplete; copy or download it again",
                    )
            else:
                yield from iter_stream(handle, origin, options)
    except OSError as exc:
        yield unreadable(path, exc)


class LineStream(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def iter_stream(
    stream: LineStream,
    origin: str,
    options: Options,
    *,
    stopped: Callable[[], bool] | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Records of an open binary stream; ``origin`` names it (``stdin``, a path).

    ``stopped`` tells whether the stream was cut short (decompression cap, damage): the
    unfinished last line is then dropped instead of reported as invalid JSON.
    """
    cap = options.max_file_bytes
    number = 0
    seen = 0
    while True:
        line = stream.readline(cap + 1)
        if not line:
            break
        number += 1
        where = f"{origin}:{number}"
        if stopped is not None and not line.endswith(b"\n") and stopped():
            break
        if len(line) > cap and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            seen += 1
            yield Rejection(
                where, "too-large",
                f"{where}: the line is longer than max_file_bytes={cap} — split the record or "
                "raise max_file_bytes",
            )
            continue
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        line = line.rstrip(b"\r\n")
        if not line.strip():
            continue
        seen += 1
        yield parse_line(line, where)
    if seen == 0:
        yield Rejection(
            origin, "empty",
            f"{origin}: there are no JSON records in it — give one JSON object per line, "
            f"like {_EXAMPLE}",
        )


def _skip_rest_of_line(stream: LineStream) -> None:
    while True:
        part = stream.readline(_SKIP_CHUNK)
        if not part or part.endswith(b"\n"):
            return


def parse_line(line: bytes, where: str) -> RawDocument | Rejection:
    """One record from one line (without its newline)."""
    try:
        value: Any = json.loads(line)
    except UnicodeDecodeError as exc:
        return Rejection(
            where, "invalid-json",
            f"{where}: the line is not UTF-8 ({exc.reason} at byte {exc.start}) — save the file "
            "as UTF-8",
        )
    except ValueError as exc:
        return Rejection(
            where, "invalid-json",
            f"{where}: the line is not valid JSON ({exc}) — write one JSON object per line",
        )
    if not isinstance(value, dict):
        return Rejection(
            where, "invalid-json",
            f"{where}: the line is a JSON {type(value).__name__}, not an object — write one "
            f"object per line, like {_EXAMPLE}",
        )
    return record_document(value, line, where)


def record_document(value: dict[str, Any], line: bytes, where: str) -> RawDocument | Rejection:
    """A RECORD document from a decoded JSON object (also used by the HTTP API, if it wishes)."""
    fields: dict[str, str | None] = {}
    for name in (*OPTIONAL_FIELDS, *BODY_FIELDS):
        raw = value.get(name)
        if raw is None:
            fields[name] = None
        elif isinstance(raw, str):
            fields[name] = raw
        elif name in {"id", "published"} and isinstance(raw, int | float) \
                and not isinstance(raw, bool):
            fields[name] = str(raw)
        else:
            return Rejection(
                where, "invalid-field",
                f"{where}: field {name!r} is a JSON {type(raw).__name__}, not a string — "
                "write it as a string",
            )
    bodies = [fields[name] for name in BODY_FIELDS]
    if not any(body and body.strip() for body in bodies):
        return Rejection(
            where, "missing-field",
            f"{where}: the record has no non-empty 'text' or 'html' field — give the article "
            f"body in one of them, like {_EXAMPLE}",
        )
    return RawDocument(
        data=line,
        origin=where,
        kind=DocKind.RECORD,
        url=_blank_to_none(fields["url"]),
        title=_blank_to_none(fields["title"]),
        published=_blank_to_none(fields["published"]),
        source=_blank_to_none(fields["source"]),
        doc_id=_blank_to_none(fields["id"]),
        text=fields["text"] or None,
        html=fields["html"] or None,
    )


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
