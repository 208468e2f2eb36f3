"""Typed, frozen records of the actor dictionary (what the data files hold, once validated)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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


@dataclass(frozen=True, slots=True)
class Modifiers:
    """Words that change how a phrase is read (see ``roles.toml`` ``[modifiers]``)."""

    former: tuple[str, ...]
    ethnic: tuple[str, ...]
    sponsor: tuple[str, ...]
    origin: tuple[str, ...]
    titles: tuple[str, ...]
    determiners: tuple[str, ...]


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
