"""Event coding: ``code_article(article) -> Coded`` (pure, deterministic).

The same article and options always give the same mentions with the same ids.  Models, the
lexicon and the dictionaries load lazily, once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from ..model import Article, Coded, Sentence
from ..nlp import lower_tokens, parse, split_sentences
from ..options import Options
from .cameo import load_cameo_table
from .coder import CODER_VERSION, CoderContext, _ArticleCoder, candidate
from .lexicon import load_lexicon
from .resolve import ActorResolver

__all__ = ["CODER_VERSION", "code_article", "code_articles", "coder_context"]

MIN_TEXT_CHARS = 20


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
    plans: list[tuple[Article, list[Sentence], list[Sentence]] | Coded] = []
    to_parse: list[str] = []
    for art in articles:
        reason = _skip_reason(art, opts)
        if reason is not None:
            plans.append(Coded(art.article_id, skipped=reason))
            continue
        sents = split_sentences(art.text)
        cands = [s for s in sents
                 if candidate(s, ctx.lexicon, ctx.resolver, lower_tokens(s.text))]
        plans.append((art, sents, cands))
        to_parse.extend(s.text for s in cands)
    docs = iter(parse(to_parse)) if to_parse else iter(())
    out: list[Coded] = []
    for plan in plans:
        if isinstance(plan, Coded):
            out.append(plan)
            continue
        art, sents, cands = plan
        parsed = {s.index: next(docs) for s in cands}
        mentions = _ArticleCoder(art, ctx).code(sents, parsed)
        out.append(Coded(art.article_id, tuple(mentions)))
    return out


def code_article(article: Article, options: Options | None = None) -> Coded:
    """Code one article: its mentions (one per coded statement in a sentence)."""
    return code_articles([article], options)[0]
