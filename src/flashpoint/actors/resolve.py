"""Actor resolution: a noun phrase -> ``Actor``; a sentence -> every actor mention in it.

No parser is needed: both functions tokenize, look the tokens up in the precompiled phrase index
(longest match first) and read the matches with the rules of ``compose``.

- ``resolve_actor("Serbian President Aleksandar Vucic", d, date=...)`` -> SRBGOV (Vučić).
- ``resolve_actor("heavily armed Serb gunmen", d, context="northern Kosovo")`` -> KSV UAF,
  non-state, ethnic Serb (without context: SRB UAF, still non-state).
- ``find_actors(sentence, d)`` -> ``ActorSpan``s, non-overlapping, in text order, each with its
  character span, the ``Actor`` and whether it is the object of a locative preposition ("in
  Kosovo", "near the town of Samarra": usually a place, not a participant).

Both drop surname and place matches that are part of a longer unknown name ("Chelsea Clinton",
"The New York Times"; ``_without_name_parts``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from ..model import Actor
from .compose import (
    BOUNDARIES,
    PREPOSITIONS_LOCATIVE,
    PREPOSITIONS_OTHER,
    Context,
    Reading,
    read_phrase,
)
from .index import (
    FUNCTION_WORDS,
    Kind,
    Match,
    Token,
    is_shouting,
    phrase_index,
    scan,
    tokenize,
)
from .load import ActorDictionary

_ARTICLE = re.compile(r"^(?:(?:a|an|the)(?:\s+|$))+", re.IGNORECASE)
# Words that may stand before an actor phrase and belong to it ("heavily armed Serb gunmen").
_LEADING = frozenset({
    "heavily", "armed", "senior", "top", "local", "unidentified", "unknown", "masked",
    "suspected", "alleged", "retired", "disgraced", "ethnic", "radical", "hardline",
    "moderate", "militant", "rival", "renegade", "rogue", "pro", "anti", "-",
})
# Words between a place preposition and the place ("in northern Kosovo").
_DIRECTIONS = frozenset({
    "the", "northern", "southern", "eastern", "western", "central", "north", "south", "east",
    "west", "northeastern", "northwestern", "southeastern", "southwestern", "-", "far",
    "occupied", "neighbouring", "neighboring",
})
_COUNTRYISH = (Kind.COUNTRY, Kind.SEAT, Kind.PLACE, Kind.ADJECTIVE)
_MAX_NAME_WORDS = 4
_POSSESSIVES = frozenset({"its", "his", "her", "their"})
# Roles of the members a non-state group sends to fight ("its fighters", "their militants").
_ARMED_MEMBERS = frozenset({"UAF", "MIL", "REB", "CVL"})
_CALENDAR = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
})
# Capitalised words that may stand next to a place or a surname without making it part of an
# unknown longer name ("Gaza City", "Greater Manchester", "Kabul University").
_NAME_NEIGHBOURS = frozenset({
    "city", "province", "governorate", "district", "region", "state", "county", "oblast",
    "prefecture", "municipality", "strip", "valley", "airport", "port", "harbour", "harbor",
    "bay", "river", "dam", "mountains", "hills", "island", "islands", "peninsula", "square",
    "camp", "base", "airbase", "border", "crossing", "corridor", "front", "sector", "area",
    "zone", "coast", "highway", "road", "street", "university", "hospital", "prison", "stadium",
    "mosque", "church", "cathedral", "palace", "bridge", "lake", "sea", "gulf", "canal",
    "desert", "forest", "plain", "plateau", "heights", "refinery", "greater", "upper",
    "lower", "inner", "outer", "old", "new", "downtown", "metropolitan", "rural", "coastal",
    "mr", "mrs", "ms", "dr", "sir", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "sen",
    "rep", "gov", "mullah", "sheikh", "imam", "ayatollah", "emir", "prince", "king", "queen",
    "president", "premier", "chancellor", "minister", "general", "marshal", "colonel",
    "commander", "pope", "saint", "st", "san", "santa", "fort", "mount",
})
# Nouns for a kind of place, between a place preposition and the place's name ("near the town
# of Samarra", "in the capital Kabul").
_PLACE_NOUNS = frozenset({
    "city", "cities", "town", "towns", "village", "villages", "province", "provinces", "region",
    "district", "capital", "port", "area", "outskirts", "suburb", "suburbs", "state",
    "county", "governorate", "municipality", "neighbourhood", "neighborhood", "enclave",
    "island", "settlement", "township", "hamlet", "commune", "oblast", "prefecture",
})
# Words that cannot sit inside an actor phrase between its nationality and its head noun.
_NOT_INSIDE = frozenset({
    "and", "or", "but", "nor", "is", "are", "was", "were", "be", "been", "being", "has",
    "have", "had", "said", "says", "say", "will", "would", "could", "should", "may", "might",
    "must", "can", "not", "did", "do", "does", "also", "then", "who", "which", "that",
})


@dataclass(frozen=True, slots=True)
class ActorMatch:
    """``resolve_actor``'s answer: the actor, the text left once the deciding name is removed
    ("four  men" for "four Saudi men"), and that name as written ("Saudi")."""

    actor: Actor
    residual_text: str
    matched: str


@dataclass(frozen=True, slots=True)
class ActorSpan:
    """One actor mention in a sentence (character offsets into the sentence)."""

    start: int
    end: int
    text: str
    actor: Actor
    kind: str  # person | org | igo | country | seat | group | anaphor (coreference)
    person: str | None = None  # the personal name written, known or not ("Albin Kurti")
    locative: bool = False  # object of "in", "near", "across" …: probably a place


def resolve_actor(text: str, dictionary: ActorDictionary, *, date: dt.date | None = None,
                  context: str = "") -> ActorMatch | None:
    """The actor a noun phrase names, or None when it names none the dictionary knows.

    ``date`` selects people's and organisations' positions (default: the most recent one);
    ``context`` is text naming where the phrase is set (a place, a nationality): it decides
    the country of unattributed groups and of shared aliases.
    """
    day = _day(date)
    index = phrase_index(dictionary)
    tokens = tokenize(text)
    shouting = is_shouting(text)
    matches = _without_name_parts(tokens, scan(tokens, index, shouting))
    ctx = Context(dictionary, index, tokens, matches, day, _context_country(
        context, dictionary), shouting, local_only=False)
    segments = _segments(tokens, matches)
    if not segments:
        return None
    reading = read_phrase(ctx, *segments[0])
    for lo, hi in segments[1:]:  # appositions: "Harry Tseng, Taiwan's deputy foreign minister"
        other = read_phrase(ctx, lo, hi)
        if other is None:
            continue
        if reading is None:
            reading = other
            continue
        if (reading.country is None or not reading.explicit) and reading.igo is None \
                and other.country and other.explicit:
            reading = _fill(reading, other)
    if reading is None:
        return None
    actor = to_actor(reading, dictionary, text.strip())
    if actor is None:
        return None
    matched, residual = _residual(text, tokens, reading)
    return ActorMatch(actor, residual, matched)


def find_actors(sentence: str, dictionary: ActorDictionary, *, date: dt.date | None = None,
                context: str = "") -> list[ActorSpan]:
    """Every actor mention in ``sentence``: non-overlapping, in text order, longest first.

    Groups without a country ("gunmen", "police") take the country of a place the sentence
    names after "in"/"near"/"across" …, else that of ``context`` (an article-level place).
    """
    day = _day(date)
    index = phrase_index(dictionary)
    tokens = tokenize(sentence)
    shouting = is_shouting(sentence)
    matches = _without_name_parts(tokens, index.scan_text(sentence, tokens, shouting))
    chunks = _chunks(tokens, matches, dictionary)
    where = _sentence_place(tokens, matches, chunks, dictionary)
    ctx = Context(dictionary, index, tokens, matches, day,
                  where or _context_country(context, dictionary), shouting)
    spans: list[ActorSpan] = []
    for lo, hi, name_at in chunks:
        name = None if name_at is None else sentence[tokens[name_at].start:tokens[hi - 1].end]
        reading = read_phrase(ctx, lo, hi)
        if reading is None or _lone_adjective(reading, matches, lo, hi):
            continue
        if not reading.explicit and lo > 0 and tokens[lo - 1].key in _POSSESSIVES:
            # "urging Serbia to withdraw its military forces": the owner named before
            owner = next((sp.actor for sp in reversed(spans)
                          if (sp.actor.country or sp.actor.group) and not sp.locative), None)
            if owner is not None and owner.country and not owner.state and owner.role \
                    and reading.role in _ARMED_MEMBERS:
                # "Hezbollah said its fighters": the group's own fighters
                reading = replace(reading, country=owner.country, role=owner.role,
                                  explicit=True)
            elif owner is not None and owner.country:
                reading = replace(reading, country=owner.country, explicit=True)
            elif owner is not None and reading.igo is None:
                # "MONUSCO said its troops had fired": the organisation's own
                igo = dictionary.igo_by_code(owner.code)
                if igo is not None:
                    reading = replace(reading, igo=igo.name, explicit=True)
        start, end = tokens[lo].start, tokens[hi - 1].end
        text = sentence[start:end]
        actor = to_actor(reading, dictionary, text, (start, end))
        if actor is None:
            continue
        locative = reading.kind in {"country", "seat"} and reading.role in {None, "GOV"} \
            and (_is_locative(tokens, lo) or _dateline(tokens, lo, hi))
        kind = "person" if name and reading.kind != "igo" else reading.kind
        spans.append(ActorSpan(start, end, text, actor, kind, reading.person or name, locative))
    return spans


def _without_name_parts(tokens: list[Token], matches: list[Match]) -> list[Match]:
    """The matches without surnames and places that are part of a longer name the dictionary
    does not know: a capitalised word right before ("Chelsea Clinton", "Andrew Jackson") or
    right after ("Florence Parly", "New York Times").  Headlines in title case are left as
    they are (every word is capitalised there)."""
    if not any(m.kind in (Kind.SURNAME, Kind.PLACE) for m in matches):
        return matches
    covered = {i for m in matches for i in range(m.start, m.end)}
    words = [t for i, t in enumerate(tokens)
             if i and i not in covered and t.text[:1].isalpha()]
    if words and sum(1 for t in words if t.is_capitalised) * 3 > len(words) * 2:
        return matches  # a headline in title case

    def unknown_name(i: int) -> bool:
        if i < 0 or i >= len(tokens) or i in covered:
            return False
        tok = tokens[i]
        return (tok.text[:1].isupper() and tok.text[:1].isalpha() and not tok.is_upper
                and tok.key not in FUNCTION_WORDS and tok.key not in _NAME_NEIGHBOURS
                and tok.key not in _DIRECTIONS and tok.key not in _CALENDAR
                and tok.key not in PREPOSITIONS_LOCATIVE and tok.key not in PREPOSITIONS_OTHER)

    return [m for m in matches
            if m.kind not in (Kind.SURNAME, Kind.PLACE)
            or not ((m.start > 1 and unknown_name(m.start - 1)) or unknown_name(m.end))]


def _sentence_place(tokens: list[Token], matches: list[Match],
                    chunks: list[tuple[int, int, int | None]], dictionary: ActorDictionary
                    ) -> str | None:
    """The country of the first place named after a locative preposition ("in northern
    Kosovo"); adjectives do not count ("near the Serbian border" is no place in Serbia)."""
    for lo, hi, _ in chunks:
        if not _is_locative(tokens, lo):
            continue
        for m in matches:
            if lo <= m.start and m.end <= hi and m.kind in (Kind.COUNTRY, Kind.SEAT,
                                                              Kind.PLACE):
                country = _country_of(m, dictionary)
                if country:
                    return country
    return None


def _lone_adjective(reading: Reading, matches: list[Match], lo: int, hi: int) -> bool:
    """A religious adjective alone ("an Orthodox monastery") names no actor."""
    inside = [m for m in matches if lo <= m.start and m.end <= hi]
    return (len(inside) == 1 and inside[0].kind is Kind.ROLE and inside[0].entry.weak
            and inside[0].entry.ref == "REL" and not reading.explicit)


def to_actor(reading: Reading, dictionary: ActorDictionary, text: str,
             span: tuple[int, int] | None = None) -> Actor | None:
    """The ``Actor`` record for a reading (None when it has neither country, IGO nor role)."""
    role = reading.role
    group = None
    if reading.igo is not None:
        igo = dictionary.igo(reading.igo)
        group = igo.group
        code = igo.code + (role if role and role != igo.role else "")
        country = None
    else:
        country = reading.country
        code = (country or "") + (role or "")
    if not code:
        return None
    if reading.state is not None:
        state = reading.state
    elif role is not None:
        state = dictionary.roles[role].state
    else:
        state = True
    name = reading.person or reading.org or reading.igo
    return Actor(text=text, code=code, country=country, role=role, state=state,
                 ethnic=reading.ethnic, group=group, name=name, span=span)


def _day(date: dt.date | None) -> dt.date | None:
    if isinstance(date, dt.datetime):
        return date.date()
    return date


def _context_country(context: str, dictionary: ActorDictionary) -> str | None:
    """The first country a context text names (a country, nationality, capital or city)."""
    if not context.strip():
        return None
    tokens = tokenize(context)
    for m in scan(tokens, phrase_index(dictionary), is_shouting(context)):
        if m.kind in _COUNTRYISH and not m.entries[0].shared:
            country = _country_of(m, dictionary)
            if country:
                return country
    return None


def _country_of(match: Match, dictionary: ActorDictionary) -> str | None:
    entry = match.entries[0]
    if entry.kind is Kind.PLACE:
        place = dictionary.place(entry.ref)
        return place.country if place else None
    return entry.ref if entry.kind in _COUNTRYISH else None


def _fill(reading: Reading, other: Reading) -> Reading:
    return replace(reading, country=other.country, role=reading.role or other.role,
                   explicit=other.explicit)


def _segments(tokens: list[Token], matches: list[Match]) -> list[tuple[int, int]]:
    """Token ranges split at commas, brackets and dashes that are not inside a match."""
    covered = {i for m in matches for i in range(m.start, m.end)}
    segments, lo = [], 0
    for i, tok in enumerate(tokens):
        if i not in covered and (tok.text in BOUNDARIES or (tok.text in {"-", "—"} and (
                i + 1 < len(tokens) and tokens[i + 1].start > tok.end))):
            if lo < i:
                segments.append((lo, i))
            lo = i + 1
    if lo < len(tokens):
        segments.append((lo, len(tokens)))
    return segments


def _residual(text: str, tokens: list[Token], reading: Reading) -> tuple[str, str]:
    if reading.primary is None:
        return "", _ARTICLE.sub("", text.strip()).strip()
    lo, hi = reading.primary
    start, end = tokens[lo].start, tokens[hi - 1].end
    rest = (text[:start] + text[end:]).strip()
    return text[start:end], _ARTICLE.sub("", rest).strip()


_DATELINE_END = frozenset({",", "-", "—", "–", "("})


def _dateline(tokens: list[Token], lo: int, hi: int) -> bool:
    """A wire dateline: the sentence opens with a place in capitals and a comma or dash
    ("KHARTOUM, March 12 (Nile Wire) -"): where the story is filed, not an actor."""
    return (lo == 0 and hi < len(tokens) and tokens[hi].key in _DATELINE_END
            and all(t.is_upper or not t.is_word for t in tokens[:hi]))


def _is_locative(tokens: list[Token], lo: int) -> bool:
    """Whether the phrase at ``lo`` is the object of a place preposition: "in northern Kosovo",
    "near the town of Samarra", "outside the Iraqi city of Basra", "in the capital Kabul"."""
    def skippable(i: int) -> bool:
        key = tokens[i].key
        if key in _DIRECTIONS or key in _PLACE_NOUNS:
            return True
        if key == "of":  # "the town of"
            return i > 0 and tokens[i - 1].key in _PLACE_NOUNS
        # an adjective before a place noun: "the Iraqi city of", "the Syrian capital"
        return tokens[i].is_capitalised and i + 1 < lo and tokens[i + 1].key in _PLACE_NOUNS

    i = lo - 1
    while i >= 0 and lo - i <= 8 and skippable(i):
        i -= 1
    return i >= 0 and tokens[i].key in PREPOSITIONS_LOCATIVE


def _chunks(tokens: list[Token], matches: list[Match], dictionary: ActorDictionary
            ) -> list[tuple[int, int, int | None]]:
    """Token ranges of actor phrases: runs of matches joined by glue, plus leading modifiers
    and the name written after a person title ("Prime Minister Albin Kurti")."""
    mods = dictionary.modifiers
    person_titles = phrase_index(dictionary).person_titles
    chunks: list[tuple[int, int, int | None]] = []
    current: list[Match] = []

    def close() -> None:
        if not current:
            return
        lo, hi = current[0].start, current[-1].end
        while lo > 0 and tokens[lo - 1].key in _LEADING and (
                tokens[lo - 1].key != "-" or (lo > 1 and tokens[lo - 2].key in {"pro", "anti"})):
            lo -= 1
        end = _name_after_title(tokens, current[-1], hi, person_titles)
        if any(m.kind not in (Kind.MODIFIER, Kind.ANAPHOR) for m in current) and (
                not chunks or chunks[-1][1] <= lo):  # not inside the name of the last one
            chunks.append((lo, end, hi if end > hi else None))
        current.clear()

    for m in matches:
        if m.kind is Kind.ANAPHOR or (m.kind is Kind.MODIFIER and m.entry.ref == "not_actor"):
            close()
            continue
        if current and _joined(tokens, current[-1], m, mods.sponsor + mods.origin):
            current.append(m)
            continue
        close()
        current.append(m)
    close()
    return chunks


def _joined(tokens: list[Token], a: Match, b: Match, hyphen_words: tuple[str, ...]) -> bool:
    """Whether match ``b`` continues the phrase that match ``a`` ends."""
    gap = [t.key for t in tokens[a.end:b.start]]
    countryish = a.kind in _COUNTRYISH and b.kind in _COUNTRYISH
    if not gap:
        return not (countryish and a.kind is b.kind)
    if gap in (["'s"], ["'"]):
        return True
    if gap[0] == "'s" and b.kind is Kind.ROLE:
        # "Taiwan's Vice Foreign Minister", "Lebanon's new President", "Ankara's Cankaya
        # district administration": up to three plain words between the owner and the title
        return len(gap) <= 4 and all(_inner_word(t) for t in tokens[a.end + 1:b.start])
    if gap[0] == "-":
        return len(gap) == 2 and gap[1] in hyphen_words
    if gap in (["of"], ["of", "the"]):
        return a.kind is Kind.ROLE and b.kind in (Kind.COUNTRY, Kind.IGO, Kind.ORG, Kind.SEAT,
                                                 Kind.PLACE, Kind.ROLE, Kind.ADJECTIVE)
    if a.kind in (Kind.ADJECTIVE, Kind.ETHNIC, Kind.MODIFIER) and b.kind is Kind.ROLE:
        # "Serbian nuclear forces": up to two plain lower-case words inside the phrase, but
        # not "Serbs clashed with police"
        return len(gap) <= 2 and all(t.text.islower() and _inner_word(t)
                                     for t in tokens[a.end:b.start])
    return False


def _inner_word(tok: Token) -> bool:
    """A word that may stand inside an actor phrase, between its owner and its head noun."""
    return (tok.text.isalpha() and tok.key not in _NOT_INSIDE
            and tok.key not in PREPOSITIONS_LOCATIVE and tok.key not in PREPOSITIONS_OTHER
            and tok.key not in _CALENDAR
            and (not tok.key.endswith("ed") or tok.key in _LEADING))


def _name_after_title(tokens: list[Token], last: Match, hi: int,
                      person_titles: frozenset[str]) -> int:
    """Where a phrase ending in a person title ends once the capitalised name that follows
    is included ("Prime Minister Albin Kurti", "Defence Secretary Tom King"); ``hi`` when no
    name follows.  Matches inside the name belong to this phrase, not to a new one."""
    if last.kind is not Kind.ROLE or " ".join(
            t.key for t in tokens[last.start:last.end]) not in person_titles:
        return hi
    j, words = hi, 0
    while j < len(tokens) and words < _MAX_NAME_WORDS:
        tok = tokens[j]
        if tok.is_word and tok.is_capitalised and not tok.is_upper and tok.key not in _CALENDAR:
            words += 1
            j += 1
        elif tok.key in {".", "-"} and words and j + 1 < len(tokens) and \
                tokens[j + 1].is_word and tokens[j + 1].start - tok.end <= 1:
            j += 1
        else:
            break
    while j > hi and not tokens[j - 1].is_word:
        j -= 1
    return j if words else hi
