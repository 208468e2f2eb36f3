"""From the dictionary matches of one noun phrase to one actor (used by ``resolve``).

A phrase is read as *head* [*preposition* *complement*]: "Canadian Ambassador | to | the United
Nations", "president | of | the Riigikogu", "rebels | in | Darfur".  The head decides, in order:

1. a named person -> their position at the date (``person_position``);
2. a named organisation (agency, party, armed group) -> its country and role at the date;
3. an IGO -> its code, plus a role word ("NATO troops" -> IGOWSTNATMIL);
4. otherwise a country (name, adjective, possessive, capital/seat, city) and a role word (the
   last strong one, else the last weak one, else the last fallback one, else the seat's
   role).

Rules for the grey zones (documented in ``docs`` of the package ``__init__``):

- an ethnic term ("Serb", "Kurds", "ethnic Albanians") names a group, not a state.  With a
  non-state role (gunmen, rebels, civilians …, or no role: then CVL) the actor takes the country
  it operates in (a location in the phrase, else the caller's context), else the group's home
  country, and ``state`` is False.  With a state role ("Serb forces", "Bosnian Serb army") it
  keeps the state reading (home country or the named country, ``state`` True).
- a country before "-backed", "-funded" … is a sponsor, not the actor's country; "pro-X" too.
- "former", "ex-", "retired" turn a state role into ELI; before a title, a person's too.
- a leading quantity ("more than 200 …", "as many as …") does not split the phrase at its
  preposition; a phrase with no actor before "by" names its agent ("a request by X").
- a surname several people share gives what their positions have in common (``namesakes``).
- after a generic title ("president", "chairman", "head" …) an "of" complement names the body:
  "president of the Riigikogu" is the Estonian legislature, "President of France" is FRAGOV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .index import Entry, Kind, Match, PhraseIndex, Token, tokenize
from .load import ActorDictionary
from .records import Org, Person, Tenure

PREPOSITIONS_LOCATIVE = frozenset({
    "in", "inside", "near", "across", "throughout", "at", "from", "within", "outside",
    "around", "along", "off",
})
PREPOSITIONS_OTHER = frozenset({
    "to", "for", "with", "against", "by", "on", "over", "after", "about", "between", "among",
    "during", "under", "into", "toward", "towards", "via", "who", "which", "that", "whose",
    "where", "when", "while", "than", "as", "because", "since", "named", "called",
})
BOUNDARIES = frozenset({",", ";", "(", ")", ":", "—", "–", "[", "]", '"', "“", "”"})
# Words of a leading quantity ("more than 200", "up to 16", "as many as", "about 550"): a
# preposition among them does not split the phrase.
QUANTIFIERS = frozenset({
    "a", "an", "the", "some", "more", "less", "fewer", "than", "at", "least", "most", "up",
    "to", "as", "many", "much", "about", "around", "over", "under", "nearly", "almost",
    "roughly", "approximately", "only", "just", "well", "estimated", "between", "and", "-",
    ",", "dozens", "hundreds", "thousands", "tens", "several", "few",
})
_COUNTRYISH = (Kind.COUNTRY, Kind.ADJECTIVE, Kind.SEAT, Kind.PLACE)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a phrase (or part of one) says about an actor."""

    country: str | None = None
    role: str | None = None
    ethnic: str | None = None
    igo: str | None = None  # IGO name
    person: str | None = None  # canonical person name
    org: str | None = None
    state: bool | None = None  # overrides the role's state flag when set
    primary: tuple[int, int] | None = None  # token range of the deciding match
    kind: str = "group"  # person | org | igo | country | seat | group
    titled: bool = False  # the head is a generic title ("president", "chairman" …)
    explicit: bool = True  # the country is named in the phrase (not taken from context)

    @property
    def entity(self) -> bool:
        return bool(self.person or self.org or self.igo)


@dataclass(frozen=True, slots=True)
class Context:
    dictionary: ActorDictionary
    index: PhraseIndex
    tokens: list[Token]
    matches: list[Match]
    date: dt.date | None
    country: str | None  # where the text is set (a place named nearby, or the caller's)
    shouting: bool
    # True when ``country`` is only where the text is set (find_actors): roles listed as
    # foreign_roles do not take it.  False when the caller vouches for it (resolve_actor).
    local_only: bool = True


def position(periods: tuple[Tenure, ...], day: dt.date | None) -> tuple[Tenure | None, str]:
    """The period in force at ``day`` and how it was chosen: current | after | before | latest.

    Without a date: the open-ended period with the latest start, else the latest one.
    """
    if not periods:
        return None, "latest"
    if day is None:
        open_ended = [p for p in periods if p.end is None]
        pool = open_ended or list(periods)
        return max(pool, key=lambda p: p.start or dt.date.min), "latest"
    current = [p for p in periods if p.covers(day)]
    if current:
        return max(current, key=lambda p: p.start or dt.date.min), "current"
    ended = [p for p in periods if p.end is not None and p.end <= day]
    if ended:
        return max(ended, key=lambda p: p.end or dt.date.min), "after"
    return min(periods, key=lambda p: p.start or dt.date.max), "before"


def person_reading(person: Person, day: dt.date | None, dictionary: ActorDictionary,
                   title: tuple[str, ...] = ()) -> Reading:
    """A person's actor at ``day``: their role in office; ELI (non-state) after their last
    position ended; their country with no role (non-state) before their first one.

    Without a date, a ``title`` written with the name (token keys: "palestinian prime
    minister") picks the latest position of that title, else the latest position counts."""
    tenure, how = position(person.tenures, day)
    if day is None and title and len(person.tenures) > 1:
        said = " " + " ".join(title) + " "
        titled = [t for t in person.tenures if any(
            part and f" {part} " in said for part in _title_keys(t.title))]
        if titled:
            tenure = max(titled, key=lambda t: t.start or dt.date.min)
    if tenure is None:
        return Reading(person=person.name, kind="person")
    igo = None
    if tenure.igo is not None:
        found = dictionary.igo_by_code(tenure.igo)
        igo = found.name if found else None
    if how == "after":
        return Reading(country=tenure.country, role="ELI", igo=igo, person=person.name,
                       state=False, kind="person")
    if how == "before":
        return Reading(country=tenure.country, igo=igo, person=person.name, state=False,
                       kind="person")
    return Reading(country=tenure.country, role=tenure.role, igo=igo, person=person.name,
                   kind="person")


def _title_keys(title: str) -> list[str]:
    """A tenure's title as token keys, one string per "/"-separated part."""
    return [" ".join(t.key for t in tokenize(part) if t.is_word) for part in title.split("/")]


def org_reading(org: Org, day: dt.date | None) -> Reading:
    """An organisation at ``day``: the period in force, else the nearest one."""
    period, _ = position(org.periods, day)
    if period is None:
        return Reading(org=org.name, ethnic=org.ethnic, kind="org")
    return Reading(country=period.country, role=period.role, org=org.name, ethnic=org.ethnic,
                   kind="org")


def read_phrase(ctx: Context, lo: int, hi: int) -> Reading | None:
    """The actor named by tokens ``lo:hi`` (a noun phrase, possibly with complements)."""
    split = _first_preposition(ctx, lo, hi)
    if split is None:
        return read_head(ctx, lo, hi)
    prep = ctx.tokens[split].key
    head = read_head(ctx, lo, split)
    if prep == "of":
        return _with_of(head, read_phrase(ctx, split + 1, hi))
    if prep in PREPOSITIONS_LOCATIVE:
        where = read_phrase(ctx, split + 1, hi)
        if where is None or where.country is None or not where.explicit:
            return head
        if head is None:  # "targets in Syria": only the place is known
            return Reading(country=where.country, primary=where.primary, kind="country")
        if head.entity or (head.country and head.explicit):
            return head
        return replace(head, country=where.country, explicit=True,
                       primary=head.primary or where.primary)
    if head is None and prep == "by":  # "a request by Mr. Erdogan": the act's agent
        return read_phrase(ctx, split + 1, hi)
    return head


def _first_preposition(ctx: Context, lo: int, hi: int) -> int | None:
    covered = {i for m in ctx.matches if lo <= m.start and m.end <= hi
               for i in range(m.start, m.end)}
    leading = True  # still inside a leading quantity ("more than 200 Nigerian soldiers")
    for i in range(lo, hi):
        key = ctx.tokens[i].key
        if leading and (key in QUANTIFIERS or key.isdigit()):
            continue
        leading = False
        if i not in covered and i > lo and (
                key == "of" or key in PREPOSITIONS_LOCATIVE or key in PREPOSITIONS_OTHER):
            return i
    return None


def _with_of(head: Reading | None, rest: Reading | None) -> Reading | None:
    if rest is None:
        return head
    if head is None:
        return rest
    if head.entity:
        if head.country is None and head.igo is None and rest.explicit:
            return replace(head, country=rest.country)
        return head
    if head.titled and (rest.entity or rest.role):
        # "president of the Riigikogu", "chairman of the company's board", "head of NATO"
        if rest.role or rest.igo or head.role is None:
            return rest
        return replace(rest, role=head.role)
    if head.country and head.explicit:
        return head
    if rest.country and rest.explicit:
        return replace(head, country=rest.country, explicit=True,
                       ethnic=head.ethnic or rest.ethnic, primary=head.primary or rest.primary)
    return head


def _matches_in(ctx: Context, lo: int, hi: int) -> list[Match]:
    return [m for m in ctx.matches if lo <= m.start and m.end <= hi]


def _pick(ctx: Context, match: Match) -> Entry | None:
    """The entry a match stands for; a shared ("~") alias is decided by the context country,
    else by the entry that does not mark it shared, else not at all."""
    best = match.entries[0]
    if ctx.country is not None:
        for entry in match.entries:
            if entry.kind == best.kind and _entry_country(ctx, entry) == ctx.country:
                return entry
    return None if best.shared else best


def _entry_country(ctx: Context, entry: Entry) -> str | None:
    if entry.kind in (Kind.COUNTRY, Kind.ADJECTIVE, Kind.SEAT):
        return entry.ref
    if entry.kind is Kind.PLACE:
        place = ctx.dictionary.place(entry.ref)
        return place.country if place else None
    return None


def _hyphen_role(ctx: Context, match: Match) -> str | None:
    """'sponsor' for "Russian-backed" / "pro-Russian", 'origin' for "Saudi-led", else None."""
    toks, mods = ctx.tokens, ctx.dictionary.modifiers
    if match.end + 1 < len(toks) and toks[match.end].key == "-":
        follower = toks[match.end + 1].key
        if follower in mods.sponsor:
            return "sponsor"
        if follower in mods.origin:
            return "origin"
    if match.start >= 2 and toks[match.start - 1].key == "-" and \
            toks[match.start - 2].key in {"pro", "anti"}:
        return "sponsor"
    return None


def read_head(ctx: Context, lo: int, hi: int) -> Reading | None:
    """The actor named by a head without complements (see the module docstring)."""
    if lo >= hi:
        return None
    matches = _matches_in(ctx, lo, hi)
    keys = [t.key for t in ctx.tokens[lo:hi]]
    former = any(m.kind is Kind.MODIFIER and m.entry.ref == "former" for m in matches)
    titled = any(" ".join(keys[i:j]) in ctx.index.titles
                 for i in range(len(keys)) for j in range(i + 1, min(len(keys), i + 3) + 1))
    people: list[tuple[Match, str]] = []
    orgs: list[tuple[Match, str]] = []
    igos: list[tuple[Match, str]] = []
    places: list[tuple[Match, str, Kind]] = []
    ethnic: list[tuple[str, str | None]] = []
    strong: list[str] = []
    weak: list[str] = []
    fallback: list[str] = []
    seat_role: str | None = None
    namesakes: list[tuple[Match, tuple[str, ...]]] = []  # a surname several people share
    ethnic_next = False
    for m in matches:
        entry = _pick(ctx, m)
        if entry is None:
            continue
        kind = entry.kind
        if kind is Kind.MODIFIER:
            ethnic_next = entry.ref == "ethnic"
            continue
        if kind is Kind.PERSON:
            people.append((m, entry.ref))
        elif kind is Kind.SURNAME:
            names = ctx.index.surnames.get(" ".join(t.key for t in ctx.tokens[m.start:m.end]))
            if names and len(names) == 1:
                people.append((m, names[0]))
            elif names:
                namesakes.append((m, names))
        elif kind is Kind.ORG:
            orgs.append((m, entry.ref))
        elif kind in (Kind.IGO, Kind.IGO_SEAT):
            igos.append((m, entry.ref))
        elif kind is Kind.ETHNIC:
            group = ctx.dictionary.ethnic_group(entry.ref)
            ethnic.append((entry.ref, group.country if group else None))
        elif kind in _COUNTRYISH:
            country = _entry_country(ctx, entry)
            hyphen = _hyphen_role(ctx, m)
            if country is not None and hyphen != "sponsor":
                if ethnic_next and kind is Kind.ADJECTIVE:
                    ethnic.append((_ethnic_label(ctx, country, m), country))
                else:
                    places.append((m, country, kind))
                    if kind is Kind.SEAT:
                        seat_role = entry.role
        elif kind is Kind.ROLE:
            (fallback if entry.fallback else weak if entry.weak else strong).append(entry.ref)
        ethnic_next = False
    # a fallback word does not make an ethnic group an office: "Yoruba leaders" are civilians
    tiers = (strong, weak) if ethnic else (strong, weak, fallback)
    role = next((tier[-1] for tier in tiers if tier), None)
    if former and role is not None and ctx.dictionary.roles[role].state:
        role = "ELI"
    named = [c for _, c, k in places if k in (Kind.COUNTRY, Kind.ADJECTIVE)]
    if people:
        m, name = people[-1]
        person = ctx.dictionary.person(name)
        if person is not None:
            title = tuple(t.key for t in ctx.tokens[lo:m.start] if t.is_word)
            reading = replace(person_reading(person, ctx.date, ctx.dictionary, title),
                              primary=(m.start, m.end))
            if m.kind is Kind.SURNAME and named and reading.country not in (None, named[0]):
                # "Syrian Kurdish leader Salih Muslim": a namesake from another country
                person = None
            elif former and reading.role and ctx.dictionary.roles[reading.role].state and any(
                    f.kind is Kind.MODIFIER and f.entry.ref == "former" and any(
                        r.kind is Kind.ROLE and f.start < r.start < m.start for r in matches)
                    for f in matches):
                # "former President X", "former Soviet leader X" (not "former X adviser"):
                # no longer in office, whatever the date
                reading = replace(reading, role="ELI", state=False)
        if person is not None:
            return reading
    if orgs:
        m, name = orgs[-1]
        org = ctx.dictionary.org(name)
        if org is not None:
            reading = replace(org_reading(org, ctx.date), primary=(m.start, m.end))
            if named and reading.country and named[0] != reading.country:
                # "Serbian Democratic Party": a generic name used for another country
                reading = replace(reading, country=named[0], org=None, kind="group")
            elif named and reading.country is None:
                # "Iraq's al-Qaeda": the branch of a transnational group in that country
                reading = replace(reading, country=named[0])
            if former and reading.role and ctx.dictionary.roles[reading.role].state:
                reading = replace(reading, role="ELI")
            return reading
    if namesakes and not orgs and not igos:
        shared = _namesakes_reading(ctx, *namesakes[-1], role)
        if shared is not None:
            return shared
    if igos:
        m, name = igos[-1]
        after = [c for pm, c, k in places if k is Kind.COUNTRY and pm.start > m.start]
        if not after:  # "NATO member Norway" is Norway
            return Reading(role=role if role and strong else
                           ctx.dictionary.igo(name).role, igo=name,
                           primary=(m.start, m.end), titled=titled,
                           kind="seat" if m.kind is Kind.IGO_SEAT else "igo")
    return _country_reading(ctx, places, ethnic, role, seat_role, titled)


def _namesakes_reading(ctx: Context, match: Match, names: tuple[str, ...], role: str | None
                       ) -> Reading | None:
    """A surname several known people share ("President Bush", "Clinton"): their common
    position when they all hold the same one at the date, else their common country with the
    phrase's role word; None when they belong to different countries."""
    readings = []
    for name in names:
        person = ctx.dictionary.person(name)
        if person is not None:
            readings.append(person_reading(person, ctx.date, ctx.dictionary))
    if not readings or len({(r.country, r.igo) for r in readings}) != 1:
        return None
    first = readings[0]
    primary = (match.start, match.end)
    if len({(r.role, r.state) for r in readings}) == 1:
        return replace(first, person=None, primary=primary)
    return Reading(country=first.country, igo=first.igo, role=role, primary=primary,
                   kind="person")


def _ethnic_label(ctx: Context, country: str, match: Match) -> str:
    adjectives = ctx.dictionary.countries[country].adjectives
    return adjectives[0].lstrip("~") if adjectives else " ".join(
        t.text for t in ctx.tokens[match.start:match.end])


def _country_reading(ctx: Context, places: list[tuple[Match, str, Kind]],
                     ethnic: list[tuple[str, str | None]], role: str | None,
                     seat_role: str | None, titled: bool) -> Reading | None:
    first = places[0] if places else None
    if first is not None:
        # "Kosovo Albanians": a second nationality word after the country names the group
        for _, country, kind in places[1:]:
            if kind is Kind.ADJECTIVE and country != first[1] and not ethnic:
                label = _ethnic_label(ctx, country, places[1][0])
                ethnic.append((label, country))
    if role is None and first is not None and first[2] is Kind.SEAT and not ethnic:
        role = seat_role
    primary = (first[0].start, first[0].end) if first else None
    shape = "seat" if first and first[2] is Kind.SEAT else "country" if first else "group"
    if ethnic:
        label, home = ethnic[0]
        role = role or "CVL"
        if first is not None:
            return Reading(country=first[1], role=role, ethnic=label, primary=primary,
                           kind=shape, titled=titled)
        if ctx.dictionary.roles[role].state:
            return Reading(country=home, role=role, ethnic=label, state=True, titled=titled,
                           explicit=False)
        return Reading(country=ctx.country or home, role=role, ethnic=label, state=False,
                       titled=titled, explicit=False)
    if first is None:
        if role is None:
            return None
        local = not ctx.local_only or role not in ctx.dictionary.modifiers.foreign_roles
        return Reading(country=ctx.country if local else None, role=role, titled=titled,
                       explicit=False)
    return Reading(country=first[1], role=role, primary=primary, kind=shape, titled=titled)
