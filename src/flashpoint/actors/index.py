"""A phrase index over the actor dictionary and a longest-match scanner over tokens.

Every name, alias, adjective, seat, keyword and term of the dictionary becomes an ``Entry``
under the token keys of its phrase.  ``scan`` walks a token list left to right and, at each
position, takes the longest phrase whose case rules hold; the matches never overlap.

Built once per dictionary (cached behind ``phrase_index``) in a few hundred milliseconds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from .load import ActorDictionary
from .text import Case, Token, case_ok, case_pattern, phrase_keys


class Kind(StrEnum):
    """What a dictionary phrase names.  Earlier members win when one phrase names several."""

    PERSON = "person"
    ORG = "org"
    IGO = "igo"
    COUNTRY = "country"  # a country's name or alias
    SEAT = "seat"  # a capital or seat of power (a metonym for its government)
    IGO_SEAT = "igo_seat"  # "Brussels" for the EU
    ADJECTIVE = "adjective"  # "Serbian", "Briton"
    ETHNIC = "ethnic"
    PLACE = "place"  # a city or region
    SURNAME = "surname"  # a bare surname (weak: used when unambiguous)
    ANAPHOR = "anaphor"  # "the alliance": only resolved by coreference
    ROLE = "role"
    MODIFIER = "modifier"  # "former", "ethnic"


_PRIORITY = {kind: i for i, kind in enumerate(Kind)}


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Kind
    ref: str  # iso3, role code, person/org/igo/place/ethnic name, modifier name
    pattern: tuple[tuple[Case, str], ...]
    shared: bool = False  # a "~" alias: read only when nothing better decides
    weak: bool = False  # a weak role word
    role: str | None = None  # the role a seat stands for


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # token index
    end: int  # token index, exclusive
    entries: tuple[Entry, ...]  # best first

    @property
    def kind(self) -> Kind:
        return self.entries[0].kind

    @property
    def entry(self) -> Entry:
        return self.entries[0]


@dataclass(slots=True)
class PhraseIndex:
    phrases: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    longest: int = 1
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> person names

    def add(self, phrase: str, kind: Kind, ref: str, *, weak: bool = False,
            role: str | None = None) -> None:
        shared = phrase.startswith("~")
        phrase = phrase.lstrip("~").strip()
        keys = phrase_keys(phrase)
        if not keys:
            return
        entry = Entry(kind, ref, case_pattern(phrase), shared, weak, role)
        bucket = self.phrases.setdefault(keys, [])
        if entry not in bucket:
            bucket.append(entry)
            bucket.sort(key=lambda e: (_PRIORITY[e.kind], e.shared, e.weak))
        self.longest = max(self.longest, len(keys))


@functools.lru_cache(maxsize=8)
def phrase_index(dictionary: ActorDictionary) -> PhraseIndex:
    """The phrase index of ``dictionary`` (built once per dictionary object)."""
    index = PhraseIndex()
    for role in dictionary.roles.values():
        for word in role.keywords:
            index.add(word, Kind.ROLE, role.code)
        for word in role.weak:
            index.add(word, Kind.ROLE, role.code, weak=True)
    mods = dictionary.modifiers
    for name, words in (("former", mods.former), ("ethnic", mods.ethnic)):
        for word in words:
            index.add(word, Kind.MODIFIER, name)
    for place in dictionary.places:
        for phrase in (place.name, *place.aliases):
            index.add(phrase, Kind.PLACE, place.name)
    for group in dictionary.ethnic:
        for phrase in group.terms:
            index.add(phrase, Kind.ETHNIC, group.name)
    for country in dictionary.countries.values():
        for phrase in (country.name, *country.aliases):
            index.add(phrase, Kind.COUNTRY, country.iso3)
        for phrase in country.adjectives:
            index.add(phrase, Kind.ADJECTIVE, country.iso3)
            for plural in _plurals(phrase):
                index.add(plural, Kind.ADJECTIVE, country.iso3)
        for seat in country.seats:
            index.add(seat.text, Kind.SEAT, country.iso3, role=seat.role)
    for igo in dictionary.igos:
        for phrase in (igo.name, *igo.aliases):
            index.add(phrase, Kind.IGO, igo.name)
        for phrase in igo.anaphors:
            index.add(phrase, Kind.ANAPHOR, igo.name)
        for phrase in igo.seats:
            index.add(phrase, Kind.IGO_SEAT, igo.name)
    for org in dictionary.orgs:
        for phrase in (org.name, *org.aliases):
            index.add(phrase, Kind.ORG, org.name)
    by_surname: dict[str, list[str]] = {}
    for person in dictionary.people:
        for phrase in (person.name, *person.aliases):
            index.add(phrase, Kind.PERSON, person.name)
        if person.surname:
            key = " ".join(phrase_keys(person.surname))
            by_surname.setdefault(key, []).append(person.name)
            index.add(person.surname, Kind.SURNAME, person.name)
    index.surnames = {k: tuple(v) for k, v in by_surname.items()}
    return index


def _plurals(adjective: str) -> Iterable[str]:
    """Plural demonyms made from single-word adjectives: "Serbian" -> "Serbians"."""
    if " " in adjective.strip() or adjective.lstrip("~").endswith(
            ("s", "sh", "ch", "ese", "x", "z", "ss")):
        return ()
    return (adjective + "s",)


def scan(tokens: list[Token], index: PhraseIndex, shouting: bool) -> list[Match]:
    """Longest non-overlapping dictionary matches, left to right."""
    matches: list[Match] = []
    i, n = 0, len(tokens)
    while i < n:
        found: Match | None = None
        if tokens[i].is_word:
            for length in range(min(index.longest, n - i), 0, -1):
                bucket = index.phrases.get(tuple(t.key for t in tokens[i:i + length]))
                if not bucket:
                    continue
                entries = tuple(e for e in bucket if case_ok(e.pattern, tokens, i, shouting))
                if entries:
                    found = Match(i, i + length, entries)
                    break
        if found is None:
            i += 1
        else:
            matches.append(found)
            i = found.end
    return matches
