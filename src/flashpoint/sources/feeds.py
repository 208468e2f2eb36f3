"""RSS, Atom and RDF feeds (files or fetched URLs), read with feedparser.

Each feed item becomes one document:

- an item that carries the full article (``content:encoded`` or Atom ``<content>`` whose text is
  at least ``FULL_CONTENT_CHARS`` characters) -> an HTML (or TEXT, for Atom ``type="text"``)
  document made of that content, encoded as UTF-8;
- otherwise its link is fetched through the ``Fetcher`` -> the page as an HTML document;
- an item with neither a link nor any content -> ``Rejection("missing-field")``.

Hints on every document: ``url`` = the item link, ``title`` = the item title, ``published`` = the
item's raw ``published`` (else ``updated``) string, ``source`` = the feed title.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import FlashpointError
from ..model import DocKind, RawDocument, Rejection
from .fetch import Fetcher
from .pages import document, page_from_response

FULL_CONTENT_CHARS = 400
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def text_length(value: str, media: str | None) -> int:
    """Characters of visible text in a content value (tags removed, entities decoded)."""
    if media != "text/plain":
        value = html.unescape(_TAG.sub(" ", value))
    return len(_SPACE.sub(" ", value).strip())


def best_content(entry: Any) -> tuple[str, str | None, int] | None:
    """The longest non-empty ``content`` of an item: (value, media type, visible text length)."""
    best: tuple[str, str | None, int] | None = None
    for item in entry.get("content") or ():
        value = item.get("value") or ""
        media = item.get("type")
        length = text_length(value, media)
        if length and (best is None or length > best[2]):
            best = (value, media, length)
    return best


def parse(data: bytes, *, base_url: str | None = None,
          content_type: str | None = None) -> Any:
    """``feedparser.parse`` on bytes (never a URL: feedparser would fetch it itself)."""
    headers: dict[str, str] = {}
    if base_url:
        headers["content-location"] = base_url
    if content_type:
        headers["content-type"] = content_type
    return feedparser.parse(data, response_headers=headers or None)


def iter_feed(
    data: bytes,
    origin: str,
    fetcher: Fetcher,
    *,
    base_url: str | None = None,
    content_type: str | None = None,
) -> Iterator[RawDocument | Rejection]:
    """The documents of one feed; ``origin`` names the feed (a path or URL)."""
    try:
        parsed = parse(data, base_url=base_url, content_type=content_type)
    except Exception as exc:  # feedparser on untrusted bytes: any failure means "not a feed"
        yield _invalid(origin, f"{type(exc).__name__}: {exc}")
        return
    entries = list(parsed.get("entries") or ())
    broken = bool(parsed.get("bozo")) or not parsed.get("version")
    if broken and not any(_has_substance(e) for e in entries):
        entries = []  # the lenient parser's fragments of a damaged file are not items
    if not entries:
        if broken:
            problem = parsed.get("bozo_exception")
            yield _invalid(origin, str(problem) if problem else "no RSS, Atom or RDF structure")
        else:
            yield Rejection(
                origin, "no-articles",
                f"{origin}: the feed has no items — nothing to read; try again when it has news",
            )
        return
    source = _clean(parsed.get("feed", {}).get("title"))
    for index, entry in enumerate(entries, 1):
        yield entry_document(entry, f"{origin}#{index}", fetcher, source=source)


def entry_document(
    entry: Any, where: str, fetcher: Fetcher, *, source: str | None
) -> RawDocument | Rejection:
    """One feed item as a document (see the module docstring for the rules)."""
    link = _clean(entry.get("link"))
    title = _clean(entry.get("title"))
    published = _clean(entry.get("published")) or _clean(entry.get("updated"))
    content = best_content(entry)
    if content is not None and (content[2] >= FULL_CONTENT_CHARS or not link):
        return _content_document(content, where, link, title, published, source)
    if link:
        try:
            result = fetcher.fetch(link)
        except FlashpointError as exc:
            return Rejection(link, getattr(exc, "reason", exc.code), exc.message)
        except OSError as exc:
            return Rejection(
                link, "unreachable",
                f"{link}: cannot be fetched ({exc}) — check the address and your network",
            )
        return page_from_response(
            result, link, url=link, default_kind=DocKind.HTML,
            title=title, published=published, source=source,
        )
    summary = entry.get("summary") or ""
    if text_length(summary, None):
        return _content_document(
            (summary, "text/html", 0), where, None, title, published, source
        )
    return Rejection(
        where, "missing-field",
        f"{where}: the feed item has neither a link nor any content — nothing to read; "
        "the feed may be broken",
    )


def _content_document(
    content: tuple[str, str | None, int],
    where: str,
    link: str | None,
    title: str | None,
    published: str | None,
    source: str | None,
) -> RawDocument | Rejection:
    value, media, _length = content
    kind = DocKind.TEXT if media == "text/plain" else DocKind.HTML
    return document(
        value.encode("utf-8"), where, kind, url=link, encoding="utf-8",
        fix_binary="the feed content is not text; check the feed",
        title=title, published=published, source=source,
    )


def _has_substance(entry: Any) -> bool:
    return bool(entry.get("link") or entry.get("content") or entry.get("summary"))


def _invalid(origin: str, problem: str) -> Rejection:
    return Rejection(
        origin, "invalid-feed",
        f"{origin}: not a readable RSS/Atom feed ({problem}) — check that the file or URL is a "
        "feed, or give the article pages themselves",
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None
