"""The coder's view of the actor dictionary: which actors each sentence names, with coreference.

``ArticleActors`` walks an article's sentences in order (``flashpoint.actors.ArticleCoref``):

1. a first pass over every sentence finds actor spans (names, countries, capitals, roles,
   anaphors like "the alliance", bare surnames of people named earlier) — it decides which
   sentences are worth parsing, and where the article is *set* (the country its locative
   mentions — "in northern Kosovo", "near Kosovo" — name most often);
2. the coder then asks, sentence by sentence, for the actor of a noun phrase
   (``actor_at``): the span that covers the phrase's head, else the dictionary's reading of the
   whole phrase with the setting as context (so "Serb gunmen" in a story set in Kosovo are a
   Kosovo armed group), else coreference (pronouns).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ..actors import (
    ActorDictionary,
    ActorSpan,
    ArticleCoref,
    find_actors,
    load_dictionary,
    resolve_actor,
)
from ..model import Actor
from ..options import Options


def setting_of(spans: Sequence[Sequence[ActorSpan]], dictionary: ActorDictionary) -> str:
    """The ISO code of the country an article is set in ('' when unknown)."""
    loc = Counter(s.actor.country for ss in spans for s in ss if s.locative and s.actor.country)
    if not loc:
        return ""
    code, count = sorted(loc.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    # One passing "in X" does not set a story: it takes two locative mentions.
    return code if count >= 2 else ""


def _part_of_name(text: str, matched: str, actor: Actor) -> bool:
    """"Milan Radoičić", "Chelsea Clinton": a bare place read inside an unknown proper name."""
    if actor.role is not None or not matched:
        return False
    at = text.find(matched)
    after = text[at + len(matched):].lstrip() if at >= 0 else ""
    return bool(after) and after[0].isupper()


@dataclass
class ArticleActors:
    """Per-article actor state while the coder walks the sentences in order."""

    dictionary: ActorDictionary
    when: date | None
    sentences: Sequence[str]
    scan: Sequence[bool] | None = None  # which sentences can name actors (None: all)
    first_pass: list[list[ActorSpan]] = field(init=False)
    setting: str = field(init=False)  # ISO code of the country the article is set in
    setting_name: str = field(init=False)
    coref: ArticleCoref = field(init=False)
    current: list[ActorSpan] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        scout = ArticleCoref(self.dictionary, date=self.when)
        scan = self.scan or [True] * len(self.sentences)
        self.first_pass = [scout.actors_in(s) if look else []
                           for s, look in zip(self.sentences, scan, strict=True)]
        self.setting = setting_of(self.first_pass, self.dictionary)
        country = self.dictionary.countries.get(self.setting)
        self.setting_name = country.name if country is not None else ""
        self.coref = ArticleCoref(self.dictionary, date=self.when, context=self.setting_name)

    def has_actor(self, index: int) -> bool:
        return bool(self.first_pass[index])

    def enter(self, index: int, *, parse: bool) -> list[ActorSpan]:
        """Move to sentence ``index``: resolve its spans (with the setting) when it will be
        coded, else replay the first pass so the coreference memory stays in step."""
        if parse and self.setting and any(s.actor.country is None
                                          for s in self.first_pass[index]):
            # The setting can give unattributed groups a country: resolve again with it.
            self.current = self.coref.actors_in(self.sentences[index])
        else:
            self.coref.begin_sentence()
            self.current = [self.coref.observe(s) for s in self.first_pass[index]]
        return self.current

    def actor_at(self, start: int, end: int, head: tuple[int, int], text: str) -> Actor | None:
        """The actor of the noun phrase at [start, end) of the current sentence."""
        inside = [s for s in self.current if s.start < end and start < s.end]
        covering = [s for s in inside if s.start <= head[0] and head[1] <= s.end]
        # A modifier that names no one in particular ("military" in "joint military
        # exercises") is not an actor of the phrase: it must name a country, group or person.
        named = [s for s in inside if not s.locative and s not in covering
                 and (s.actor.country or s.actor.group or s.actor.name)]
        for group in (covering, named):
            if group:
                span = group[0]
                return replace(span.actor, span=(span.start, span.end))
        match = resolve_actor(text, self.dictionary, date=self.when, context=self.setting_name)
        if match is not None and not _part_of_name(text, match.matched, match.actor):
            return replace(match.actor, span=(start, end))
        return None

    def country_within(self, start: int, end: int) -> str | None:
        """The country of the first actor (not a mere place) named inside [start, end)."""
        for s in self.current:
            if start <= s.start and s.end <= end and s.actor.country and not s.locative:
                return s.actor.country
        return None

    def place_actor(self, within: tuple[int, int] | None = None) -> Actor | None:
        """The country of the first place the current sentence (or its character range
        ``within``) locates something in."""
        lo, hi = within or (0, 1 << 30)
        for s in self.current:
            if s.locative and s.actor.country and lo <= s.start and s.end <= hi:
                return Actor(text=s.text, code=s.actor.country, country=s.actor.country,
                             span=(s.start, s.end))
        return None

    def setting_actor(self) -> Actor | None:
        """The country the article is set in, as an actor (a fallback target)."""
        country = self.dictionary.countries.get(self.setting)
        if country is None:
            return None
        return Actor(text=country.name, code=country.iso3, country=country.iso3)

    def pronoun(self, word: str, at: int | None = None) -> Actor | None:
        """The actor of a pronoun at offset ``at`` of the current sentence."""
        return self.coref.resolve_pronoun(word, at)

    def last_speaker(self) -> Actor | None:
        return self.coref.last_speaker()


@dataclass(frozen=True)
class ActorResolver:
    dictionary: ActorDictionary

    @classmethod
    def load(cls, user_dictionary: str | None = None) -> ActorResolver:
        return cls(load_dictionary(user_dictionary))

    @classmethod
    def default(cls, options: Options | None = None) -> ActorResolver:
        return cls.load((options or Options()).user_dictionary)

    @property
    def sha256(self) -> str:
        return str(self.dictionary.sha256)

    def article(self, when: date | None, sentences: Sequence[str],
                scan: Sequence[bool] | None = None) -> ArticleActors:
        return ArticleActors(self.dictionary, when, sentences, scan)

    def mentions_actor(self, sentence: str) -> bool:
        return bool(find_actors(sentence, self.dictionary))

    def resolve_text(self, text: str, context: str = "", when: date | None = None
                     ) -> Actor | None:
        match = resolve_actor(text, self.dictionary, date=when, context=context)
        return match.actor if match is not None else None
