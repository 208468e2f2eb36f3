"""WARC archives (``.warc``, ``.warc.gz``), read with fastwarc 2.

Kept: ``response`` records with a 2xx HTTP answer whose payload is HTML or plain text, and
``resource`` records of type ``text/html`` / ``text/plain``.  Skipped: requests, warcinfo,
metadata, revisits, conversions, non-2xx answers and other media types.  Each kept record becomes
``RawDocument(kind=HTML|TEXT, data=HTTP body, url=WARC-Target-URI, encoding=HTTP charset)`` with
origin ``<file>#<n>`` (``n`` counts every record from 1).  WARC-Date is the crawl date, never the
publication date, so ``published`` is left empty.

Safety: the file is decompressed by ``CappedGzipReader`` (each gzip member capped at
``max_decompressed_bytes`` plus room for headers), a record whose payload exceeds
``max_decompressed_bytes`` is rejected (``too-large``) and skipped, HTTP transfer and content
encodings are decoded with the same cap, and a truncated or corrupt archive yields the records
before the damage and then one ``Rejection("truncated")``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from fastwarc.stream_io import BrotliReader, ChunkedReader, GzipReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..model import DocKind, RawDocument, Rejection
from ..options import Options
from .fetch import parse_content_type
from .files import CappedGzipReader, Format, sniff, unreadable
from .pages import HTML_TYPES, TEXT_TYPES, document

HEADER_ALLOWANCE = 64 * 1024  # WARC + HTTP headers (fastwarc caps each at 32 KiB)
_CHUNK = 64 * 1024
_FIX_TRUNCATED = "the archive is incomplete; download or copy it again"


class _Stop(Exception):
    """Internal: the archive cannot be read any further (carries the final rejection)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.detail)
        self.rejection = rejection


def iter_warc(path: Path, options: Options) -> Iterator[RawDocument | Rejection]:
    """The article documents of one WARC file; never raises."""
    origin = str(path)
    cap = options.max_decompressed_bytes
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield unreadable(path, exc)
        return
    with handle:
        reader = CappedGzipReader(
            handle, cap + HEADER_ALLOWANCE, per_member=True,
            cap_text=f"max_decompressed_bytes={cap} (+{HEADER_ALLOWANCE} for headers)",
        )
        records = 0
        produced = 0
        try:
            iterator = ArchiveIterator(
                cast(Any, reader), parse_http=True, auto_decode="none", stream_detect=False
            )
            for record in iterator:
                records += 1
                item = _record_document(record, f"{origin}#{records}", reader, cap)
                if item is not None:
                    produced += 1
                    yield item
        except _Stop as stop:
            yield stop.rejection
            return
        except (OSError, ValueError, RuntimeError) as exc:
            if not (reader.truncated or reader.too_large):
                yield Rejection(
                    origin, "invalid-warc",
                    f"{origin}: the archive cannot be read after record {records} ({exc}) — "
                    "check that it is a WARC file",
                )
                return
        ending = _ending(reader, origin, records)
        if ending is not None:
            yield ending
        elif records == 0:
            yield Rejection(
                origin, "invalid-warc",
                f"{origin}: no WARC records found — check that it is a WARC file",
            )
        elif produced == 0:
            yield Rejection(
                origin, "no-articles",
                f"{origin}: the archive has {records} records but no HTML or text page with a "
                "2xx answer — nothing to read",
            )


def _ending(reader: CappedGzipReader, origin: str, records: int) -> Rejection | None:
    if reader.too_large:
        return Rejection(
            origin, "too-large",
            f"{origin}: at record {records} the data {reader.detail} (a gzip bomb?); the "
            "rest of the archive was not read — raise max_decompressed_bytes only if you "
            "trust the file",
        )
    if reader.truncated:
        return Rejection(
            origin, "truncated",
            f"{origin}: {reader.detail} (at record {records}); the records before the damage "
            f"were read — {_FIX_TRUNCATED}",
        )
    return None


def _damaged(reader: CappedGzipReader, where: str, problem: str) -> Rejection:
    """The final rejection for a record cut short by damage or by the decompression cap."""
    if reader.too_large:
        return Rejection(
            where, "too-large",
            f"{where}: the data {reader.detail} (a gzip bomb?); the records before it were "
            "read, the rest of the archive was not — raise max_decompressed_bytes only if you "
            "trust the file",
        )
    if reader.truncated:
        problem = f"{problem}: {reader.detail}"
    return Rejection(
        where, "truncated",
        f"{where}: {problem}; the records before it were read — {_FIX_TRUNCATED}",
    )


def _record_document(
    record: WarcRecord, where: str, reader: CappedGzipReader, cap: int
) -> RawDocument | Rejection | None:
    """One record as a document, a rejection, or ``None`` when it is not an article."""
    headers = record.headers
    if headers.get("Content-Length") is None or headers.get("WARC-Type") is None:
        raise _Stop(_damaged(reader, where, "the record header is incomplete or damaged"))
    rtype = record.record_type
    if rtype == WarcRecordType.response:
        if not record.is_http:
            return None
        status = record.http_headers.status_code
        if status is None or not 200 <= status < 300:
            return None
        media, charset = parse_content_type(record.http_headers.get("Content-Type"))
    elif rtype == WarcRecordType.resource:
        media, charset = parse_content_type(headers.get("Content-Type"))
    else:
        return None
    if media is not None and media not in HTML_TYPES and media not in TEXT_TYPES:
        return None
    expected = record.content_length
    if expected > cap:
        return Rejection(
            where, "too-large",
            f"{where}: the record payload has {expected} bytes, more than "
            f"max_decompressed_bytes={cap} — skipped; raise max_decompressed_bytes to read it",
        )
    raw = _read_exactly(record.reader, expected)
    if len(raw) < expected:
        raise _Stop(_damaged(
            reader, where, f"the record ends after {len(raw)} of {expected} payload bytes"
        ))
    body = raw
    if rtype == WarcRecordType.response:
        decoded = _decode_http(record, raw, where, cap)
        if isinstance(decoded, Rejection):
            return decoded
        body = decoded
    if media in HTML_TYPES:
        kind = DocKind.HTML
    elif media in TEXT_TYPES:
        kind = DocKind.TEXT
    else:
        kind = DocKind.HTML if sniff(body) is Format.HTML else DocKind.TEXT
    return document(
        body, where, kind, url=_target_uri(headers.get("WARC-Target-URI")), encoding=charset,
        fix_binary="the archived page is not text; nothing to do",
    )


def _read_exactly(stream: Any, size: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < size:
        chunk = stream.read(min(_CHUNK, size - got))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _decode_http(record: WarcRecord, raw: bytes, where: str, cap: int) -> bytes | Rejection:
    """Undo HTTP transfer and content encodings (chunked, gzip, deflate, br) with a cap."""
    http = record.http_headers
    transfer = (http.get("Transfer-Encoding") or "").strip().lower()
    coding = (http.get("Content-Encoding") or "").strip().lower()
    try:
        data = raw
        if "chunked" in transfer:
            data = _read_capped(ChunkedReader(io.BytesIO(data)), cap, where)
        if coding in {"gzip", "x-gzip"}:
            data = _read_capped(GzipReader(io.BytesIO(data)), cap, where)
        elif coding == "deflate":
            data = _read_capped(GzipReader(io.BytesIO(data), zlib=True), cap, where)
        elif coding == "br":
            data = _read_capped(BrotliReader(io.BytesIO(data)), cap, where)
        elif coding not in {"", "identity", "none"}:
            return Rejection(
                where, "unsupported-encoding",
                f"{where}: the HTTP body uses content encoding {coding!r}, which cannot be "
                "decoded — skipped",
            )
    except _TooLarge as exc:
        return Rejection(
            where, "too-large",
            f"{where}: the HTTP body decompresses to more than max_decompressed_bytes="
            f"{exc.cap} — skipped; raise max_decompressed_bytes only if you trust the archive",
        )
    except OSError as exc:
        return Rejection(
            where, "invalid-encoding",
            f"{where}: the HTTP body cannot be decoded ({exc}) — the archived answer is damaged",
        )
    return data


class _TooLarge(Exception):
    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.cap = cap


def _read_capped(stream: Any, cap: int, where: str) -> bytes:
    parts: list[bytes] = []
    got = 0
    while chunk := stream.read(_CHUNK):
        got += len(chunk)
        if got > cap:
            raise _TooLarge(cap)
        parts.append(chunk)
    return b"".join(parts)


def _target_uri(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value or None
