"""The coder's view of the actor dictionary: noun phrase → ``Actor``, with in-article coreference.

A thin adapter over ``flashpoint.actors`` so the coder depends on four questions only: does a
sentence mention an actor, who is this noun phrase, who is this pronoun, and which actors has the
article named so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..actors import ActorDictionary, ArticleCoref, find_actors, load_dictionary, resolve_actor
from ..model import Actor
from ..options import Options

_DET = re.compile(r"^(?:the|a|an|its|their|his|her|our|this|that|these|those)\s+", re.I)
_NAME = re.compile(r"^[A-Z][\w'\-.]+(?:\s+[A-Z][\w'\-.]+)?$")


@dataclass
class ArticleActors:
    """Per-article state: the coreference chain while the coder walks sentences in order."""

    dictionary: ActorDictionary
    when: date | None
    coref: ArticleCoref = field(init=False)

    def __post_init__(self) -> None:
        self.coref = ArticleCoref(self.dictionary, date=self.when)

    def observe(self, sentence: str) -> None:
        for span in find_actors(sentence, self.dictionary, date=self.when):
            self.coref.observe(span)

    def pronoun(self, word: str) -> Actor | None:
        return self.coref.resolve_pronoun(word)


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

    def mentions_actor(self, sentence: str) -> bool:
        return bool(find_actors(sentence, self.dictionary))

    def new_article(self, when: date | None) -> ArticleActors:
        return ArticleActors(self.dictionary, when)

    def resolve(self, text: str, state: ArticleActors, *, context: str = "") -> Actor | None:
        """The actor a noun phrase denotes at the article's date, or None."""
        text = text.strip()
        if not text:
            return None
        anaphor = state.coref.resolve_anaphor(text)
        if anaphor is not None:
            return anaphor
        match = resolve_actor(text, self.dictionary, date=state.when, context=context)
        if match is not None:
            return match.actor
        bare = _DET.sub("", text)
        if _NAME.match(bare):
            return state.coref.resolve_surname(bare)
        return None

    def resolve_text(self, text: str, context: str = "", when: date | None = None
                     ) -> Actor | None:
        match = resolve_actor(text, self.dictionary, date=when, context=context)
        return match.actor if match is not None else None
