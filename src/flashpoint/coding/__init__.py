"""Event coding: ``code_article(article) -> Coded`` (pure, deterministic).

The same article and options always give the same mentions with the same ids.  Models, the
lexicon and the dictionaries load lazily, once per process.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from ..context import (
    event_location,
    find_places,
    find_quotes,
    link_quotes,
    load_gazetteer,
    tone,
)
from ..model import Article, Coded, Mention, Place, Quote, Sentence
from ..nlp import MAX_SENTENCE_CHARS, parse, split_sentences
from ..options import Options
from .cameo import load_cameo_table
from .coder import CODER_VERSION, CoderContext, _ArticleCoder, has_trigger
from .lexicon import load_lexicon
from .resolve import ActorResolver, ArticleActors

__all__ = ["CODER_VERSION", "code_article", "code_articles", "coder_context", "coder_manifest"]

MIN_TEXT_CHARS = 20
# Countries whose people write the family name first ("Lai Ching-te", "Xi Jinping").
_SURNAME_FIRST = frozenset({"CHN", "TWN", "HKG", "MAC", "KOR", "PRK", "VNM", "KHM", "SGP",
                            "MNG"})
_QUOTE_MARKS = re.compile("[\"“”«»„]")
_WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?")  # "test-fired" gives "test" and "fired"
_INNER_CAPITAL = re.compile(r"\S\s+[A-Z]")


@functools.cache
def _context(user_dictionary: str | None) -> CoderContext:
    return CoderContext(load_lexicon(), load_cameo_table(),
                        ActorResolver.load(user_dictionary))


def coder_context(options: Options | None = None) -> CoderContext:
    """The lexicon, CAMEO table and actor resolver for ``options`` (loaded once per process)."""
    return _context((options or Options()).user_dictionary)


def _skip_reason(article: Article, options: Options) -> str | None:
    if len(article.text.strip()) < MIN_TEXT_CHARS:
        return "empty"
    if article.lang and options.languages and article.lang not in options.languages:
        return "language"
    return None


def code_articles(articles: Sequence[Article], options: Options | None = None) -> list[Coded]:
    """Code several articles, parsing all their candidate sentences in one batch."""
    opts = options or Options()
    ctx = coder_context(opts)
    plans: list[tuple[Article, list[Sentence], list[Sentence], ArticleActors] | Coded] = []
    to_parse: list[str] = []
    for art in articles:
        reason = _skip_reason(art, opts)
        if reason is not None:
            plans.append(Coded(art.article_id, skipped=reason))
            continue
        sents = split_sentences(art.text)
        when = art.published.date() if art.published else None
        triggers = [has_trigger(_WORDS.findall(s.text.lower()), ctx.lexicon) for s in sents]
        # Actors are looked for where a trigger is, and where a name may be introduced (a
        # capitalised word inside the sentence) for later coreference.
        scan = [t or bool(_INNER_CAPITAL.search(s.text)) for t, s in zip(triggers, sents,
                                                                          strict=True)]
        actors = ctx.resolver.article(when, [s.text for s in sents], scan)
        cands = [s for s, t in zip(sents, triggers, strict=True)
                 if t and len(s.text) <= MAX_SENTENCE_CHARS and actors.has_actor(s.index)]
        plans.append((art, sents, cands, actors))
        to_parse.extend(s.text for s in cands)
    docs = iter(parse(to_parse)) if to_parse else iter(())
    out: list[Coded] = []
    for plan in plans:
        if isinstance(plan, Coded):
            out.append(plan)
            continue
        art, sents, cands, actors = plan
        parsed = {s.index: next(docs) for s in cands}
        quotes: list[Quote] = []
        if opts.enrich and _QUOTE_MARKS.search(art.text):
            quotes = find_quotes(art.text, art.article_id, sents, ctx.resolver.dictionary,
                                 when=actors.when)
        coder = _ArticleCoder(art, ctx, actors, quotes)
        coder.enrich = opts.enrich
        mentions = coder.code(sents, parsed)
        # Place mentions are looked up in articles that report acts: an article with no event
        # (sport, weather) needs no gazetteer pass.
        places = _places(art, sents, opts, _people(sents, actors)) \
            if mentions and opts.enrich else []
        if places:
            mentions = _locate(mentions, sents, places, opts)
        if quotes:
            quotes, mentions = link_quotes(quotes, mentions, sents)
        out.append(Coded(art.article_id, tuple(mentions), quotes=tuple(quotes),
                         places=tuple(places),
                         tone=tone(s.text for s in sents) if opts.enrich else None))
    return out


def _people(sents: Sequence[Sentence], actors: ArticleActors
            ) -> tuple[list[tuple[int, int]], set[str]]:
    """Article offsets of the people the actor pass found ("President Lai Ching-te", "Lai"),
    and their family names."""
    spans, words = [], set()
    for s in sents:
        for sp in actors.first_pass[s.index]:
            if sp.kind in {"person", "surname"}:
                spans.append((s.start + sp.start, s.start + sp.end))
                name = (sp.person or "").split()
                # the family name ("Lai Ching-te" is Lai; a first name is kept: "Georgia X")
                words.update(name[:1] if sp.actor.country in _SURNAME_FIRST else name[-1:])
    return spans, words


def _places(article: Article, sents: Sequence[Sentence], options: Options,
            people: tuple[Sequence[tuple[int, int]], set[str]] = ((), set())) -> list[Place]:
    """Place mentions of the article, each with the index of its sentence; a place name
    that is a person's name ("Lai" in "President Lai Ching-te", "after Lai's inauguration")
    is no place."""
    gaz = load_gazetteer(options)
    starts = [s.start for s in sents]
    spans, names = people
    out = []
    for place in find_places(article.text, gaz):
        if place.text in names or (place.span is not None and any(
                a < place.span[1] and place.span[0] < b for a, b in spans)):
            continue
        index = None
        if place.span is not None:
            k = bisect.bisect_right(starts, place.span[0]) - 1
            index = sents[k].index if k >= 0 else None
        out.append(replace(place, sentence_index=index))
    return out


def _locate(mentions: Sequence[Mention], sents: Sequence[Sentence], places: Sequence[Place],
            options: Options) -> list[Mention]:
    """Each mention with its event location (where it happened, not every place named)."""
    gaz = load_gazetteer(options)
    by_sentence: dict[int, list[Place]] = {}
    for p in places:
        if p.sentence_index is not None:
            by_sentence.setdefault(p.sentence_index, []).append(p)
    out = []
    for m in mentions:
        if m.trigger_span is None:
            out.append(m)
            continue
        where = event_location(m.sentence, m.trigger_span, m.cameo_root,
                               by_sentence.get(m.sentence_index, []), places, gazetteer=gaz)
        out.append(replace(m, location=where) if where is not None else m)
    return out


def code_article(article: Article, options: Options | None = None) -> Coded:
    """Code one article: its mentions (one per coded statement in a sentence)."""
    return code_articles([article], options)[0]


def coder_manifest(options: Options | None = None) -> dict[str, object]:
    """Versions and hashes that make a coding run reproducible (stored with every run)."""
    from dataclasses import asdict

    from ..ids import sha256_hex
    from ..nlp import model_version
    from ..version import __version__

    opts = options or Options()
    ctx = coder_context(opts)
    return {
        "flashpoint": __version__,
        "coder_version": CODER_VERSION,
        "model": model_version(),
        "lexicon_sha256": ctx.lexicon.sha256,
        "cameo_table_sha256": ctx.table.sha256,
        "dictionary_sha256": ctx.resolver.sha256,
        "user_dictionary": opts.user_dictionary,
        "options_sha256": sha256_hex(repr(sorted(asdict(opts).items()))),
    }
