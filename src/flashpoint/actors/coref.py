"""Coreference inside one article: later mentions that point back to earlier actors.

One ``ArticleCoref`` per article (no shared state).  The coder walks the sentences in order
and either calls ``actors_in(sentence)`` — ``find_actors`` plus the back-references below,
observed as it goes — or calls ``find_actors`` itself and ``observe``s each span.

- ``resolve_surname("Kirby")``: the person named in full earlier in the article (even one the
  dictionary does not know, if a title introduced them: "Prime Minister Albin Kurti"), else the
  dictionary's person when the surname is unique there.
- ``resolve_anaphor("the alliance")``: NATO, but only when NATO was named earlier (the most
  recently named IGO among those the phrase can stand for).
- ``resolve_pronoun("he" | "she" | "they" | "it")`` and ``last_speaker()``: the last person
  (matching the gender when the dictionary knows it), or for "they"/"it" the last group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..model import Actor
from .compose import person_reading
from .index import Kind, is_shouting, phrase_index, scan, token_key, tokenize
from .load import ActorDictionary
from .resolve import ActorSpan, find_actors, to_actor

_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_GROUP = frozenset({"they", "them", "their", "theirs", "themselves", "it", "its", "itself"})
_SINGULAR = frozenset({"it", "its", "itself"})
# Head words of nameless groups that are plural without ending in -s.
_PLURAL_HEADS = frozenset({"police", "gunmen", "men", "women", "people", "personnel",
                           "children", "militiamen", "servicemen", "policemen", "clergy"})


def _plural_head(span: ActorSpan) -> bool:
    """Whether the phrase's last word is a plural ("troops", "gunmen", "police")."""
    head = span.text.strip().split()[-1].casefold() if span.text.strip() else ""
    return head in _PLURAL_HEADS or (head.endswith("s") and not head.endswith(("ss", "us", "is")))


def _plural_role(span: ActorSpan) -> bool:
    """A phrase for people in a role, written in the plural ("Ivory Coast rebels", "Serbian
    troops", "police"); not a country whose name ends in -s."""
    if span.kind == "person" or span.actor.role is None:
        return False
    return _plural_head(span)


def _plural_group(span: ActorSpan) -> bool:
    """A nameless group written in the plural ("the forces", "gunmen"): "it" cannot stand for
    it ("the forces it had massed": "it" is whoever massed them)."""
    if span.kind != "group":
        return False
    return _plural_head(span)


# Heads of a definite phrase that stands for one group named earlier in the story.
_DEFINITE_HEADS = frozenset({"army", "military", "troops", "forces", "rebels", "militants",
                             "insurgents", "fighters", "police", "government", "junta",
                             "regime", "opposition", "navy", "militia", "militias", "guerrillas",
                             "authorities", "cabinet", "parliament"})
# Heads that may stand for an organisation named earlier ("the agency" after the WFP).
_IGO_HEADS = frozenset({"agency", "organisation", "organization", "body", "court", "council",
                        "fund", "watchdog", "mission", "force"})


def _definite_role(span: ActorSpan, sentence: str) -> bool:
    """A bare definite role phrase: "the army", "the rebels", "the security forces"."""
    words = span.text.split()
    before = sentence[:span.start].rstrip().rsplit(None, 1)
    return (span.kind == "group" and span.actor.country is None and span.actor.role is not None
            and span.actor.group is None and 1 <= len(words) <= 2
            and all(w.islower() for w in words) and bool(before)
            and before[-1].casefold() == "the" and words[-1] in _DEFINITE_HEADS | _IGO_HEADS)


@dataclass(frozen=True, slots=True)
class _Known:
    surname: str  # token key of the surname
    actor: Actor
    gender: str | None
    name: str


class ArticleCoref:
    """Per-article memory of the actors named so far (create one per article)."""

    def __init__(self, dictionary: ActorDictionary, *, date: dt.date | None = None,
                 context: str = "") -> None:
        self.dictionary = dictionary
        self.date = date.date() if isinstance(date, dt.datetime) else date
        self.context = context
        self._people: list[_Known] = []
        self._igos: list[str] = []  # IGO names, most recent last
        self._actors: list[ActorSpan] = []
        # Where each remembered mention is: (sentence number, start offset), in step with
        # ``_people`` and ``_actors``, so a pronoun is resolved against what precedes it.
        self._sentence = 0
        self._people_at: list[tuple[int, int]] = []
        self._actors_at: list[tuple[int, int]] = []

    def begin_sentence(self) -> None:
        """Mark the start of the next sentence (``actors_in`` calls it itself)."""
        self._sentence += 1

    # -- memory -------------------------------------------------------------------------------

    def _definite_back(self, span: ActorSpan) -> ActorSpan:
        """"the army", "the rebels": the last group in that role of a known country named
        earlier in the article ("Sudan's army … It accused the army of …")."""
        for known in reversed(self._actors):
            actor = known.actor
            if actor.role == span.actor.role and actor.country and not known.locative \
                    and actor.group is None:
                return replace(span, actor=replace(actor, text=span.text,
                                                   span=span.actor.span))
        return span

    def observe(self, span: ActorSpan) -> ActorSpan:
        """Record a mention (in text order) and return it, re-resolved when it is a bare
        surname that names a person introduced earlier in the article."""
        if span.kind == "surname" or (span.kind == "person" and _single_word(span.text)):
            earlier = self._person_by_surname(token_key(span.text))
            if earlier is not None:
                span = replace(span, actor=replace(earlier.actor, text=span.text,
                                                   span=span.actor.span),
                               kind="person", person=earlier.name)
        if span.person and (span.kind == "person" or span.actor.name is None):
            words = [t for t in tokenize(span.person) if t.is_word]
            if words:
                gender = self._gender(span.actor.name)
                self._people.append(_Known(words[-1].key, span.actor, gender,
                                           span.actor.name or span.person))
                self._people_at.append((self._sentence, span.start))
        if span.actor.group is not None:
            code = span.actor.code
            igo = self.dictionary.igo_by_code(code) or self.dictionary.igo_by_code(code[:-3])
            if igo is not None:
                if igo.name in self._igos:
                    self._igos.remove(igo.name)
                self._igos.append(igo.name)
        self._actors.append(span)
        self._actors_at.append((self._sentence, span.start))
        return span

    def _gender(self, name: str | None) -> str | None:
        person = self.dictionary.person(name) if name else None
        return person.gender if person else None

    def _person_by_surname(self, key: str) -> _Known | None:
        for known in reversed(self._people):
            if known.surname == key:
                return known
        return None

    # -- questions -----------------------------------------------------------------------------

    def resolve_surname(self, surname: str) -> Actor | None:
        """The person a bare surname refers to (see the module docstring)."""
        key = " ".join(t.key for t in tokenize(surname) if t.is_word)
        if not key:
            return None
        earlier = self._person_by_surname(key.split()[-1])
        if earlier is not None:
            return replace(earlier.actor, text=surname, span=None)
        names = phrase_index(self.dictionary).surnames.get(key, ())
        if len(names) != 1:
            return None
        person = self.dictionary.person(names[0])
        if person is None:
            return None
        return to_actor(person_reading(person, self.date, self.dictionary), self.dictionary,
                        surname)

    def resolve_anaphor(self, text: str) -> Actor | None:
        """The IGO an anaphor ("the alliance", "the bloc") stands for, if named earlier."""
        tokens = tokenize(text)
        index = phrase_index(self.dictionary)
        for match in scan(tokens, index, is_shouting(text)):
            if match.start != 0 or match.end != len(tokens):
                continue
            candidates = {e.ref for e in match.entries if e.kind is Kind.ANAPHOR}
            for name in reversed(self._igos):
                if name in candidates:
                    igo = self.dictionary.igo(name)
                    return Actor(text=text, code=igo.code, country=None, role=igo.role,
                                 state=True, group=igo.group, name=igo.name)
        return None

    def last_speaker(self) -> Actor | None:
        """The last person named so far (the usual subject of "he said")."""
        return self._people[-1].actor if self._people else None

    def resolve_pronoun(self, pronoun: str, at: int | None = None) -> Actor | None:
        """The actor a pronoun most probably stands for (see the module docstring).

        ``at``: the pronoun's offset in the current sentence; mentions after it there are
        candidates only when nothing before it is (cataphora: "Before it withdrew, the army
        …"), so "It urged Kabul to …" after a sentence about Pakistan is not Kabul."""
        found = self._pronoun(pronoun, at)
        if found is None and at is not None:
            found = self._pronoun(pronoun, None)
        return found

    def _pronoun(self, pronoun: str, at: int | None) -> Actor | None:
        word = pronoun.strip().casefold()
        current = self._sentence

        def before(where: tuple[int, int]) -> bool:
            return at is None or where[0] != current or where[1] < at

        if word in _MALE or word in _FEMALE:
            wanted = "m" if word in _MALE else "f"
            for known, where in zip(reversed(self._people), reversed(self._people_at),
                                    strict=True):
                if known.gender in (wanted, None) and before(where):
                    return known.actor
            return None
        if word in _GROUP:
            singular = word in _SINGULAR
            earlier = [(span, where) for span, where
                       in zip(self._actors, self._actors_at, strict=True) if before(where)]
            fits = [(span, where) for span, where in earlier
                    if span.kind != "person" and not span.locative
                    and not (singular and _plural_group(span))]
            if fits and not singular:
                # "they" prefers a plural phrase naming a role earlier in its own sentence
                # ("Ivory Coast rebels rejected a Senegalese plan and said they …": the rebels).
                plural = [(span, where) for span, where in fits
                          if _plural_role(span) and where[0] == current]
                if plural:
                    return plural[-1][0].actor
            if fits and at == 0:
                # A sentence-initial "It"/"They" continues the previous sentence's topic: the
                # first fitting actor of the last sentence that has one ("Pakistan's foreign
                # ministry said the raid followed a militant attack. It urged …").
                last = fits[-1][1][0]
                return next(span.actor for span, where in fits if where[0] == last)
            if fits:
                return fits[-1][0].actor
            return earlier[-1][0].actor if earlier else None
        return None

    # -- one call per sentence -------------------------------------------------------------------

    def actors_in(self, sentence: str) -> list[ActorSpan]:
        """``find_actors`` for one sentence, plus anaphors and surnames that refer back,
        each resolved and observed in text order."""
        self.begin_sentence()
        spans = find_actors(sentence, self.dictionary, date=self.date, context=self.context)
        taken = [(s.start, s.end) for s in spans]
        tokens = tokenize(sentence)
        pending: list[tuple[int, int, str]] = []  # (start, end, "anaphor" | "surname")
        index = phrase_index(self.dictionary)
        for match in index.scan_text(sentence, tokens, is_shouting(sentence)):
            start, end = tokens[match.start].start, tokens[match.end - 1].end
            if match.kind is Kind.ANAPHOR and not _overlaps(start, end, taken):
                pending.append((start, end, "anaphor"))
        for tok in tokens:
            if tok.is_word and tok.is_capitalised and not _overlaps(tok.start, tok.end, taken):
                pending.append((tok.start, tok.end, "surname"))
        items: list[ActorSpan | tuple[int, int, str]] = [*spans, *pending]
        items.sort(key=lambda item: item.start if isinstance(item, ActorSpan) else item[0])
        out: list[ActorSpan] = []
        for item in items:
            if isinstance(item, ActorSpan):
                if _definite_role(item, sentence):
                    # "the agency" after the WFP is the WFP; "the army" the army named before
                    igo = self.resolve_anaphor("the " + item.text)
                    if igo is not None:
                        item = replace(item, actor=replace(igo, span=item.actor.span),
                                       kind="anaphor")
                    elif item.text.split()[-1] in _DEFINITE_HEADS:
                        item = self._definite_back(item)
                out.append(self.observe(item))
                continue
            start, end, what = item
            text = sentence[start:end]
            if what == "anaphor":
                actor = self.resolve_anaphor(text)
                if actor is not None:
                    out.append(self.observe(ActorSpan(start, end, text,
                                                      replace(actor, span=(start, end)),
                                                      "anaphor")))
                continue
            earlier = self._person_by_surname(token_key(text))
            if earlier is not None:
                out.append(self.observe(ActorSpan(
                    start, end, text, replace(earlier.actor, text=text, span=(start, end)),
                    "surname", earlier.name)))
        return out


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in taken)


def _single_word(text: str) -> bool:
    return sum(1 for t in tokenize(text) if t.is_word) == 1
