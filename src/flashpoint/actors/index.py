"""Tokens, the phrase index over the actor dictionary, and the longest-match scanner.

Every name, alias, adjective, seat, keyword and term of the dictionary becomes an ``Entry``
under the token keys of its phrase.  ``scan`` walks a token list left to right and, at each
position, takes the longest phrase whose case rules hold; the matches never overlap.

Built once per dictionary (cached behind ``phrase_index``) in a few hundred milliseconds.

One tokenizer serves dictionary phrases and article text: they are cut the same way, so a
phrase matches a run of tokens exactly.  A token keeps its character offsets (for spans), a
*key* used for lookup (accents folded, case folded, dots dropped: "U.S." -> "us", "Vučić" ->
"vucic") and a *shape* used by the case rules of ``case_ok``:

- a dictionary token with two or more capitals ("NATO", "U.S.", "AfD") must appear in exactly
  that case ("us" and "Us" are not the United States);
- a capitalised dictionary token ("Chad", "Jordan") must be capitalised in the text, and an
  all-capitals text token of up to four letters does not match it ("NIS" is an acronym, not
  the city of Niš);
- a lower-case dictionary token ("police") matches in any case;
- in a text with no lower-case letter at all (a headline in capitals) every token matches in
  any case.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load import ActorDictionary

# An acronym with dots (U.S., D.P.R.K.), a possessive, a word, or any other single character.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|['’]s\b|[^\W_]+|\S")
_FOLD = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "ß": "ss",
    "’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‐": "-", "‑": "-",
})
# Words that match in any case inside a capitalised name ("the Hague", "Bosnia and
# Herzegovina", "al-Assad", "von der Leyen").
FUNCTION_WORDS = frozenset({
    "the", "of", "and", "de", "del", "della", "di", "da", "do", "dos", "du", "des", "la", "le",
    "el", "al", "von", "van", "der", "den", "bin", "ibn", "bint", "ben", "y", "e", "&", "-", "'",
    "'s", "for", "in", "on", "wal", "ul", "ur", "ud", "ad", "as", "an",
})
MAX_TEXT_CHARS = 20_000  # longer inputs are cut: actor phrases and sentences are short


class Case(StrEnum):
    """How a dictionary token constrains the case of the text token it matches."""

    ANY = "any"
    TITLE = "title"
    EXACT = "exact"


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as in the input
    start: int
    end: int
    key: str  # lookup form: folded, case-folded, no dots

    @property
    def is_word(self) -> bool:
        return any(ch.isalnum() for ch in self.text)

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_upper(self) -> bool:
        letters = [ch for ch in self.text if ch.isalpha()]
        return bool(letters) and all(ch.isupper() for ch in letters)


def fold(text: str) -> str:
    """Accents removed, special letters and typographic marks replaced (case kept)."""
    if text.isascii() and "`" not in text:
        return text
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def token_key(text: str) -> str:
    key = fold(text).casefold()
    if len(key) > 1 and "." in key:
        key = key.replace(".", "")
    return key


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (at most ``MAX_TEXT_CHARS`` characters are read)."""
    return list(_tokens(text[:MAX_TEXT_CHARS]))


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[Token, ...]:
    # Cached: a sentence is tokenized by the scan for actors, then again for coreference.
    return tuple(Token(m.group(), m.start(), m.end(), token_key(m.group()))
                 for m in _TOKEN.finditer(text))


def phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(phrase))


def case_pattern(phrase: str) -> tuple[tuple[Case, str], ...]:
    """For each token of a dictionary phrase: its case rule and its exact (folded) form."""
    out: list[tuple[Case, str]] = []
    for tok in tokenize(phrase):
        form = fold(tok.text).replace(".", "") if len(tok.text) > 1 else fold(tok.text)
        capitals = sum(1 for ch in form if ch.isupper())
        if tok.key in FUNCTION_WORDS or not tok.is_word:
            out.append((Case.ANY, form))
        elif capitals >= 2:
            out.append((Case.EXACT, form))
        elif capitals == 1 and form[:1].isupper():
            out.append((Case.TITLE, form))
        else:
            out.append((Case.ANY, form))
    return tuple(out)


def case_ok(pattern: tuple[tuple[Case, str], ...], tokens: list[Token], start: int,
            shouting: bool) -> bool:
    """Whether ``tokens[start:start+len(pattern)]`` satisfy the case rules of ``pattern``."""
    if shouting:
        return True
    for (rule, form), tok in zip(pattern, tokens[start:start + len(pattern)], strict=False):
        if rule is Case.ANY:
            continue
        text_form = fold(tok.text).replace(".", "") if len(tok.text) > 1 else fold(tok.text)
        if rule is Case.EXACT:
            if text_form != form:
                return False
        elif not tok.is_capitalised or (tok.is_upper and len(text_form) <= 4
                                        and len(text_form) > 1):
            return False
    return True


def is_shouting(text: str) -> bool:
    """True for text without any lower-case letter (a headline or dateline in capitals)."""
    return not any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)

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
    fallback: bool = False  # a fallback role word (weaker than weak ones)
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
    starts: dict[str, int] = field(default_factory=dict)  # first key -> longest phrase length
    surnames: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key -> person names
    titles: frozenset[str] = frozenset()  # generic titles, as space-joined token keys
    person_titles: frozenset[str] = frozenset()  # titles written before a name, likewise
    # The last sentences scanned (text, shouting) → matches: find_actors and coreference
    # both scan each sentence; the matches are immutable, so the second scan is a lookup.
    recent: dict[tuple[str, bool], tuple[Match, ...]] = field(default_factory=dict)

    def scan_text(self, text: str, tokens: list[Token], shouting: bool) -> list[Match]:
        key = (text, shouting)
        found = self.recent.get(key)
        if found is None:
            if len(self.recent) >= 256:
                self.recent.clear()
            found = self.recent[key] = tuple(scan(tokens, self, shouting))
        return list(found)

    def add(self, phrase: str, kind: Kind, ref: str, *, weak: bool = False,
            role: str | None = None, fallback: bool = False) -> None:
        shared = phrase.startswith("~")
        phrase = phrase.lstrip("~").strip()
        keys = phrase_keys(phrase)
        if not keys:
            return
        entry = Entry(kind, ref, case_pattern(phrase), shared, weak, fallback, role)
        bucket = self.phrases.setdefault(keys, [])
        if entry not in bucket:
            bucket.append(entry)
            bucket.sort(key=lambda e: (_PRIORITY[e.kind], e.shared, e.weak, e.fallback))
        self.longest = max(self.longest, len(keys))
        self.starts[keys[0]] = max(self.starts.get(keys[0], 0), len(keys))


@functools.lru_cache(maxsize=8)
def phrase_index(dictionary: ActorDictionary) -> PhraseIndex:
    """The phrase index of ``dictionary`` (built once per dictionary object)."""
    index = PhraseIndex()
    for role in dictionary.roles.values():
        for word in role.keywords:
            index.add(word, Kind.ROLE, role.code)
        for word in role.weak:
            index.add(word, Kind.ROLE, role.code, weak=True)
        for word in role.fallback:
            index.add(word, Kind.ROLE, role.code, fallback=True)
    mods = dictionary.modifiers
    for name, words in (("former", mods.former), ("ethnic", mods.ethnic),
                        ("not_actor", mods.not_actors)):
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
    index.titles = frozenset(" ".join(phrase_keys(t)) for t in mods.titles)
    index.person_titles = frozenset(" ".join(phrase_keys(t)) for t in mods.person_titles)
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
    keys = [t.key for t in tokens]
    starts = index.starts
    while i < n:
        found: Match | None = None
        longest = starts.get(keys[i], 0)
        if longest and tokens[i].is_word:
            for length in range(min(longest, n - i), 0, -1):
                bucket = index.phrases.get(tuple(keys[i:i + length]))
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
