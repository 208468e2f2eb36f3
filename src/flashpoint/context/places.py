"""Place mentions in an article, and where each coded event happened.

Place mentions (``find_places``)
- Toponyms are matched case-sensitively on word tokens against the gazetteer (countries, US
  states, cities, our supplement), longest match first: "northern Kosovo" beats "Kosovo",
  "the Serbia-Kosovo border" is one place. Diacritics and typographic apostrophes/dashes do not
  matter ("Zvecan" = "Zvečan", "Kosovo’s" -> "Kosovo"). An all-capitals dateline ("WASHINGTON —")
  is read title-cased.
- Not place mentions: demonyms ("Serbian"); a place name followed by a capitalised word that is
  not a place, a time word or a place suffix, i.e. a toponym that is part of another name — an
  actor modifier ("U.S. Secretary of State", "Kosovo Prime Minister", "Kosovo Force",
  "Washington Post"); a name in a person's name ("President Jackson", "Lloyd Austin", and later
  "Austin" alone unless after "in"/"near"…); a city whose name is a common English word ("Nice",
  "Split", "Reading") unless a cue precedes it ("in", "near", "the town of") or a qualifier
  follows ("Split, Croatia"). Capital cities used as actors ("a warning to Belgrade") *are*
  mentions: telling metonymy apart is left to ``event_location``.
- Border phrases ("the border with Kosovo", "the Kosovo frontier", "the Serbian border") are one
  mention. With our supplement's line for the pair of countries (the named one and its partner:
  a country named earlier in the sentence, else one of the article's two main countries) they
  resolve to it (e.g. the Kosovo–Serbia boundary, admin); otherwise to the named country at
  country precision, named "<country> border".
- "<direction> <country>" ("eastern Ukraine") not in the supplement is a derived admin region:
  the country's centroid moved a third of the country's extent that way.
- Disambiguation: a qualifier wins ("Belgrade, Montana"; "Paris, Texas"); otherwise the highest
  score of log10(population) + 2 if the name is the place's own (not an alternate name) + 3 for
  our supplement's places + 1 for national capitals + 1.5 for countries + up to 3 when the
  place's country is among the article's countries (earlier = more) + 3 for US places in a US
  state the article names.
- A "village/town/city of X" that matches nothing is reported with geo_precision "none".

Event locations (``event_location``) — where it happened, not every place the sentence names
1. The attached place: a place in the trigger's clause right after a locative preposition (in,
   at, near, outside, inside, along, across, around, into, within, throughout, close to, next
   to, on the outskirts of, north/south/east/west of; up to four words between: "near the
   village of Banjska"), nearest after the trigger first, then before it in the clause, then a
   sentence-opening "In X," phrase. Among places after one preposition the most specific wins.
2. Verbal acts (CAMEO roots 01–13 and 16: statements, appeals, consultations incl. 041 phone
   calls and 04 meetings, demands, threats, accusations …) have a location only through rule 1,
   with in/at/near/outside/inside only ("met in Brussels" -> Brussels; a phone call between
   Washington and Belgrade -> None).
3. Material acts (roots 14, 15, 17–20) use rule 1; else a place in the sentence that is not an
   actor (not possessive, not after with/to/against/by/of …; after the trigger: "shelled
   Kharkiv"; before it only a non-capital city/region: "Belgrade deployed …" does not count);
   else the article's dominant
   place: the most frequent admin/point place of ``article_places`` that is neither a national
   capital nor a border line, else the most frequent country.
4. Roots 07 and 08 (aid, yielding) are located like material acts but never from the article:
   only where the sentence says so.
5. A border phrase ("near the Serbian border", "close to the Kosovo frontier") is not a point
   in either country: it gives the article's dominant place when the article has one, else the
   border place itself (our supplement's line, or the named country at country precision).
6. A place that matches nothing keeps geo_precision "none" (``unresolved``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..model import Place
from .gazetteer import (
    CAPITAL,
    CUE_ONLY,
    PRIMARY,
    SUPPLEMENTED,
    Gazetteer,
    Token,
    load_gazetteer,
    tokenize,
)

MAX_TEXT_CHARS = 2_000_000  # longer texts are cut: untrusted input
CUES = frozenset({"in", "at", "near", "outside", "inside", "from", "to", "into", "around",
                  "across", "toward", "towards", "via", "off", "along", "of", "throughout",
                  "within", "nearby", "visited", "visit"})
PLACE_NOUNS = frozenset({"village", "town", "city", "hamlet", "municipality", "district",
                         "region", "province", "port", "capital", "settlement", "suburb",
                         "county", "state", "area", "outskirts"})
DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central", "northeastern",
                        "northwestern", "southeastern", "southwestern"})
BORDER_WORDS = frozenset({"border", "frontier", "boundary", "borders", "frontiers"})
_SENTENCE_GAP = re.compile(r"[.!?][\"'”’)\]]*\s|\n\s*\n|[\"“«]\s*$")
_DATELINE = re.compile(r"^[ \t]*([^\W\d_][\w\u0300-\u036f.'’\- ]*?[\w.])(?=[ \t]*(?:,|\(|—|–|-))",
                       re.M)
_UNRESOLVED = re.compile(
    r"\b(?:village|town|city|hamlet|municipality|settlement) of "
    r"([A-Z][\w'’\-]*(?:[ \u00a0][A-Z][\w'’\-]*){0,2})")
_BORDER_BEFORE = re.compile(r"\b(?:border|frontier|boundary)(?: line)?\s+(?:with|between)\s+"
                            r"(?:the\s+)?$", re.I)
_BORDER_AFTER = re.compile(r"\s+(?:border|frontier|boundary)\b", re.I)
_BORDER_TEXT = re.compile(r"\b(?:border|frontier|boundary|boundaries|borders|line of control|"
                          r"demilitari[sz]ed zone|DMZ|Blue Line)\b", re.I)


@dataclass(slots=True)
class _Match:
    i: int  # first token
    j: int  # one past the last token
    codes: Sequence[int]
    direction: str | None = None
    minor: Sequence[int] = ()  # small towns the name may mean when qualified


def unresolved(text: str, span: tuple[int, int] | None = None) -> Place:
    """A place mention that matches nothing in the gazetteer."""
    return Place(text=text, place_name=text, country=None, lat=None, lon=None,
                 geo_precision="none", span=span)


# -- matching ---------------------------------------------------------------------------------

def _keys(text: str, toks: Sequence[Token]) -> list[str]:
    """Token keys; tokens of an all-capitals dateline are title-cased."""
    keys = [t.key for t in toks]
    spans = [(m.start(1), m.end(1)) for m in _DATELINE.finditer(text) if m.group(1).isupper()]
    if spans:
        for n, t in enumerate(toks):
            if any(s <= t.start < e for s, e in spans) and t.key.isupper() and len(t.key) > 1:
                keys[n] = t.key.title() if "." not in t.key else t.key
    return keys


def _longest(keys: Sequence[str], toks: Sequence[Token], i: int,
             gaz: Gazetteer) -> _Match | None:
    top = gaz.first_tokens.get(keys[i], 0)
    size = 1
    while size < top and i + size < len(toks) and toks[i + size].joined:
        size += 1
    for n in range(size if top else 0, 0, -1):
        codes = gaz.aliases.get(" ".join(keys[i:i + n]))
        if codes:
            return _Match(i, i + n, codes)
    return None


def _scan(text: str, gaz: Gazetteer) -> tuple[list[Token], list[str], list[_Match]]:
    """Candidate toponyms, longest first, left to right (no context filters yet)."""
    toks = tokenize(text)
    keys = _keys(text, toks)
    out: list[_Match] = []
    i = 0
    while i < len(toks):
        m = _longest(keys, toks, i, gaz)
        if m is None and keys[i].lower() in DIRECTIONS and i + 1 < len(toks) \
                and toks[i + 1].joined:
            nxt = _longest(keys, toks, i + 1, gaz)
            if nxt and any(gaz.kinds[c >> 2] == "country" for c in nxt.codes):
                m = _Match(i, nxt.j, [c for c in nxt.codes if gaz.kinds[c >> 2] == "country"],
                           direction=keys[i].lower())
        if m is None and keys[i] in gaz.minor and keys[i][:1].isupper():
            m = _Match(i, i + 1, (), minor=gaz.minor[keys[i]])
        if m is None:
            i += 1
            continue
        if m.codes and keys[m.i] in gaz.minor and m.j == m.i + 1:
            m.minor = gaz.minor[keys[m.i]]
        out.append(m)
        i = m.j
    return toks, keys, out


def _sentence_start(text: str, toks: Sequence[Token], n: int) -> bool:
    if n == 0:
        return True
    gap = text[toks[n - 1].end:toks[n].start]
    return bool(_SENTENCE_GAP.search(gap)) or (toks[n - 1].text.endswith(".")
                                               and toks[n - 1].text.count(".") == 1)


def _has_cue(toks: Sequence[Token], n: int) -> bool:
    """"in X", "near the X", "the town of X"."""
    p = ["", "", *(t.text.lower() for t in toks[max(0, n - 2):n])]
    return ((p[-1] in CUES and p[-1] != "of") or (p[-1] == "the" and p[-2] in CUES - {"of"})
            or (p[-1] == "of" and p[-2] in PLACE_NOUNS))


def _spaced(text: str, a: Token, b: Token) -> bool:  # only spaces between a and b
    return b.joined and text[a.end:b.start].strip() == ""


@dataclass(slots=True)
class _Context:
    """What the filters need about one text."""

    text: str
    toks: list[Token]
    keys: list[str]
    matches: list[_Match]
    gaz: Gazetteer


def _filtered(cx: _Context) -> list[tuple[_Match, bool]]:
    """Matches that are place mentions, with a flag: is it an actor modifier ("U.S. Secretary")."""
    text, toks, gaz = cx.text, cx.toks, cx.gaz
    starts = {m.i for m in cx.matches if any(not c & CUE_ONLY for c in m.codes)}
    ends = {m.j for m in cx.matches}
    people: set[str] = set()
    out: list[tuple[_Match, bool]] = []
    for m in cx.matches:
        first, name = toks[m.i], " ".join(cx.keys[m.i:m.j])
        if m.j == m.i + 1 and (first.text in gaz.function_words or first.text in gaz.time_words):
            continue
        cue = _has_cue(toks, m.i)
        prev = toks[m.i - 1] if m.i > 0 and _spaced(text, toks[m.i - 1], first) else None
        person = prev is not None and (prev.text in gaz.titles or (
            prev.text[:1].isupper() and m.i not in ends and not prev.text.isupper()
            and prev.text not in gaz.function_words and prev.text not in gaz.time_words
            and prev.key not in gaz.demonyms and not _sentence_start(text, toks, m.i - 1)))
        if person or (name in people and not cue):
            people.add(name)
            continue
        modifier = False
        if m.j < len(toks) and _spaced(text, toks[m.j - 1], toks[m.j]):
            nxt = toks[m.j]
            modifier = (nxt.text[:1].isupper() and m.j not in starts
                        and nxt.text not in gaz.time_words and nxt.text not in gaz.place_suffixes
                        and nxt.text not in gaz.function_words)
        qualified = _qualifier(cx, m) is not None
        if m.codes and all(c & CUE_ONLY for c in m.codes) and not (cue or qualified):
            continue
        if not m.codes and not qualified:
            continue  # a small town: only when qualified
        out.append((m, modifier))
    return out


def _qualifier(cx: _Context, m: _Match) -> tuple[str, str] | None:
    """("USA", "MT") for "Belgrade, Montana"; ("HRV", "") for "Split, Croatia"."""
    toks, gaz = cx.toks, cx.gaz
    if m.j >= len(toks) or cx.text[toks[m.j - 1].end:toks[m.j].start].strip() != ",":
        return None
    key = cx.keys[m.j]
    if key in gaz.qualifiers and key.isupper():
        return ("USA", key)
    nxt = _longest(cx.keys, toks, m.j, gaz)
    if nxt is None:
        return None
    for c in nxt.codes:
        e = c >> 2
        if gaz.kinds[e] == "country":
            return (gaz.countries[e], "")
        if gaz.kinds[e] == "admin" and gaz.countries[e] == "USA" and gaz.admin1[e]:
            return ("USA", gaz.admin1[e])
    return None


# -- resolution -------------------------------------------------------------------------------

def _score(gaz: Gazetteer, code: int, rank: dict[str, int], states: set[str]) -> float:
    e, flags, country = code >> 2, gaz.flags[code >> 2], gaz.countries[code >> 2]
    s = math.log10(gaz.pops[e] + 10) + (2.0 if code & PRIMARY else 0.0)
    s += (3.0 if flags & SUPPLEMENTED else 0.0) + (1.0 if flags & CAPITAL else 0.0)
    s += 1.5 if gaz.kinds[e] == "country" else 0.0
    if country in rank:
        s += 3.0 - 0.5 * min(rank[country], 3)
    if country == "USA" and gaz.kinds[e] == "point" and gaz.admin1[e] in states:
        s += 3.0
    return s


def _resolve(cx: _Context, m: _Match, rank: dict[str, int], states: set[str],
             after: int | None = None) -> int | None:
    """The entry ``m`` names; ``after``: the entry of a place right before it ("X, <m>")."""
    gaz = cx.gaz
    codes: Sequence[int] = m.codes
    if after is not None:  # "Atlanta, Georgia": the area that contains the place before it
        inside = [c for c in codes if gaz.kinds[c >> 2] in ("country", "admin")
                  and gaz.countries[c >> 2] == gaz.countries[after]
                  and (gaz.kinds[c >> 2] == "country" or gaz.admin1[c >> 2] == gaz.admin1[after])]
        codes = inside or codes
    q = _qualifier(cx, m)
    if q is not None:
        def fits(e: int) -> bool:
            return gaz.countries[e] == q[0] and (not q[1] or gaz.admin1[e] == q[1])
        main = [c for c in codes if fits(c >> 2)]
        small = [e << 2 for e in m.minor if fits(e)]
        codes = main or small or codes
    if not codes:
        return None
    best = max(codes, key=lambda c: (_score(gaz, c, rank, states), -(c >> 2)))
    return best >> 2


def _derived(gaz: Gazetteer, e: int, direction: str, text: str,
             span: tuple[int, int]) -> Place:
    """'eastern Ukraine': the centroid moved a third of the country's extent that way."""
    km = gaz.extent.get(gaz.countries[e], 300.0) / 3
    north = int("north" in direction) - int("south" in direction)
    east = int("east" in direction) - int("west" in direction)
    lat0, lon0 = gaz.lats[e], gaz.lons[e]
    lat = lat0 + north * km / 111.0
    lon = lon0 + east * km / (111.0 * max(math.cos(math.radians(lat0)), 0.2))
    return Place(text=text, place_name=f"{direction} {gaz.names[e]}", country=gaz.countries[e],
                 lat=round(lat, 4), lon=round(lon, 4), geo_precision="admin", span=span)


def _border(cx: _Context, named: list[str], span: tuple[int, int], kept: Sequence[_Match],
            countries: Sequence[str]) -> Place:
    """The border place: our line between the named country and its partner (a country named
    earlier in the sentence, else one of the article's two main countries), else generic."""
    gaz, text = cx.gaz, cx.text[span[0]:span[1]]
    partner = None
    for m in reversed([m for m in kept if cx.toks[m.j - 1].end <= span[0]]):
        if re.search(r"[.!?]\s|\n\s*\n", cx.text[cx.toks[m.j - 1].end:span[0]]):
            break
        partner = _country_of(gaz, m)
        if partner and partner != named[0]:
            break
        partner = None
    partners = [partner] if partner else [c for c in countries[:2] if c != named[0]]
    pairs = [sorted(named)] if len(named) == 2 else [sorted([named[0], c]) for c in partners]
    for pair in pairs:
        e = gaz.borders.get(" ".join(pair))
        if e is not None:
            return gaz.place(e, text, span)
    e = gaz.country_entry.get(named[0])
    if e is None:
        return unresolved(text, span)
    return Place(text=text, place_name=f"{gaz.names[e]} border", country=gaz.countries[e],
                 lat=gaz.lats[e], lon=gaz.lons[e], geo_precision="country", span=span)


def _country_of(gaz: Gazetteer, m: _Match) -> str | None:
    for c in m.codes:
        if gaz.kinds[c >> 2] == "country" and c & PRIMARY:
            return gaz.countries[c >> 2]
    return None


def _borders(cx: _Context, kept: list[_Match],
             countries: Sequence[str]) -> tuple[list[Place], set[int]]:
    """Border phrases, and the token starts of the country matches they absorb."""
    text, toks, gaz = cx.text, cx.toks, cx.gaz
    out: list[Place] = []
    used: set[int] = set()
    for n, m in enumerate(kept):
        code = _country_of(gaz, m)
        if code is None or m.direction:
            continue
        start, end = toks[m.i].start, toks[m.j - 1].end
        named = [code]
        after = _BORDER_AFTER.match(text, end)
        if (n + 1 < len(kept) and kept[n + 1].i == m.j and toks[m.j].joined
                and "-" in text[end:toks[m.j].start].replace("–", "-")):
            other = _country_of(gaz, kept[n + 1])
            after2 = _BORDER_AFTER.match(text, toks[kept[n + 1].j - 1].end)
            if other and after2:
                named, after = [code, other], after2
                used.add(kept[n + 1].i)
        before = _BORDER_BEFORE.search(text, max(0, start - 40), start)
        if after:
            out.append(_border(cx, named, (start, after.end()), kept, countries))
        elif before:
            s = before.start()
            out.append(_border(cx, named, (s, end), kept, countries))
        else:
            continue
        used.add(m.i)
    for n in range(len(toks) - 1):
        t = toks[n]
        if t.key in gaz.demonyms and toks[n + 1].text.lower() in BORDER_WORDS \
                and _spaced(text, t, toks[n + 1]):
            span = (t.start, toks[n + 1].end)
            out.append(_border(cx, [gaz.demonyms[t.key]], span, kept, countries))
    return out, used


def _article_countries(cx: _Context, kept: Sequence[tuple[_Match, bool]]) -> list[str]:
    gaz = cx.gaz
    counts: dict[str, float] = {}
    first: dict[str, int] = {}

    found: list[tuple[str | None, float, int]] = [(gaz.demonyms[t.key], 0.5, t.start)
                                                   for t in cx.toks if t.key in gaz.demonyms]
    for m, _modifier in kept:
        named = {gaz.countries[c >> 2] for c in m.codes}
        code = _country_of(gaz, m) or (named.pop() if len(named) == 1 else None)
        found.append((code, 1.0, cx.toks[m.i].start))
    for code, weight, pos in sorted(found, key=lambda f: f[2]):
        if code:
            counts[code] = counts.get(code, 0.0) + weight
            first.setdefault(code, pos)
    return sorted(counts, key=lambda c: (-counts[c], first[c]))


def article_countries(text: str, gazetteer: Gazetteer) -> list[str]:
    """ISO alpha-3 codes of the countries an article is about, most mentioned first.

    Counts country names, capitals and other unambiguous places (by their country), including
    actor modifiers ("Kosovo Prime Minister"); demonyms count half.
    """
    cx = _Context(text[:MAX_TEXT_CHARS], *_scan(text[:MAX_TEXT_CHARS], gazetteer), gazetteer)
    return _article_countries(cx, _filtered(cx))


def find_places(text: str, gazetteer: Gazetteer, *, countries: Sequence[str] = ()) -> list[Place]:
    """Every place mention in ``text`` (see the module docstring), in text order.

    ``countries``: ISO alpha-3 codes the article is about, most important first (computed with
    ``article_countries`` when empty). ``Place.sentence_index`` is left None.
    """
    text = text[:MAX_TEXT_CHARS]
    cx = _Context(text, *_scan(text, gazetteer), gazetteer)
    toks, kept = cx.toks, _filtered(cx)
    if not countries:
        countries = _article_countries(cx, kept)
    rank = {c: n for n, c in enumerate(countries)}
    mentions = [m for m, modifier in kept if not modifier]
    border_places, absorbed = _borders(cx, mentions, countries)
    states: set[str] = set()
    for _ in range(2):  # the second pass knows which US states the article names
        places: list[Place] = list(border_places)
        prev: tuple[int, int] | None = None  # (end token, entry) of the last resolved place
        for m in mentions:
            if m.i in absorbed:
                continue
            before = None
            if prev and prev[0] == m.i and text[toks[m.i - 1].end:toks[m.i].start].strip() == ",":
                before = prev[1]
            e = _resolve(cx, m, rank, states, before)
            if e is None:
                continue
            prev = (m.j, e)
            span = (toks[m.i].start, toks[m.j - 1].end)
            if m.direction:
                places.append(_derived(gazetteer, e, m.direction, text[span[0]:span[1]], span))
                continue
            places.append(gazetteer.place(e, text[span[0]:span[1]], span))
            if gazetteer.kinds[e] == "admin" and gazetteer.countries[e] == "USA":
                states.add(gazetteer.admin1[e])
        if not states:
            break
    covered = [p.span for p in places if p.span]
    for um in _UNRESOLVED.finditer(text):
        s, e = um.span(1)
        if not any(a < e and s < b for a, b in covered):
            places.append(unresolved(um.group(1), (s, e)))
    return sorted(places, key=lambda p: p.span or (0, 0))


# -- event locations --------------------------------------------------------------------------

VERBAL_ROOTS = frozenset({f"{n:02d}" for n in range(1, 14)} | {"16"})
GROUND_ROOTS = frozenset({"07", "08"})
_SPECIFICITY = {"point": 0, "admin": 1, "country": 2}
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "along", "across", "around",
                      "into", "within", "throughout", "amid"})
VERBAL_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside"})
_PAIRED = {"to": frozenset({"close", "next", "near"}),
           "of": frozenset({"outskirts", "north", "south", "east", "west", "northeast",
                            "northwest", "southeast", "southwest", "outside"})}
_BETWEEN_OK = frozenset({"the", "a", "an", "village", "town", "city", "of", "northern",
                         "southern", "eastern", "western", "central", "small", "restive",
                         "disputed", "border", "capital", "area", "region", "municipality",
                         "province", "district", "ethnically", "mixed", "serb", "majority",
                         "serb-majority", "nearby", "divided", "contested", "occupied",
                         "breakaway", "neighbouring", "neighboring", "port", "monastery",
                         "crossing", "bridge", "southwestern", "northwestern"})
_CLAUSE_BREAK = re.compile(
    r"[;:()]|\s[—–-]\s|—|,\s+(?=(?:which|who|whom|where|while|whereas|but|although|though|as|"
    r"after|before|when|whereupon|resulting|leading|prompting|sparking|causing|saying|"
    r"adding|according)\b)", re.I)
_BORDER_NEAR = re.compile(r"\b(?:near|along|close to|at|on|across|to)\s+the\s+(?:[\w-]+\s+){0,2}"
                          r"(?:border|frontier|boundary)\b", re.I)
_NOT_LOCATION_BEFORE = frozenset({"with", "to", "against", "by", "for", "of", "from", "and",
                                  "urged", "urging", "accused", "told", "warned", "called"})


class _Located(NamedTuple):
    start: int
    end: int
    place: Place


def _locate(sentence: str, places: Sequence[Place]) -> list[_Located]:
    """Where each place is in the sentence (spans may be sentence- or article-relative)."""
    out: list[_Located] = []
    taken: set[int] = set()
    for p in sorted(places, key=lambda p: p.span or (0, 0)):
        if p.span and sentence[p.span[0]:p.span[1]] == p.text:
            out.append(_Located(p.span[0], p.span[1], p))
            taken.add(p.span[0])
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(p.text) + r"(?!\w)", sentence):
            if m.start() not in taken:
                taken.add(m.start())
                out.append(_Located(m.start(), m.end(), p))
                break
    return sorted(out, key=lambda x: x.start)


def _clause(sentence: str, pos: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def _preposition(sentence: str, start: int, preps: frozenset[str]) -> str | None:
    """The locative preposition a place at ``start`` hangs from, if any."""
    words = re.findall(r"[\w'’-]+|[^\w\s]", sentence[:start])[-7:]
    for between, n in enumerate(range(len(words) - 1, -1, -1)):
        w = words[n].lower()
        prev = words[n - 1].lower() if n > 0 else ""
        if w in _PAIRED and prev in _PAIRED[w]:
            return f"{prev} {w}"
        if w in preps:
            return str(w)
        if not re.match(r"\w", w) or between >= 4:
            return None
        if w not in _BETWEEN_OK and not words[n][:1].isupper():
            return None
    return None


def _is_border(p: Place) -> bool:
    return bool(_BORDER_TEXT.search(p.text) or _BORDER_TEXT.search(p.place_name))


def _is_capital(p: Place, gaz: Gazetteer) -> bool:
    return p.geo_precision == "point" and p.geoname_id in gaz.capitals


def dominant_place(article_places: Sequence[Place], gazetteer: Gazetteer) -> Place | None:
    """The article's most frequent admin/point place that is not a capital (mostly actors: "a
    warning to Belgrade") unless a dateline, nor a border; else its most frequent country."""
    def pick(cands: list[Place]) -> Place | None:
        counts = Counter((p.place_name, p.country) for p in cands)
        top = max(counts.values(), default=0)
        return next((p for p in cands if counts[(p.place_name, p.country)] == top), None)
    usable = [p for p in article_places if p.geo_precision != "none" and not _is_border(p)]
    local = [p for p in usable if p.geo_precision in ("admin", "point")
             and (not _is_capital(p, gazetteer) or p.text.isupper())]  # "TBILISI, Dec 1 -"
    return pick(local) or pick([p for p in usable if p.geo_precision == "country"])


def event_location(sentence: str, trigger_span: tuple[int, int], cameo_root: str,
                   sentence_places: Sequence[Place], article_places: Sequence[Place], *,
                   gazetteer: Gazetteer | None = None) -> Place | None:
    """Where the event coded in ``sentence`` happened (rules in the module docstring).

    ``trigger_span`` is relative to ``sentence``; ``sentence_places`` may carry article- or
    sentence-relative spans (they are found in the sentence by text when they do not fit).
    """
    gaz = gazetteer or load_gazetteer()
    root = re.sub(r"\D", "", cameo_root)[:2]
    verbal = root in VERBAL_ROOTS
    t0, t1 = trigger_span
    c0, c1 = _clause(sentence, t0)
    preps = VERBAL_LOCATIVE if verbal else LOCATIVE
    located = _locate(sentence, sentence_places)
    attached = [x for x in located if _preposition(sentence, x.start, preps)]
    after = [x for x in attached if t1 <= x.start < c1]
    before = [x for x in attached if c0 <= x.start < t0]
    opening = [x for x in attached if x.start < sentence.find(",")
               and re.match(r"\s*(?:In|At|Near|Outside|Inside)\b", sentence)]
    if verbal:
        near = [x for x in after if len(sentence[t1:x.start].split()) <= 10]
        chosen = _specific(near) or _specific(before[-1:] or opening[:1])
        return chosen.place if chosen else None
    chosen = _specific(after) or _specific(before[-1:] or opening[:1])
    border = _is_border(chosen.place) if chosen else bool(_BORDER_NEAR.search(sentence[c0:c1]))
    if border and root not in GROUND_ROOTS:
        dom = dominant_place(article_places, gaz)
        if dom is not None:
            return dom
    if chosen is not None:
        return chosen.place
    other = [x for x in located if not _is_border(x.place) and _free(sentence, x, t0, gaz)]
    if other:
        return min(other, key=lambda x: abs(x.start - t0)).place
    return None if root in GROUND_ROOTS else dominant_place(article_places, gaz)


def _specific(cands: Sequence[_Located]) -> _Located | None:
    """The nearest candidate, or a more specific one right after it (same phrase)."""
    if not cands:
        return None
    group = [cands[0]] + [x for x in cands[1:] if x.start - cands[0].end <= 25]
    return min(group, key=lambda x: _SPECIFICITY.get(x.place.geo_precision, 3))


def _free(sentence: str, x: _Located, t0: int, gaz: Gazetteer) -> bool:
    """A sentence place that is not an actor (metonym) of the sentence."""
    if re.match(r"['’]s\b", sentence[x.end:]):
        return False
    words = re.findall(r"[\w'’-]+", sentence[:x.start])
    if words and words[-1].lower() in _NOT_LOCATION_BEFORE:
        return False
    if x.start >= t0:
        return True
    return x.place.geo_precision in ("point", "admin") and not _is_capital(x.place, gaz)
