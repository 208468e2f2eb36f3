"""Publication times: parse date strings and find them in HTML pages.

Every parsed time is an aware UTC ``datetime`` plus the offset the source wrote (in minutes, e.g.
+120 for ``+02:00``), or ``None`` for the offset when the source gave none (the time is then read
as UTC).  A date without a time becomes midnight UTC with offset ``None``.

Nothing here ever fills a missing part from today's date: strings without a four-digit year, a
month and a day are rejected, and relative expressions ("yesterday", "3 hours ago") are refused.

Order of the attempts in :func:`parse_published`: ISO 8601 (``datetime.fromisoformat``), RFC 822
(feeds), a Unix timestamp, English "September 30, 2023 2:05 pm CEST" forms (a fast regex), then
``dateparser`` (other languages and forms, ~1–3 ms a call) with strict settings as the last resort.
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from types import MappingProxyType
from typing import Any, NamedTuple

_MAX_LEN = 200  # longer "date" strings are not dates (and would be slow to try)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_JSONLD_MAX_CHARS = 500_000
_JSONLD_MAX_NODES = 2_000

_ISO_START = re.compile(r"\d{4}-?\d{2}-?\d{2}(?:$|[T ])")
_ISO_HAS_TIME = re.compile(r"\d{4}-?\d{2}-?\d{2}[T ]\d{2}")
_ISO_SLOPPY_TZ = re.compile(r"(\d{2})\s+([+-]\d{2}:?\d{2}|Z)$")
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"(?:\s+(?P<zone>[+-]\d{4}|[A-Za-z]{1,5}))?"
)
_EPOCH = re.compile(r"\d{9,10}(?:\d{3})?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_TIME = re.compile(r"\d{1,2}\s*[:.h]\s*\d{2}|\d\s*[ap]\.?m\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(?:ago|yesterday|today|tomorrow|now|last|next|this|hours?|minutes?|weeks?)\b", re.IGNORECASE
)
_TEXT_DATE = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m1>[a-z]{3,9})\.?,?"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?)\s+(?P<y>\d{4})"
    r"(?:(?:\s*[,|•-]\s*|\s+)(?:at\s+)?(?P<H>\d{1,2})[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*(?P<tz>[a-z]{1,5}|[+-]\d{2}:?\d{2}))?)?",
    re.IGNORECASE,
)
_MONTHS = MappingProxyType({
    name: number
    for number, names in enumerate(
        ("january jan", "february feb", "march mar", "april apr", "may", "june jun",
         "july jul", "august aug", "september sep sept", "october oct", "november nov",
         "december dec"), start=1)
    for name in names.split()
})
# Unambiguous zone abbreviations only (IST, CST-as-China … are left to dateparser).
_ZONES = MappingProxyType({
    "z": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120,
    "eet": 120, "eest": 180, "msk": 180, "est": -300, "edt": -240, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420,
})
_DATEPARSER_LANGUAGES = ["en", "sr-Latn", "sr", "hr", "bs", "sq", "de", "fr", "es", "it", "ru"]
_DATEPARSER_SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
}

# <meta> keys (property, name or itemprop, lower-cased) that carry a publication time, best first.
_META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
)
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "report",
                  "analysisnewsarticle", "opinionnewsarticle", "liveblogposting", "webpage"}


class ParsedDate(NamedTuple):
    """A parsed publication time."""

    when: datetime  # aware, UTC
    offset_min: int | None  # the offset the source wrote; None when it had none
    has_time: bool  # False for a bare date (then ``when`` is midnight UTC)


def parse_published(value: str) -> tuple[datetime, int | None] | None:
    """``(aware UTC datetime, original offset in minutes or None)``, or None if not a full date."""
    parsed = parse_published_detail(value)
    return None if parsed is None else (parsed.when, parsed.offset_min)


def parse_published_detail(value: str) -> ParsedDate | None:
    """Like :func:`parse_published`, also telling whether the string had a time of day."""
    text = " ".join(value.split())
    if not text or len(text) > _MAX_LEN:
        return None
    for attempt in (_parse_iso, _parse_rfc822, _parse_epoch, _parse_text, _parse_dateparser):
        result = attempt(text)
        if result is not None:
            if not _MIN_YEAR <= result.when.year <= _MAX_YEAR:
                return None
            return result
    return None


def from_datetime(value: datetime) -> ParsedDate:
    """A ``datetime`` (e.g. a ``--published`` override) as a ParsedDate; naive means UTC."""
    return _finish(value, has_time=True)


def _finish(value: datetime, *, has_time: bool) -> ParsedDate:
    if not has_time:
        day = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return ParsedDate(day, None, False)
    offset = value.utcoffset()
    if value.tzinfo is None or offset is None:
        return ParsedDate(value.replace(tzinfo=UTC), None, True)
    minutes = int(offset.total_seconds() // 60)
    return ParsedDate(value.astimezone(UTC), minutes, True)


def _parse_iso(text: str) -> ParsedDate | None:
    if not _ISO_START.match(text):
        return None
    candidate = _ISO_SLOPPY_TZ.sub(r"\1\2", text)  # "2023-09-30 14:05:00 +02:00"
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return _finish(value, has_time=bool(_ISO_HAS_TIME.match(candidate)))


def _parse_rfc822(text: str) -> ParsedDate | None:
    match = _RFC822.fullmatch(text)
    if match is None:
        return None
    parts = parsedate_tz(text)
    if parts is None:
        return None
    year, month, day, hour, minute, second = parts[:6]
    try:
        value = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    zone = match.group("zone")
    if zone is None or zone == "-0000" or parts[9] is None:
        return _finish(value, has_time=True)  # no offset given: read as UTC, offset unknown
    return _finish(value.replace(tzinfo=timezone(timedelta(seconds=parts[9]))), has_time=True)


def _parse_epoch(text: str) -> ParsedDate | None:
    if not _EPOCH.fullmatch(text):
        return None
    seconds = int(text) / (1000 if len(text) > 10 else 1)
    value = datetime.fromtimestamp(seconds, UTC)
    return ParsedDate(value, None, True)


def _parse_text(text: str) -> ParsedDate | None:
    """Fast path for English "September 30, 2023", "Sat, 30 Sep 2023 at 2:05 pm CEST" …"""
    match = _TEXT_DATE.fullmatch(text)
    if match is None:
        return None
    month = _MONTHS.get((match["m1"] or match["m2"]).casefold())
    if month is None:
        return None
    try:
        day = datetime(int(match["y"]), month, int(match["d1"] or match["d2"]))
    except ValueError:
        return None
    if match["H"] is None:
        return _finish(day, has_time=False)
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"][0] in "pP" else 0)
    zone = match["tz"]
    offset: int | None = None
    if zone is not None:
        if zone[0] in "+-":
            digits = zone[1:].replace(":", "")
            offset = (int(digits[:2]) * 60 + int(digits[2:])) * (-1 if zone[0] == "-" else 1)
        elif zone.casefold() in _ZONES:
            offset = _ZONES[zone.casefold()]
        else:
            return None  # an abbreviation we do not know: let dateparser try
    try:
        value = day.replace(hour=hour, minute=minute, second=second)
    except ValueError:
        return None
    if offset is None:
        return _finish(value, has_time=True)
    return _finish(value.replace(tzinfo=timezone(timedelta(minutes=offset))), has_time=True)


@functools.cache
def _dateparser() -> Any:
    import dateparser  # slow import: only when the quick parsers failed

    return dateparser


def _parse_dateparser(text: str) -> ParsedDate | None:
    # Never let dateparser complete a partial or relative date from today's date.
    if not _YEAR.search(text) or _RELATIVE.search(text):
        return None
    try:
        value = _dateparser().parse(
            text, languages=_DATEPARSER_LANGUAGES, settings=_DATEPARSER_SETTINGS
        )
    except (ValueError, TypeError, OverflowError, LookupError):
        return None
    if not isinstance(value, datetime):
        return None
    return _finish(value, has_time=bool(_TIME.search(text)))


# --- HTML ---------------------------------------------------------------------------------------


def find_published(tree: Any) -> ParsedDate | None:
    """The publication time written in a page, best source first.

    JSON-LD ``datePublished`` (article types first), ``<meta>`` tags
    (``article:published_time``, ``og:…``, ``itemprop="datePublished"``, Dublin Core …), other
    ``itemprop="datePublished"`` elements, then ``<time datetime>`` inside ``<article>``.  The first
    candidate that has a time of day wins; if none has one, the first bare date.
    """
    first_date_only: ParsedDate | None = None
    for raw in _candidates(tree):
        parsed = parse_published_detail(raw)
        if parsed is None:
            continue
        if parsed.has_time:
            return parsed
        if first_date_only is None:
            first_date_only = parsed
    return first_date_only


def _candidates(tree: Any) -> Iterator[str]:
    objects = list(jsonld_objects(tree))
    typed = [o for o in objects if _is_article(o)]
    for obj in typed + [o for o in objects if not _is_article(o)]:
        value = obj.get("datePublished")
        if isinstance(value, str):
            yield value
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in found:
                found[key] = content
    for key in _META_KEYS:
        if key in found:
            yield found[key]
    for element in tree.xpath('//*[@itemprop="datePublished"]'):
        for attr in ("datetime", "content"):
            value = element.get(attr)
            if value:
                yield value
    times = tree.xpath("//article//time[@datetime]")
    for element in sorted(times, key=lambda e: e.get("pubdate") is None):
        yield element.get("datetime")


def _is_article(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds)


def jsonld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside the page's ``application/ld+json`` scripts (bounded walk)."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if not text.strip() or len(text) > _JSONLD_MAX_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        yield from _walk(data)


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    stack: deque[Any] = deque([data])
    seen = 0
    while stack and seen < _JSONLD_MAX_NODES:
        item = stack.popleft()
        seen += 1
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
