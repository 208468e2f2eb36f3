"""The records of the actor dictionary, and how the rows of its data files become them.

Records are typed and frozen.  Rows are validated as they are read: every problem raises
``DataFileError(path, what, fix, entry=..., field=...)``: the file, the entry (its key and
line) and the field, so a user can find and fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import DataFileError
from .index import phrase_keys, tokenize


@dataclass(frozen=True, slots=True)
class Seat:
    """A capital or seat of power used as a metonym ("Belgrade", "the Pentagon")."""

    text: str
    role: str = "GOV"


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str  # ISO 3166 alpha-3; KSV for Kosovo (the World Bank / CAMEO code)
    iso2: str  # ISO 3166 alpha-2; XK for Kosovo
    fips: str  # FIPS 10-4 (GDELT geography); empty where none exists
    name: str
    aliases: tuple[str, ...]  # other names; "~" marks a shared (ambiguous) alias
    adjectives: tuple[str, ...]  # adjectives and demonyms ("Serbian", "Briton")
    seats: tuple[Seat, ...]
    lat: float  # approximate centroid
    lon: float


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    label: str
    state: bool  # acts for a state (GOV, MIL, COP, JUD, LEG, SPY, PKO …)
    keywords: tuple[str, ...]
    weak: tuple[str, ...] = ()  # generic heads used only when no other role word is present
    fallback: tuple[str, ...] = ()  # heads used only when no strong or weak word is present


@dataclass(frozen=True, slots=True)
class Modifiers:
    """Words that change how a phrase is read (see ``roles.toml`` ``[modifiers]``)."""

    former: tuple[str, ...]
    ethnic: tuple[str, ...]
    sponsor: tuple[str, ...]
    origin: tuple[str, ...]
    titles: tuple[str, ...]
    person_titles: tuple[str, ...]
    not_actors: tuple[str, ...]
    foreign_roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Igo:
    """An inter-governmental (or international non-governmental) organisation."""

    name: str
    code: str  # full CAMEO-style code: IGOWSTNAT, IGOWSTNATMIL, NGOHRIAMN
    group: str  # three-letter known-group code: NAT, EEC, UNO, AMN
    role: str | None  # sector carried by the code itself (MIL for KFOR, JUD for the ICJ)
    aliases: tuple[str, ...]
    anaphors: tuple[str, ...]  # "the alliance": resolved only by coreference
    seats: tuple[str, ...]  # metonyms ("Brussels" for the EU)
    source: str  # "cameo" (code from the CAMEO lists) or "flashpoint" (our extension)


@dataclass(frozen=True, slots=True)
class Tenure:
    """One period of a person's (or organisation's) position."""

    country: str | None  # ISO3, or None when the affiliation is an IGO
    igo: str | None  # IGO code when the affiliation is an IGO
    role: str | None
    title: str
    start: dt.date | None
    end: dt.date | None  # exclusive: the day the position ended
    approx: bool = False  # dates known to the month only

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Person:
    name: str  # canonical name, native spelling ("Aleksandar Vučić")
    aliases: tuple[str, ...]
    surname: str | None  # for bare-surname matching; None when disabled
    gender: str | None  # "m", "f" or None
    tenures: tuple[Tenure, ...]  # sorted by start


@dataclass(frozen=True, slots=True)
class Org:
    """A named national body or non-state group (agency, party, armed group, breakaway entity)."""

    name: str
    aliases: tuple[str, ...]
    periods: tuple[Tenure, ...]  # sorted by start; country/role may change (the Taliban)
    ethnic: str | None


@dataclass(frozen=True, slots=True)
class Place:
    """A city or region: gives a country (or none, for a region) but no role."""

    name: str
    aliases: tuple[str, ...]
    country: str | None


@dataclass(frozen=True, slots=True)
class Ethnic:
    name: str  # label used in ``Actor.ethnic``
    terms: tuple[str, ...]
    country: str | None  # home country (used when no location is known)


FILES = ("countries.csv", "roles.toml", "igos.csv", "people.csv", "orgs.csv", "places.csv",
         "cities.csv", "ethnic.csv")
HEADERS: dict[str, tuple[str, ...]] = {
    "countries.csv": ("iso3", "iso2", "fips", "name", "aliases", "adjectives", "seats", "lat",
                      "lon"),
    "igos.csv": ("name", "code", "group", "role", "aliases", "anaphors", "seats", "source"),
    "people.csv": ("name", "aliases", "surname", "country", "role", "title", "start", "end",
                   "approx", "gender"),
    "orgs.csv": ("name", "aliases", "country", "role", "start", "end", "ethnic"),
    "places.csv": ("name", "aliases", "country"),
    "cities.csv": ("name", "aliases", "country"),
    "ethnic.csv": ("name", "terms", "country"),
}
_TOML_TABLES = {"countries": "countries.csv", "igos": "igos.csv", "people": "people.csv",
                "orgs": "orgs.csv", "places": "places.csv", "cities": "cities.csv",
                "ethnic": "ethnic.csv"}
_ISO3 = re.compile(r"[A-Z]{3}")
_ISO2 = re.compile(r"[A-Z]{2}")
_FIPS = re.compile(r"(?:[A-Z]{2})?")
_IGO_CODE = re.compile(r"(?:IGO|NGO|NGM)(?:[A-Z]{3})+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MODIFIER_FIELDS = ("former", "ethnic", "sponsor", "origin", "titles", "person_titles",
                    "not_actors", "foreign_roles")


@dataclass(frozen=True, slots=True)
class Row:
    """One entry of a data file, before it becomes a record."""

    path: str
    line: int
    key: str
    values: dict[str, Any]
    place: str = ""  # "people[2]" for a TOML entry; empty for a CSV line

    @property
    def entry(self) -> str:
        return f"{self.key} ({self.place or f'line {self.line}'})"

    def get(self, name: str) -> str:
        value = self.values.get(name, "")
        return "" if value is None else str(value).strip()

    def fail(self, what: str, fix: str, field: str | None = None) -> DataFileError:
        return DataFileError(self.path, what, fix, entry=self.entry, field=field)


def read_csv_rows(path: str, text: str) -> list[Row]:
    """Rows of a packaged-format CSV file; ``#`` lines are comments."""
    header = HEADERS.get(_base(path))
    lines = text.splitlines()
    if not lines:
        raise DataFileError(path, "empty file", "restore the header line")
    got = tuple(h.strip() for h in next(csv.reader([lines[0]])))
    if header is not None and got != header:
        raise DataFileError(path, f"unexpected header {','.join(got)}",
                            f"the header must be {','.join(header)}", field="header")
    return _csv_body(path, lines, got)


def _csv_body(path: str, lines: list[str], header: tuple[str, ...]) -> list[Row]:
    rows: list[Row] = []
    key_field = "iso3" if "iso3" in header else "name"
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if len(cells) != len(header):
            raise DataFileError(path, f"{len(cells)} fields where {len(header)} are expected",
                                "quote cells that contain commas", entry=f"line {number}")
        values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        key = values.get(key_field, "")
        if not key:
            raise DataFileError(path, f"empty {key_field}", f"give every row a {key_field}",
                                entry=f"line {number}", field=key_field)
        rows.append(Row(path, number, key, values))
    return rows


def _base(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def user_rows(path: str, raw: bytes, csv_headers: Mapping[str, tuple[str, ...]]
              ) -> dict[str, list[Row]]:
    """Rows of a user dictionary file, grouped by the packaged file they extend."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "not UTF-8 text", "save it as UTF-8") from exc
    lower = path.lower()
    if lower.endswith(".csv"):
        lines = text.splitlines()
        got = tuple(h.strip() for h in next(csv.reader([lines[0]]))) if lines else ()
        for name, header in csv_headers.items():
            if got == header:
                return {name: _csv_body(path, lines, got)}
        raise DataFileError(path, "the header matches no dictionary file",
                            "use the header of one of: " + "; ".join(
                                f"{n}: {','.join(h)}" for n, h in csv_headers.items()),
                            field="header")
    if not lower.endswith(".toml"):
        raise DataFileError(path, "unsupported user dictionary format",
                            "give a .toml or .csv file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, f"not valid TOML ({exc})", "fix the syntax") from exc
    out: dict[str, list[Row]] = {}
    for table, value in data.items():
        if table == "roles" and isinstance(value, dict):
            out["roles.toml"] = [Row(path, 0, code, dict(v) if isinstance(v, dict) else {},
                                     f"roles.{code}") for code, v in value.items()]
            continue
        if table not in _TOML_TABLES or not isinstance(value, list):
            raise DataFileError(path, f"unknown table {table!r}",
                                "use [[countries]], [[people]], [[igos]], [[orgs]], "
                                "[[places]], [[cities]], [[ethnic]] or [roles.CODE]",
                                entry=table)
        name = _TOML_TABLES[table]
        out[name] = [_toml_row(path, table, i, item, HEADERS[name])
                     for i, item in enumerate(value, start=1)]
    return out


def _toml_row(path: str, table: str, index: int, item: Any, header: tuple[str, ...]) -> Row:
    where = f"{table}[{index}]"
    if not isinstance(item, dict):
        raise DataFileError(path, "entry is not a table", "write [[" + table + "]] entries",
                            entry=where)
    unknown = sorted(set(item) - set(header))
    if unknown:
        raise DataFileError(path, f"unknown field {unknown[0]!r}",
                            "valid fields: " + ", ".join(header), entry=where, field=unknown[0])
    values: dict[str, Any] = {}
    for field_name in header:
        value = item.get(field_name, "")
        if isinstance(value, list):
            value = "|".join(str(v) for v in value)
        elif isinstance(value, dt.date | int | float):
            value = value.isoformat() if isinstance(value, dt.date) else str(value)
        elif not isinstance(value, str):
            raise DataFileError(path, "value must be text, a number, a date or a list",
                                "fix the value", entry=where, field=field_name)
        values[field_name] = value.strip()
    key = values.get("iso3" if "iso3" in header else "name", "")
    if not key:
        raise DataFileError(path, "missing key field", "give a name (iso3 for countries)",
                            entry=where)
    return Row(path, index, key, values, where)


def split_list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split("|") if item.strip())


def _code(row: Row, field: str, pattern: re.Pattern[str], what: str, optional: bool = False
          ) -> str:
    value = row.get(field)
    if optional and not value:
        return ""
    if not pattern.fullmatch(value):
        raise row.fail(f"bad {what} {value!r}", f"write a {what}", field)
    return value


def _role(row: Row, field: str, role_codes: frozenset[str]) -> str | None:
    value = row.get(field)
    if not value:
        return None
    if value not in role_codes:
        raise row.fail(f"unknown role code {value!r}",
                       "use a code defined in roles.toml (GOV, MIL, COP …)", field)
    return value


def _date(row: Row, field: str) -> dt.date | None:
    value = row.get(field)
    if not value:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise row.fail(f"bad date {value!r}", "write dates as YYYY-MM-DD", field) from exc


def _country_ref(row: Row, field: str, countries: Mapping[str, Country], optional: bool
                 ) -> str | None:
    value = row.get(field)
    if not value and optional:
        return None
    if value not in countries:
        raise row.fail(f"unknown country code {value!r}",
                       "use an ISO3 code listed in countries.csv (KSV for Kosovo)", field)
    return value


def parse_country(row: Row, role_codes: frozenset[str]) -> Country:
    iso3 = _code(row, "iso3", _ISO3, "ISO alpha-3 code (three capitals)")
    iso2 = _code(row, "iso2", _ISO2, "ISO alpha-2 code (two capitals)")
    fips = _code(row, "fips", _FIPS, "FIPS 10-4 code (two capitals or empty)")
    if not row.get("name"):
        raise row.fail("empty name", "give the country's common English name", "name")
    coords: list[float] = []
    for field, limit in (("lat", 90.0), ("lon", 180.0)):
        try:
            value = float(row.get(field))
        except ValueError as exc:
            raise row.fail(f"bad {field} {row.get(field)!r}", "write a decimal number",
                           field) from exc
        if not -limit <= value <= limit:
            raise row.fail(f"{field} {value} out of range", f"keep it within ±{limit:g}", field)
        coords.append(value)
    seats = []
    for item in split_list(row.get("seats")):
        text, _, role = item.partition(":")
        role = role.strip() or "GOV"
        if role not in role_codes:
            raise row.fail(f"unknown role code {role!r} in seat {item!r}",
                           "write seats as Name or Name:ROLE with a roles.toml code", "seats")
        seats.append(Seat(text.strip(), role))
    return Country(iso3, iso2, fips, row.get("name"), split_list(row.get("aliases")),
                   split_list(row.get("adjectives")), tuple(seats), coords[0], coords[1])


def check_alias_conflicts(rows: list[Row], countries: Mapping[str, Country]) -> None:
    """An alias read as two countries must be marked ``~`` by all claimants but one."""
    claims: list[tuple[Row, str, str, str]] = []
    for row in rows:
        country = countries[row.get("iso3")]
        for field, items in (("name", (country.name,)), ("aliases", country.aliases),
                             ("adjectives", country.adjectives),
                             ("seats", tuple(s.text for s in country.seats))):
            for item in items:
                claims.append((row, field, country.iso3, item))
    check_claims(claims, "country")


def check_claims(claims: Iterable[tuple[Row, str, str, str]], what: str) -> None:
    """Fail when one phrase names two owners and more than one claim is unmarked."""
    owners: dict[tuple[str, ...], dict[str, bool]] = {}
    for row, field, owner, phrase in claims:
        shared = phrase.startswith("~")
        key = phrase_keys(phrase.lstrip("~"))
        if not key:
            raise row.fail(f"empty phrase {phrase!r}", "remove the empty item", field)
        seen = owners.setdefault(key, {})
        seen[owner] = seen.get(owner, True) and shared
        unmarked = [o for o, s in seen.items() if not s]
        if len(seen) > 1 and len(unmarked) > 1:
            raise row.fail(
                f"{phrase.lstrip('~')!r} names two different {what} entries "
                f"({', '.join(sorted(seen))})",
                "mark the alias with ~ on every entry but the default reading, or remove it",
                field)


def parse_roles(data: Mapping[str, Any], path: str) -> tuple[dict[str, Role], Modifiers]:
    table = data.get("roles")
    if not isinstance(table, dict) or not table:
        raise DataFileError(path, "no [roles.CODE] tables", "define the role codes")
    roles: dict[str, Role] = {}
    for code, body in table.items():
        if not _ISO3.fullmatch(code) or not isinstance(body, dict):
            raise DataFileError(path, f"bad role code {code!r}", "use three capitals",
                                entry=code, field="code")
        unknown = sorted(set(body) - {"label", "state", "keywords", "weak", "fallback"})
        if unknown:
            raise DataFileError(path, f"unknown field {unknown[0]!r}",
                                "valid fields: label, state, keywords, weak, fallback",
                                entry=code,
                                field=unknown[0])
        if not isinstance(body.get("state"), bool):
            raise DataFileError(path, "state must be true or false", "set state", entry=code,
                                field="state")
        roles[code] = Role(code, str(body.get("label", code)), body["state"],
                           _str_list(body.get("keywords", []), path, code, "keywords"),
                           _str_list(body.get("weak", []), path, code, "weak"),
                           _str_list(body.get("fallback", []), path, code, "fallback"))
    mods = data.get("modifiers")
    if not isinstance(mods, dict):
        raise DataFileError(path, "no [modifiers] table", "restore the [modifiers] table")
    lists = {name: _str_list(mods.get(name, []), path, "modifiers", name)
             for name in _MODIFIER_FIELDS}
    return roles, Modifiers(**lists)


def _str_list(value: Any, path: str, entry: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(path, "must be a list of non-empty strings", "fix the list",
                            entry=entry, field=field)
    return tuple(v.strip() for v in value)


def parse_igo(row: Row, role_codes: frozenset[str]) -> Igo:
    code = _code(row, "code", _IGO_CODE, "IGO code (IGO/NGO/NGM + groups of three capitals)")
    group = _code(row, "group", _ISO3, "group code (three capitals)")
    source = row.get("source")
    if source not in {"cameo", "flashpoint"}:
        raise row.fail(f"bad source {source!r}", "write cameo or flashpoint", "source")
    return Igo(row.get("name"), code, group, _role(row, "role", role_codes),
               split_list(row.get("aliases")), split_list(row.get("anaphors")),
               split_list(row.get("seats")), source)


def _surname(row: Row, name: str) -> str | None:
    value = row.get("surname")
    if value == "-":
        return None
    if value:
        return value
    words = [t.text for t in tokenize(name) if t.is_word]
    return words[-1] if words else None


def _period(row: Row, countries: Mapping[str, Country], igo_codes: frozenset[str],
            role_codes: frozenset[str], title: str) -> Tenure:
    value = row.get("country")
    country: str | None = None
    igo: str | None = None
    if value in igo_codes:
        igo = value
    elif value:
        country = _country_ref(row, "country", countries, optional=False)
    start, end = _date(row, "start"), _date(row, "end")
    if start is not None and end is not None and end <= start:
        raise row.fail(f"end {end} is not after start {start}", "correct the dates", "end")
    approx = row.get("approx")
    if approx not in {"", "y"}:
        raise row.fail(f"bad approx {approx!r}", "write y (approximate) or leave empty",
                       "approx")
    return Tenure(country, igo, _role(row, "role", role_codes), title, start, end,
                  approx == "y")


def _grouped(rows: list[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.key, []).append(row)
    return groups


def _sort_key(t: Tenure) -> dt.date:
    return t.start or dt.date.min


def parse_people_rows(rows: list[Row], countries: Mapping[str, Country],
                      igo_codes: frozenset[str], role_codes: frozenset[str]
                      ) -> tuple[Person, ...]:
    people: list[Person] = []
    claims: list[tuple[Row, str, str, str]] = []
    for name, group in _grouped(rows).items():
        aliases: list[str] = []
        surname: str | None = _surname(group[0], name)
        gender = group[0].get("gender")
        tenures = []
        for row in group:
            if not row.get("country"):
                raise row.fail("empty country", "give an ISO3 or IGO code", "country")
            tenures.append(_period(row, countries, igo_codes, role_codes, row.get("title")))
            if row.get("gender") not in {"", "m", "f"}:
                raise row.fail(f"bad gender {row.get('gender')!r}", "write m, f or nothing",
                               "gender")
            if row.get("gender") and gender and row.get("gender") != gender:
                raise row.fail("gender differs from an earlier row of this person",
                               "use one value", "gender")
            if row.get("surname") and _surname(row, name) != surname:
                raise row.fail("surname differs from an earlier row of this person",
                               "use one value", "surname")
            for alias in split_list(row.get("aliases")):
                if alias not in aliases:
                    aliases.append(alias)
                    claims.append((row, "aliases", name, alias))
        claims.append((group[0], "name", name, name))
        people.append(Person(name, tuple(aliases), surname, gender or None,
                             tuple(sorted(tenures, key=_sort_key))))
    check_claims(claims, "person")
    return tuple(people)


def parse_org_rows(rows: list[Row], countries: Mapping[str, Country],
                   role_codes: frozenset[str], ethnic_names: frozenset[str]
                   ) -> tuple[Org, ...]:
    orgs: list[Org] = []
    claims: list[tuple[Row, str, str, str]] = []
    for name, group in _grouped(rows).items():
        aliases: list[str] = []
        periods = []
        ethnic = group[0].get("ethnic") or None
        for row in group:
            periods.append(_period(row, countries, frozenset(), role_codes, ""))
            value = row.get("ethnic")
            if value and value not in ethnic_names:
                raise row.fail(f"unknown ethnic group {value!r}",
                               "use a name listed in ethnic.csv", "ethnic")
            for alias in split_list(row.get("aliases")):
                if alias not in aliases:
                    aliases.append(alias)
                    claims.append((row, "aliases", name, alias))
        claims.append((group[0], "name", name, name))
        orgs.append(Org(name, tuple(aliases), tuple(sorted(periods, key=_sort_key)), ethnic))
    check_claims(claims, "organisation")
    return tuple(orgs)


def parse_place(row: Row, countries: Mapping[str, Country]) -> Place:
    return Place(row.get("name"), split_list(row.get("aliases")),
                 _country_ref(row, "country", countries, optional=True))


def parse_ethnic(row: Row, countries: Mapping[str, Country]) -> Ethnic:
    terms = split_list(row.get("terms"))
    if not terms:
        raise row.fail("no terms", "list the words that name the group", "terms")
    return Ethnic(row.get("name"), terms, _country_ref(row, "country", countries, optional=True))
