"""Safe rendering of untrusted article text for the dashboard.

Everything that comes from an article (text, titles, URLs, evidence sentences) is hostile until
escaped.  These helpers return ``markupsafe.Markup`` built only from ``escape``d pieces and tags
we write ourselves, so ``<script>``, ``onerror=`` attributes and ``{{ }}`` show as text.

- ``safe_url``: only absolute ``http``/``https`` URLs become links; anything else
  (``javascript:``, ``data:``, relative or malformed) is shown as text by the templates.
- ``highlight_article``: the clean text as paragraphs, evidence sentences in ``<mark>``, quotes
  in ``<q>``-like spans; overlapping spans are handled by cutting the text at every span
  boundary, so the tags always nest properly.
- ``highlight_terms``: a sentence with the search words in ``<mark>``.
- ``clip``: a snippet of bounded length for list pages (the ``clip`` template filter).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..model import Mention, Quote

MAX_ARTICLE_CHARS = 400_000  # the reader shows at most this much text (the store caps input)
MAX_URL_CHARS = 2048
MAX_TERMS = 8
MAX_SNIPPET_CHARS = 600  # evidence sentences and titles on list pages


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host and no control characters,
    else ``None`` (the caller shows it as plain text instead of a link)."""
    if not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def clip(text: str | None, limit: int = MAX_SNIPPET_CHARS) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis: a hostile or
    broken article whose "sentence" is a whole page must not blow up a list page.  (The
    article reader shows the full text.)"""
    if not text:
        return ""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip() + " …"


@dataclass(frozen=True, slots=True)
class Span:
    """A highlighted character range of the article text."""

    start: int
    end: int
    kind: str  # "evidence" | "quote"
    title: str = ""  # tooltip (what was coded from it, who said it)


def evidence_spans(text: str, mentions: Iterable[Mention]) -> list[Span]:
    """Where each mention's evidence sentence sits in ``text`` (found by search, in sentence
    order; a sentence not found verbatim is skipped)."""
    spans: list[Span] = []
    found: dict[str, int] = {}
    for m in sorted(mentions, key=lambda m: (m.sentence_index, m.mention_id)):
        sentence = m.sentence.strip()
        if not sentence:
            continue
        start = found.get(sentence)
        if start is None:
            start = text.find(sentence)
            if start < 0:
                continue
            found[sentence] = start
        target = m.target.code if m.target else "-"
        title = f"{m.source.code} → {target}: CAMEO {m.cameo}" + (
            f" / {m.plover}" if m.plover else "")
        spans.append(Span(start, start + len(sentence), "evidence", title))
    return spans


def quote_spans(text: str, quotes: Iterable[Quote]) -> list[Span]:
    """The quotes' character spans, checked against the text length."""
    out = []
    for q in quotes:
        start, end = q.span
        if 0 <= start < end <= len(text):
            who = q.speaker_text or (q.speaker.code if q.speaker else "unknown speaker")
            out.append(Span(start, end, "quote", f"quote: {who}"))
    return out


def highlight_article(text: str, spans: Sequence[Span]) -> list[Markup]:
    """The article as a list of paragraph bodies (without ``<p>``), each escaped, with
    evidence in ``<mark class="evidence">`` and quotes in ``<span class="quote">``."""
    text = text[:MAX_ARTICLE_CHARS]
    paragraphs: list[Markup] = []
    pos = 0
    for raw in re.split(r"(\n\s*\n)", text):
        start, end = pos, pos + len(raw)
        pos = end
        if not raw.strip():
            continue
        paragraphs.append(_paragraph(text, start, end, spans))
    return paragraphs


def _paragraph(text: str, start: int, end: int, spans: Sequence[Span]) -> Markup:
    mine = [s for s in spans if s.start < end and s.end > start]
    cuts = {start, end}
    for s in mine:
        cuts.add(max(s.start, start))
        cuts.add(min(s.end, end))
    bounds = sorted(cuts)
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        piece = str(escape(text[a:b])).replace("\n", "<br>")
        covering = [s for s in mine if s.start <= a and s.end >= b]
        ev = [s for s in covering if s.kind == "evidence"]
        qs = [s for s in covering if s.kind == "quote"]
        if ev:
            tip = escape("; ".join(dict.fromkeys(s.title for s in ev)))
            piece = f'<mark class="evidence" title="{tip}">{piece}</mark>'
        if qs:
            tip = escape("; ".join(dict.fromkeys(s.title for s in qs)))
            piece = f'<span class="quote" title="{tip}">{piece}</span>'
        out.append(piece)
    return Markup("".join(out))


def search_terms(query: str) -> list[str]:
    """The words of a search query worth highlighting (at most ``MAX_TERMS``)."""
    words = [w for w in re.split(r"\W+", query.lower()) if len(w) > 1]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def highlight_terms(sentence: str, terms: Sequence[str]) -> Markup:
    """``sentence`` escaped (and clipped), with case-insensitive occurrences of ``terms`` in
    ``<mark>``."""
    sentence = clip(sentence)
    if not terms:
        return Markup(escape(sentence))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(sentence):
        out.append(str(escape(sentence[pos:m.start()])))
        out.append(f'<mark class="term">{escape(m.group(0))}</mark>')
        pos = m.end()
    out.append(str(escape(sentence[pos:])))
    return Markup("".join(out))
