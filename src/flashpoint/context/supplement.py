"""The gazetteer supplement: our own places, border lines, trap aliases and word lists
(``data/gazetteer_supplement.toml``), read and validated (errors name file, entry, field)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataFileError

_WORDS = ("titles", "function_words", "time_words", "place_suffixes")

KINDS = ("point", "admin", "country")
_LISTS = (*_WORDS, "cue_only", "drop_alternate_names")
_FIELDS = {"name", "kind", "country", "countries", "lat", "lon", "aliases", "population",
           "geoname_id", "note"}


@dataclass(frozen=True, slots=True)
class CountryInfo:
    name: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupplementPlace:
    """A place (or, with ``pair``, a border line between two countries) of the supplement."""

    name: str
    kind: str
    country: str  # "" for none
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...] = ()
    population: int | None = None
    geoname_id: int | None = None
    pair: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DropRule:
    alias: str
    country: str | None = None
    geoname_id: int | None = None


@dataclass(frozen=True, slots=True)
class Supplement:
    path: str
    words: Mapping[str, tuple[str, ...]]  # the word lists of _LISTS
    places: tuple[SupplementPlace, ...]
    borders: tuple[SupplementPlace, ...]
    drop_aliases: tuple[DropRule, ...]
    country_codes: Mapping[str, str]
    countries: Mapping[str, CountryInfo]


class _Checker:  # field readers that raise DataFileError naming file, entry and field
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, what: str, entry: str | None, field: str | None, fix: str = "") -> DataFileError:
        return DataFileError(self.path, what, fix, entry=entry, field=field)

    def text(self, t: Mapping[str, Any], field: str, entry: str | None) -> str:
        v = t.get(field)
        if not isinstance(v, str) or not v.strip():
            raise self.fail("missing or empty text", entry, field, "give a non-empty string")
        return v

    def texts(self, t: Mapping[str, Any], field: str, entry: str | None) -> tuple[str, ...]:
        v = t.get(field, [])
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise self.fail("must be a list of non-empty strings", entry, field)
        for x in v:
            if _alias_key(x) is None:
                raise self.fail(f"{x!r} has no matchable words", entry, field,
                                "use words separated by spaces or hyphens")
        return tuple(v)

    def number(self, t: Mapping[str, Any], field: str, entry: str | None, limit: float, *,
               optional: bool = False) -> float | None:
        v = t.get(field)
        if v is None and optional:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not -limit <= v <= limit:
            raise self.fail(f"must be a number between -{limit:g} and {limit:g}", entry, field)
        return float(v)

    def integer(self, t: Mapping[str, Any], field: str, entry: str | None) -> int | None:
        v = t.get(field)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise self.fail("must be a non-negative integer", entry, field)
        return v

    def code(self, t: Mapping[str, Any], field: str, entry: str | None,
             known: Mapping[str, Any], *, allow_empty: bool = False) -> str:
        v = t.get(field)
        if not (allow_empty and v == "") and (not isinstance(v, str) or v not in known):
            raise self.fail(f"unknown country code {v!r}", entry, field,
                            "use an ISO alpha-3 code listed in [countries]"
                            + (' (or "" for none)' if allow_empty else ""))
        return str(v)

    def tables(self, data: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
        v = data.get(field, [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            raise self.fail("must be a list of tables", None, field)
        return v

    def place(self, t: Mapping[str, Any], countries: Mapping[str, Any],
              border: bool) -> SupplementPlace:
        name = self.text(t, "name", None)
        for field in sorted(set(t) - _FIELDS):
            raise self.fail("unknown field", name, field, "valid: " + ", ".join(sorted(_FIELDS)))
        kind = "admin" if border else t.get("kind")
        if kind not in KINDS:
            raise self.fail(f"kind must be one of {', '.join(KINDS)}", name, "kind")
        gid = None if border else self.integer(t, "geoname_id", name)
        pair: tuple[str, ...] = ()
        if border:
            v = t.get("countries")
            if not isinstance(v, list) or len(v) != 2 or any(c not in countries for c in v):
                raise self.fail("must list two country codes", name, "countries")
            pair = tuple(v)
        country = self.code(t, "country", name, countries, allow_empty=not border)
        if pair and country not in pair:
            raise self.fail("must be one of the two countries", name, "country")
        return SupplementPlace(
            name, str(kind), country, self.number(t, "lat", name, 90, optional=gid is not None),
            self.number(t, "lon", name, 180, optional=gid is not None),
            self.texts(t, "aliases", name), self.integer(t, "population", name), gid, pair)


def load_supplement(path: Path, raw: bytes | None = None) -> Supplement:
    """Read and validate the supplement (``DataFileError`` names file, entry and field)."""
    ck = _Checker(str(path))
    try:
        data = tomllib.loads((raw if raw is not None else path.read_bytes()).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ck.fail(f"not readable as UTF-8 TOML ({exc})", None, None, "fix the syntax") from exc
    if data.get("format") != 1:
        raise ck.fail("unsupported format (expected 1)", None, "format", "set format = 1")
    table = data.get("countries")
    if not isinstance(table, dict) or not table:
        raise ck.fail("missing [countries] table", None, "countries")
    countries: dict[str, CountryInfo] = {}
    for code, t in table.items():
        if not re.fullmatch(r"[A-Z]{3}", code) or not isinstance(t, dict):
            raise ck.fail("country keys must be ISO alpha-3 codes with a table", code, None)
        countries[code] = CountryInfo(
            ck.text(t, "name", code), float(ck.number(t, "lat", code, 90) or 0),
            float(ck.number(t, "lon", code, 180) or 0), ck.texts(t, "aliases", code),
            ck.texts(t, "demonyms", code))
    codes = data.get("country_codes", {})
    if not isinstance(codes, dict) or any(v not in countries for v in codes.values()):
        raise ck.fail("values must be codes listed in [countries]", None, "country_codes")
    drops = []
    for t in ck.tables(data, "drop_aliases"):
        alias = ck.text(t, "alias", None)
        country = None if t.get("country") is None else ck.code(t, "country", alias, countries)
        drops.append(DropRule(alias, country, ck.integer(t, "geoname_id", alias)))
    return Supplement(
        str(path), {k: ck.texts(data, k, None) for k in _LISTS},
        tuple(ck.place(t, countries, False) for t in ck.tables(data, "places")),
        tuple(ck.place(t, countries, True) for t in ck.tables(data, "borders")),
        tuple(drops), dict(codes), countries)


def _alias_key(alias: str) -> str | None:
    from .gazetteer import alias_key  # the index's own key function (imported late: no cycle)

    return alias_key(alias)
