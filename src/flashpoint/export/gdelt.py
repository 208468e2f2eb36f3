"""GDELT 2.0 event and mentions tables (tab-separated, no header), from our events.

The column lists live in ``export/data/gdelt_events.csv`` (61 columns) and
``export/data/gdelt_mentions.csv`` (16 columns): index, name, type (int | float | str) and what
we fill the column from.  They are validated on load; every column must have a filler here.

Rules:
- ``GLOBALEVENTID`` is deterministic: the first 8 bytes of sha256(event_id), big-endian, masked
  to 63 bits (``global_event_id``), so a re-export or a re-run gives the same ids.
- Actor columns come from the event's codes and its representative member (the mention the
  store took the codes from): name, known group, ethnic and role codes.
- Geography uses FIPS 10-4 country codes as GDELT does (Kosovo KV, Serbia RI), from the actor
  dictionary's country table; lat/lon and the feature id from the event's location.
- A field we do not have is empty, never invented (religion, actor geography, ADM codes, ...).
- Text fields have tabs and line breaks replaced by spaces.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import IO
from urllib.parse import urlsplit

from ..actors.load import load_dictionary
from ..errors import DataFileError
from ..model import Actor, Event, Mention, Place
from .reading import ArticleInfo, EventContext, utc_stamp

EVENTS_FILE = "gdelt_events.csv"
MENTIONS_FILE = "gdelt_mentions.csv"
TYPES = ("int", "float", "str")
_MASK63 = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    name: str
    type: str  # int | float | str
    filled_from: str


def global_event_id(event_id: str) -> int:
    """GDELT's GLOBALEVENTID for our ``event_id``: a deterministic non-negative 63-bit int."""
    digest = hashlib.sha256(event_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") & _MASK63


# -- column lists ------------------------------------------------------------------------------

def parse_columns(path: str, text: str, expected: int) -> tuple[Column, ...]:
    """Validate a column list (``index,column,type,filled_from``) of ``expected`` rows."""
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    if header != ("index", "column", "type", "filled_from"):
        raise DataFileError(path, f"header is {','.join(header)!r}",
                            "the header must be index,column,type,filled_from")
    columns: list[Column] = []
    seen: set[str] = set()
    for row in reader:
        name = (row.get("column") or "").strip()
        entry = name or f"row {len(columns) + 2}"
        if not name or not name.isidentifier():
            raise DataFileError(path, "column name missing or not an identifier",
                                entry=entry, field="column")
        if name in seen:
            raise DataFileError(path, "column listed twice", entry=name, field="column")
        seen.add(name)
        if (row.get("index") or "").strip() != str(len(columns)):
            raise DataFileError(path, f"index {row.get('index')!r} is out of order",
                                f"number the columns 0, 1, 2 ... (expected {len(columns)})",
                                entry=name, field="index")
        kind = (row.get("type") or "").strip()
        if kind not in TYPES:
            raise DataFileError(path, f"type {kind!r} is not one of {', '.join(TYPES)}",
                                entry=name, field="type")
        columns.append(Column(len(columns), name, kind, (row.get("filled_from") or "").strip()))
    if len(columns) != expected:
        raise DataFileError(path, f"{len(columns)} columns, expected {expected}",
                            "list every GDELT 2.0 column once, in order")
    return tuple(columns)


@cache
def event_columns() -> tuple[Column, ...]:
    """The 61 GDELT 2.0 event columns, in order (packaged data file, validated)."""
    return _packaged(EVENTS_FILE, 61, set(_EVENT_FILLERS))


@cache
def mention_columns() -> tuple[Column, ...]:
    """The 16 GDELT 2.0 mentions columns, in order (packaged data file, validated)."""
    return _packaged(MENTIONS_FILE, 16, set(_MENTION_FIELDS))


def _packaged(name: str, expected: int, known: set[str]) -> tuple[Column, ...]:
    path = f"flashpoint/export/data/{name}"
    text = (resources.files("flashpoint.export") / "data" / name).read_text(encoding="utf-8")
    columns = parse_columns(path, text, expected)
    for col in columns:
        if col.name not in known:
            raise DataFileError(path, "no filler for this column in flashpoint.export.gdelt",
                                "add one there or correct the name", entry=col.name,
                                field="column")
    return columns


# -- values ------------------------------------------------------------------------------------

def _text(value: str | None) -> str:
    """A text field: tabs and line breaks become spaces (GDELT's TSV has no quoting)."""
    if not value:
        return ""
    return " ".join(value.replace("\t", " ").splitlines())


def _num(value: float | None, digits: int | None = None) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}" if digits is not None else repr(float(value))


@cache
def _countries(user_dictionary: str | None) -> Mapping[str, tuple[str, str]]:
    """ISO alpha-3 -> (FIPS 10-4 code or "", country name)."""
    return {c.iso3: (c.fips, c.name)
            for c in load_dictionary(user_dictionary).countries.values()}


def fips_code(iso3: str | None, user_dictionary: str | None = None) -> str:
    """The FIPS 10-4 code GDELT uses for a country (KSV -> KV), or "" when unknown."""
    if not iso3:
        return ""
    return _countries(user_dictionary).get(iso3, ("", ""))[0]


def _actor_name(actor: Actor | None) -> str:
    if actor is None:
        return ""
    return _text((actor.name or actor.text or "").upper())


def _geo(place: Place | None, user_dictionary: str | None) -> list[str]:
    """The 8 ActionGeo columns for the event location."""
    if place is None:
        return [""] * 8
    fips, country_name = _countries(user_dictionary).get(place.country or "", ("", ""))
    usa = place.country == "USA"
    kind = {"country": "1", "point": "3" if usa else "4",
            "admin": "2" if usa else "5"}.get(place.geo_precision, "")
    name = place.place_name
    if country_name and kind != "1" and country_name != name:
        name = f"{name}, {country_name}"
    if kind == "1":
        adm1, feature = fips, fips
    else:
        adm1, feature = "", str(place.geoname_id) if place.geoname_id is not None else ""
    if place.lat is None or place.lon is None:
        lat = lon = ""
    else:
        lat, lon = _num(place.lat), _num(place.lon)
    return [kind, _text(name), fips, adm1, "", lat, lon, feature]


def _date_fields(day: str | None) -> list[str]:
    if not day:
        return ["", "", "", ""]
    year, month, dom = int(day[:4]), int(day[5:7]), int(day[8:10])
    fraction = year + (month * 30 + dom) / 365
    return [f"{year:04d}{month:02d}{dom:02d}", f"{year:04d}{month:02d}", f"{year:04d}",
            f"{fraction:.4f}"]


def _actor_fields(code: str | None, country: str | None, actor: Actor | None) -> list[str]:
    """Code, Name, CountryCode, KnownGroupCode, EthnicCode, Religion1, Religion2, Type1-3."""
    if not code:
        return [""] * 10
    same = actor is not None and actor.code == code
    return [_text(code), _actor_name(actor if same else None), _text(country),
            _text(actor.group if same and actor else None),
            _text(actor.ethnic if same and actor else None), "", "",
            _text(actor.role if same and actor else None), "", ""]


def _is_root(first: tuple[Mention, ArticleInfo] | None) -> str:
    if first is None:
        return ""
    mention, info = first
    probe = mention.sentence.strip()[:80]
    return "1" if probe and probe in info.lead else "0"


def _avg_tone(event: Event, ctx: EventContext) -> str:
    tones = [info.tone for info in (ctx.articles.get(a) for a in
                                    {m.article_id for m in ctx.members(event)})
             if info is not None and info.tone is not None]
    return _num(sum(tones) / len(tones), 4) if tones else ""


def _source_url(event: Event, ctx: EventContext) -> str:
    for m in ctx.members(event):
        info = ctx.articles.get(m.article_id)
        if info is not None and info.url:
            return _text(info.url)
    return ""


def event_fields(event: Event, ctx: EventContext, user_dictionary: str | None = None
                 ) -> list[str]:
    """The 61 GDELT 2.0 event fields of one event, as strings ("" = empty)."""
    values = _event_values(event, ctx, ctx.representative(event), event.cameo,
                           user_dictionary)
    return [values[c.name] for c in event_columns()]


def _event_values(event: Event, ctx: EventContext, rep: Mention | None, cameo: str,
                  user_dictionary: str | None) -> dict[str, str]:
    actor1 = _actor_fields(event.source_code, event.source_country,
                           rep.source if rep is not None else None)
    actor2 = _actor_fields(event.target_code, event.target_country,
                           rep.target if rep is not None else None)
    values = [str(global_event_id(event.event_id)), *_date_fields(event.event_date),
              *actor1, *actor2, _is_root(ctx.first_report(event)), cameo,
              cameo[:3] if len(cameo) >= 3 else cameo, event.cameo_root or cameo[:2],
              str(event.quad_class), _num(event.goldstein), str(event.num_mentions),
              str(event.num_sources), str(event.num_articles), _avg_tone(event, ctx),
              *([""] * 16), *_geo(event.location, user_dictionary),
              utc_stamp(event.first_seen), _source_url(event, ctx)]
    return dict(zip(_EVENT_FILLERS, values, strict=True))


# The event columns in the order ``_event_values`` builds them (checked against the data file).
_EVENT_FILLERS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor{i}{f}" for i in (1, 2) for f in (
        "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
        "Religion2Code", "Type1Code", "Type2Code", "Type3Code")),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor{i}Geo_{f}" for i in (1, 2) for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    *(f"ActionGeo_{f}" for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")),
    "DATEADDED", "SOURCEURL",
)


# -- mentions ----------------------------------------------------------------------------------

def _offset(info: ArticleInfo, mention: Mention, span: tuple[int, int] | None) -> str:
    if span is None or info.text is None:
        return ""
    base = info.text.find(mention.sentence)
    return str(base + span[0]) if base >= 0 else ""


def _source_name(info: ArticleInfo) -> str:
    if info.url:
        host = (urlsplit(info.url).hostname or "").lower()
        if host.startswith("www."):
            host = host[4:]
        if host:
            return host
    return _text(info.source)


def _mention_values(event: Event, mention: Mention, info: ArticleInfo) -> dict[str, str]:
    ident = info.url or ", ".join(p for p in (info.source, info.title) if p)
    return {
        "GLOBALEVENTID": str(global_event_id(event.event_id)),
        "EventTimeDate": utc_stamp(event.first_seen),
        "MentionTimeDate": utc_stamp(info.published),
        "MentionType": "1" if info.url else "2",
        "MentionSourceName": _source_name(info),
        "MentionIdentifier": _text(ident),
        "SentenceID": str(mention.sentence_index + 1),
        "Actor1CharOffset": _offset(info, mention, mention.source.span),
        "Actor2CharOffset": _offset(info, mention, mention.target.span
                                    if mention.target is not None else None),
        "ActionCharOffset": _offset(info, mention, mention.trigger_span),
        "InRawText": "1",
        "Confidence": str(round(100 * mention.confidence)),
        "MentionDocLen": str(info.text_len),
        "MentionDocTone": _num(info.tone),
        "MentionDocTranslationInfo": "",
        "Extras": "",
    }


# The mentions columns ``_mention_values`` fills (checked against the data file).
_MENTION_FIELDS: tuple[str, ...] = (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName",
    "MentionIdentifier", "SentenceID", "Actor1CharOffset", "Actor2CharOffset",
    "ActionCharOffset", "InRawText", "Confidence", "MentionDocLen", "MentionDocTone",
    "MentionDocTranslationInfo", "Extras")


def mention_fields(event: Event, ctx: EventContext) -> list[list[str]]:
    """The 16 GDELT 2.0 mentions fields of every member of ``event`` (article found)."""
    rows = []
    for m in ctx.members(event):
        info = ctx.articles.get(m.article_id)
        if info is None:
            continue
        values = _mention_values(event, m, info)
        rows.append([values[c.name] for c in mention_columns()])
    return rows


# -- writing -----------------------------------------------------------------------------------

def write_tsv(rows: Iterable[list[str]], out: IO[str]) -> int:
    """Write rows as GDELT does: tab-separated, no header, no quoting; returns the row count."""
    n = 0
    for row in rows:
        out.write("\t".join(row) + "\n")
        n += 1
    return n


def event_rows(events: Iterable[Event], ctx: EventContext, user_dictionary: str | None = None
               ) -> Iterable[list[str]]:
    return (event_fields(e, ctx, user_dictionary) for e in events)


def mention_rows(events: Iterable[Event], ctx: EventContext) -> Iterable[list[str]]:
    return (row for e in events for row in mention_fields(e, ctx))

