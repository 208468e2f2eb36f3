"""Turn whatever the user points Flashpoint at into ``RawDocument``s (or ``Rejection``s).

A *spec* is one of:

- a file path — the format comes from the extension (``.txt .text``, ``.html .htm .xhtml``,
  ``.jsonl .ndjson``, ``.xml .rss .atom .feed``, ``.warc``, each optionally ``.gz``), else from
  sniffing the first bytes;
- a directory — walked recursively, files with known extensions, in sorted order;
- a glob (``*``, ``?``, ``[``) — expanded and sorted;
- ``-`` — standard input, read as JSON Lines;
- an ``http(s)://`` URL — fetched: a feed gives its items, a page gives one document.

Nothing raises: every input that cannot be read becomes a ``Rejection`` with the input as origin,
a short reason key and a sentence saying what was wrong and what to do, and the next inputs are
still read.  Documents come out in a deterministic order.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import FlashpointError
from ..model import RawDocument, Rejection
from ..options import Options
from . import feeds, jsonl, warc
from .fetch import Fetcher, FetchResult, HttpFetcher, LazyFetcher
from .files import (
    GZIP_MAGIC,
    SNIFF_BYTES,
    CappedGzipReader,
    Format,
    expand,
    format_of,
    read_prefix,
    sniff,
    unreadable,
)
from .pages import check_bytes, load_file, page_from_file, page_from_response, response_format

__all__ = [
    "FetchResult",
    "Fetcher",
    "HttpFetcher",
    "iter_documents",
    "iter_many",
    "iter_path",
    "iter_url",
]

Item = RawDocument | Rejection
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def iter_documents(
    spec: str,
    options: Options,
    *,
    fetcher: Fetcher | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Item]:
    """The documents (and rejections) of one spec; see the module docstring.

    Without ``fetcher`` an ``HttpFetcher(options)`` is created when a URL must be fetched and
    closed when the iteration ends.  ``stdin`` replaces ``sys.stdin.buffer`` for ``-``.
    """
    yield from iter_many([spec], options, fetcher=fetcher, stdin=stdin)


def iter_many(
    specs: Iterable[str],
    options: Options,
    *,
    fetcher: Fetcher | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Item]:
    """``iter_documents`` over several specs in the given order, sharing one fetcher."""
    lazy = LazyFetcher(options, fetcher)
    try:
        for spec in specs:
            yield from _guarded(spec, _iter_spec(spec, options, lazy, stdin))
    finally:
        lazy.close()


def _iter_spec(
    spec: str, options: Options, fetcher: Fetcher, stdin: IO[bytes] | None
) -> Iterator[Item]:
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from jsonl.iter_stream(stream, "stdin", options)
        return
    if _SCHEME.match(spec):
        yield from iter_url(spec, options, fetcher)
        return
    for found in expand(spec):
        if isinstance(found, Rejection):
            yield found
        else:
            yield from _guarded(str(found), iter_path(found, options, fetcher))


def _guarded(origin: str, items: Iterator[Item]) -> Iterator[Item]:
    """Pass ``items`` through; an unexpected exception ends them with one ``Rejection``.

    The readers already turn every expected problem into a rejection; this is the last line that
    keeps one broken input from stopping the others.
    """
    try:
        yield from items
    except FlashpointError as exc:
        yield Rejection(exc.subject or origin, getattr(exc, "reason", exc.code), exc.message)
    except OSError as exc:
        yield unreadable(origin, exc)
    except Exception as exc:  # a bug or an unforeseen input: report it, go on with the next input
        yield Rejection(
            origin, "error",
            f"{origin}: reading failed unexpectedly ({type(exc).__name__}: {exc}) — please "
            "report this with the file",
        )


def iter_path(path: Path, options: Options, fetcher: Fetcher) -> Iterator[Item]:
    """The documents of one existing file."""
    origin = str(path)
    try:
        size = path.stat().st_size
        fmt = format_of(path)[0] or _sniff_file(path, options)
    except OSError as exc:
        yield unreadable(path, exc)
        return
    if size == 0:
        yield Rejection(origin, "empty", f"{origin}: the file is empty — nothing to read")
        return
    if fmt is Format.WARC:
        yield from warc.iter_warc(path, options)
        return
    if fmt is Format.JSONL:
        yield from jsonl.iter_file(path, options)
        return
    data = load_file(path, options)
    if isinstance(data, Rejection):
        yield data
        return
    if fmt is Format.FEED:
        rejected = check_bytes(data, origin, "give an RSS or Atom feed file")
        if rejected is not None:
            yield rejected
        else:
            yield from feeds.iter_feed(data, origin, fetcher)
        return
    yield page_from_file(path, data, fmt)


def _sniff_file(path: Path, options: Options) -> Format:
    """The format of a file with an unknown extension, from its (decompressed) first bytes."""
    if read_prefix(path, 2) == GZIP_MAGIC:
        with path.open("rb") as handle:
            prefix = CappedGzipReader(handle, options.max_decompressed_bytes).read(SNIFF_BYTES)
        return sniff(prefix or b"")
    return sniff(read_prefix(path))


def iter_url(url: str, options: Options, fetcher: Fetcher) -> Iterator[Item]:
    """The documents of one URL: a feed's items or one page."""
    if not url.lower().startswith(("http://", "https://")):
        yield Rejection(
            url, "unsupported-url",
            f"{url}: only http:// and https:// addresses can be fetched — download the file and "
            "give its path",
        )
        return
    try:
        result = fetcher.fetch(url)
    except FlashpointError as exc:
        yield Rejection(url, getattr(exc, "reason", exc.code), exc.message)
        return
    if response_format(result) is Format.FEED:
        header = result.content_type
        if header and result.charset:
            header += f"; charset={result.charset}"
        yield from feeds.iter_feed(
            result.body, url, fetcher, base_url=result.url, content_type=header
        )
        return
    yield page_from_response(result, url, url=url)
