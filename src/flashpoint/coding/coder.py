"""The event coder: article → mentions (who did what to whom, when, with evidence).

Pipeline per article (pure and deterministic):
1. split sentences on the fast path; find candidates (a trigger word form and an actor);
2. parse the candidates with the full spaCy pipeline;
3. ``frames``: trigger → rule → candidate source/target heads;
4. resolve heads to actors (dictionary, then in-article coreference);
5. negation/hypothetical → ``plover_mode``; event date and background from ``dates``;
6. CAMEO code → Goldstein, QuadClass, PentaClass, PLOVER from the CAMEO table.

``confidence`` (0–1) is the product of documented factors (see ``_confidence``): how the source
was found (explicit subject 1.0, inherited 0.85, noun modifier 0.8), whether both actors resolved
from the dictionary, whether a target was found when the rule wants one, and the rule's
specificity.  It ranks mentions; it is not a calibrated probability.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..ids import short_id
from ..model import Actor, Article, Mention, Sentence
from .cameo import CameoTable
from .dates import resolve_event_date
from .frames import Frame, frames, with_conjuncts
from .lexicon import Lexicon
from .magnitude import magnitude
from .resolve import ActorResolver

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CODER_VERSION = "fp-coder-0.1"
_STOP_DEPS = {"relcl", "acl", "appos", "conj", "cc", "punct", "advcl", "parataxis"}
_KEEP_PREPS = {"of"}
_PRONOUNS = {"he", "she", "him", "her", "they", "them", "it", "we", "i"}
_QUOTE_CHARS = "\"“”«»„"


@dataclass(frozen=True, slots=True)
class CoderContext:
    lexicon: Lexicon
    table: CameoTable
    resolver: ActorResolver


def np_span(tok: Token) -> tuple[int, int]:
    """Token index range [start, end) of the noun phrase headed by ``tok``."""
    keep = [tok]
    stack = [c for c in tok.children if c.dep_ not in _STOP_DEPS]
    while stack:
        c = stack.pop()
        if c.dep_ == "prep" and c.lower_ not in _KEEP_PREPS and c.head is tok:
            continue
        keep.append(c)
        stack.extend(x for x in c.children if x.dep_ not in _STOP_DEPS)
    idx = sorted(t.i for t in keep)
    start, end = idx[0], idx[-1] + 1
    # Trim to the contiguous block around the head.
    while start < tok.i and tok.doc[start].is_punct:
        start += 1
    return start, end


def candidate(sentence: Sentence, lexicon: Lexicon, resolver: ActorResolver,
              tokens: Sequence[str]) -> bool:
    if len(sentence.text) > 1500:
        return False
    if not any(t in lexicon.surface_forms for t in tokens):
        return False
    return resolver.mentions_actor(sentence.text)


class _ArticleCoder:
    """Codes one article; holds per-article state (coreference) only while it runs."""

    def __init__(self, article: Article, ctx: CoderContext) -> None:
        self.article = article
        self.ctx = ctx
        self.when: date | None = article.published.date() if article.published else None
        self.coref = ctx.resolver.new_article(self.when)

    def actor_for(self, tok: Token, sentence: str, doc: Doc
                  ) -> tuple[Actor, tuple[int, int]] | None:
        if tok.lower_ in _PRONOUNS and tok.pos_ == "PRON":
            actor = self.coref.pronoun(tok.lower_)
            return (actor, (tok.idx, tok.idx + len(tok.text))) if actor else None
        start, end = np_span(tok)
        span: Span = doc[start:end]
        actor = self.ctx.resolver.resolve(span.text, self.coref, context=sentence)
        if actor is None:
            for ap in (c for c in tok.children if c.dep_ == "appos"):
                s2, e2 = np_span(ap)
                actor = self.ctx.resolver.resolve(doc[s2:e2].text, self.coref, context=sentence)
                if actor is not None:
                    break
        if actor is None:
            return None
        return actor, (span.start_char, span.end_char)

    def actors_for(self, heads: Iterable[tuple[Token, str]], sentence: str, doc: Doc
                   ) -> tuple[list[tuple[Actor, tuple[int, int]]], str]:
        for head, via in heads:
            found = []
            for tok in with_conjuncts(head):
                got = self.actor_for(tok, sentence, doc)
                if got is not None:
                    found.append(got)
            if found:
                return found, via
        return [], ""

    def code(self, sentences: Sequence[Sentence], docs: dict[int, Doc]) -> list[Mention]:
        mentions: list[Mention] = []
        seen: set[tuple[int, int, str, str, str]] = set()
        for sent in sentences:
            self.coref.observe(sent.text)
            doc = docs.get(sent.index)
            if doc is None:
                continue
            for frame in frames(doc, self.ctx.lexicon):
                for m in self.mentions_of(frame, sent, doc):
                    key = (sent.index, frame.trigger.i, m.source.code,
                           m.target.code if m.target else "", m.cameo)
                    if key not in seen:
                        seen.add(key)
                        mentions.append(m)
        return mentions

    def mentions_of(self, frame: Frame, sent: Sentence, doc: Doc) -> list[Mention]:
        sources, via = self.actors_for(frame.sources, sent.text, doc)
        if not sources:
            return []
        targets, tvia = self.actors_for(frame.targets, sent.text, doc)
        wants_target = any(s.kind != "none" for s in frame.rule.target)
        pairs: list[tuple[tuple[Actor, tuple[int, int]], tuple[Actor, tuple[int, int]] | None]]
        if targets:
            pairs = [(s, t) for s in sources for t in targets]
        elif len(sources) > 1 and any(s.kind == "recip" for s in frame.rule.target):
            pairs = [(a, b) for a in sources for b in sources if a is not b]
        else:
            pairs = [(s, None) for s in sources]
        out = []
        for (src, sspan), tgt in pairs:
            if tgt is not None and _same_actor(src, tgt[0]):
                continue
            out.append(self.build(frame, sent, doc, src, sspan, tgt, via, tvia, wants_target))
        return out

    def build(self, frame: Frame, sent: Sentence, doc: Doc, src: Actor, sspan: tuple[int, int],
              tgt: tuple[Actor, tuple[int, int]] | None, via: str, tvia: str,
              wants_target: bool) -> Mention:
        entry = self.ctx.table.get(frame.rule.cameo)
        trig = frame.trigger
        tspan = (trig.idx, trig.idx + len(trig.text))
        when = resolve_event_date(sent.text, self.article.published,
                                  trigger=tspan)
        mode = frame.rule.mode or entry.plover_mode
        if frame.negated:
            mode = "negated"
        elif frame.hypothetical:
            mode = "hypothetical"
        target = tgt[0] if tgt else None
        source = _with_span(src, sspan)
        if target is not None and tgt is not None:
            target = _with_span(target, tgt[1])
        mid = short_id(self.article.article_id, self.article.content_sha, sent.index, tspan[0],
                       source.code, target.code if target else "", frame.rule.cameo)
        return Mention(
            mention_id=mid, article_id=self.article.article_id, sentence_index=sent.index,
            sentence=sent.text, source=source, target=target, cameo=entry.code,
            cameo_root=entry.root, quad_class=entry.quad_class, penta_class=entry.penta_class,
            goldstein=entry.goldstein, plover=entry.plover, plover_mode=mode,
            event_date=when.date, date_precision=when.precision, background=when.background,
            trigger_span=tspan, magnitude=magnitude(sent.text),
            confidence=_confidence(frame, via, src, target, wants_target),
            rule=frame.rule.rule, coder_version=CODER_VERSION,
            negated=frame.negated or frame.hypothetical,
        )


def _with_span(actor: Actor, span: tuple[int, int]) -> Actor:
    from dataclasses import replace

    return replace(actor, span=span)


def _same_actor(a: Actor, b: Actor) -> bool:
    return a.code == b.code or (a.name is not None and a.name == b.name)


def _confidence(frame: Frame, via: str, src: Actor, tgt: Actor | None, wants_target: bool
                ) -> float:
    score = {"subj": 1.0, "agent": 1.0, "poss": 0.95, "by": 0.95, "controller": 0.9,
             "relcl": 0.85, "inherited": 0.85, "modifier": 0.8}.get(via, 0.8)
    if frame.trigger.pos_ not in {"VERB", "AUX"}:
        score *= 0.9
    if src.country is None and src.group is None:
        score *= 0.8
    if wants_target and tgt is None:
        score *= 0.85
    score *= 0.9 + 0.05 * min(2, frame.rule.specificity)
    return round(min(score, 1.0), 3)


def in_quote(text: str, pos: int) -> bool:
    """Whether character ``pos`` of ``text`` lies inside a quotation."""
    opened = 0
    for ch in text[:pos]:
        if ch in "“«„":
            opened += 1
        elif ch in "”»" and opened:
            opened -= 1
        elif ch == '"':
            opened = 0 if opened else 1
    return opened > 0


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
